"""The events' importers, found by `import_data` (`institutions.importing.importers`): one module each."""

from .attendance import AttendanceImporter
from .calendars import EventImporter

__all__ = ["AttendanceImporter", "EventImporter"]
