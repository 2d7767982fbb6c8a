"""Settings for the processes the backup tests start: the test settings, with the database from
DATABASE_URL (as in test.py) and MEDIA_ROOT from the environment, so a restore never writes into the
suite's own media folder."""

import os
from pathlib import Path

from portal.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
