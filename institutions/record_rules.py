"""One rule for the figures staff type (headcounts, door counts) and the days they are for, on every screen.

Numbers are whole numbers written with the digits 0–9 only: "١٢", "１２", "1_000", "+7" and "²" are refused
everywhere rather than read differently on different paths. Days are from 2000 (before the plan's first
year with data) to the end of the current year.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_RECORD_DAY = dt.date(2000, 1, 1)
# An institution's opening and closing days: history allows old libraries and museums; the bounds keep
# out typing slips (0001-01-01, 9999-12-31) that no statistic can work with.
FIRST_INSTITUTION_DAY = dt.date(1800, 1, 1)
LAST_INSTITUTION_DAY = dt.date(2200, 12, 31)
MAX_ATTENDEES = 1_000_000
MAX_VISITS = 10_000_000
ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def last_record_day() -> dt.date:
    return timezone.localdate().replace(month=12, day=31)


def check_day(day: dt.date | None, first: dt.date, last: dt.date) -> None:
    if day is not None and not first <= day <= last:
        raise ValidationError(
            _("Choose a day from %(first)s to %(last)s.")
            % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"},
            code="out_of_range",
        )


def validate_record_day(day: dt.date | None) -> None:
    """Validator: the day of a door count or of an entry screen's period (screens, imports, snippet forms)."""
    check_day(day, FIRST_RECORD_DAY, last_record_day())


def validate_institution_day(day: dt.date | None) -> None:
    """Validator: an institution's opening or closing day."""
    check_day(day, FIRST_INSTITUTION_DAY, LAST_INSTITUTION_DAY)


def parse_count(text: str, maximum: int) -> int | None:
    """A typed count, or None when it is not a whole number from 0 to `maximum` in digits 0–9."""
    text = text.strip()
    if not ASCII_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def count_error(maximum: int) -> str:
    return _("Give a whole number from 0 to %(max)s, with the digits 0–9.") % {
        "max": f"{maximum:,}".replace(",", ".")
    }


class CountField(forms.IntegerField):
    """A count typed on an entry screen, read by `parse_count`."""

    def __init__(self, *, maximum: int, **kwargs):
        self.maximum = maximum
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", maximum)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = parse_count(str(value), self.maximum)
        if number is None:
            raise forms.ValidationError(count_error(self.maximum), code="invalid")
        return number


class RecordDayField(forms.DateField):
    """A day (or the first day of a month) that records can be entered for."""

    default_validators = [validate_record_day]


__all__ = [
    "FIRST_INSTITUTION_DAY",
    "FIRST_RECORD_DAY",
    "LAST_INSTITUTION_DAY",
    "MAX_ATTENDEES",
    "MAX_VISITS",
    "CountField",
    "RecordDayField",
    "count_error",
    "last_record_day",
    "parse_count",
    "validate_institution_day",
    "validate_record_day",
]
