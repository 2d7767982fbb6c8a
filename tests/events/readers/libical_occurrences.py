"""Occurrences of an iCalendar feed as libical reads them (GNOME Calendar, Evolution).

Run with Debian's /usr/bin/python3, which has python3-gi (the project's environment has not):
    /usr/bin/python3 libical_occurrences.py FIRST_EPOCH LAST_EPOCH < feed.ics
Prints JSON: [[uid, start], ...], start as seconds since the epoch for timed occurrences or an ISO date
for all-day ones. RECURRENCE-ID overrides are merged as a calendar program does (libical leaves that
to it); cancelled overrides are dropped.
"""

import datetime as dt
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402


def moment(calendar, component, kind) -> str | int:
    """A DTSTART or RECURRENCE-ID, its TZID resolved through the calendar's VTIMEZONE as a client does."""
    prop = component.get_first_property(kind)
    time = prop.get_value().get_datetime()
    if time.is_date():
        return dt.date(time.get_year(), time.get_month(), time.get_day()).isoformat()
    tzid = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
    zone = calendar.get_timezone(tzid.get_tzid()) if tzid is not None else None
    return int(time.as_timet_with_zone(zone or ICalGLib.Timezone.get_utc_timezone()))


def main() -> None:
    first, last = (int(value) for value in sys.argv[1:3])
    calendar = ICalGLib.Parser.parse_string(sys.stdin.read())
    utc = ICalGLib.Timezone.get_utc_timezone()
    start = ICalGLib.Time.new_from_timet_with_zone(first, 0, utc)
    end = ICalGLib.Time.new_from_timet_with_zone(last, 0, utc)
    occurrences: dict[tuple[str, str | int], bool] = {}
    overrides = []
    component = calendar.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while component is not None:
        uid = component.get_uid()
        if component.get_first_property(ICalGLib.PropertyKind.RECURRENCEID_PROPERTY) is not None:
            overrides.append(component)
        else:
            found = []

            def add(_component, span, _data, found=found):
                found.append(span.get_start())

            is_date = component.get_dtstart().is_date()
            component.foreach_recurrence(start, end, add, None)
            for seconds in found:
                if is_date:
                    day = dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
                    occurrences[(uid, day)] = True
                else:
                    occurrences[(uid, seconds)] = True
        component = calendar.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    for override in overrides:
        uid = override.get_uid()
        occurrences.pop((uid, moment(calendar, override, ICalGLib.PropertyKind.RECURRENCEID_PROPERTY)), None)
        status = override.get_first_property(ICalGLib.PropertyKind.STATUS_PROPERTY)
        if status is None or status.get_value_as_string() != "CANCELLED":
            occurrences[(uid, moment(calendar, override, ICalGLib.PropertyKind.DTSTART_PROPERTY))] = True
    json.dump(sorted(occurrences, key=str), sys.stdout)


main()
