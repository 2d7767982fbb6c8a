"""gunicorn's settings when it is started from the project folder (`gunicorn portal.wsgi`), which it reads
from ./gunicorn.conf.py by itself; options on the command line override them.

An admin import of the largest file the upload limit accepts (IMPORT_MAX_UPLOAD_BYTES, 5 MB: about 146,000
daily door counts) took 56 s to preview and 88 s to confirm on SQLite on two cores. gunicorn's
default of 30 s would kill the worker half-way (nothing is written, but the person cannot finish), so a
request may take up to GUNICORN_TIMEOUT seconds (180). On SQLite, a save made while an import writes waits
for it up to SQLITE_TIMEOUT seconds (120), below this timeout.
"""

import os

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))
