"""Demo content for `load_demo`: Hà Tĩnh's kinds of institutions, over every indicator group.

One module by what it builds: institutions (with their list in `institution_list`), events, figures,
good models (`stories`).
Names and places follow the province's real network; addresses, coordinates, phone numbers and
hours are illustrative.
"""

from .events import load_demo_events
from .figures import load_demo_records
from .institutions import load_demo_institutions
from .registrations import load_demo_registrations
from .stories import load_demo_stories

__all__ = [
    "load_demo_events",
    "load_demo_institutions",
    "load_demo_records",
    "load_demo_registrations",
    "load_demo_stories",
]
