"""Recurrence rules: an editor-friendly form that reads and writes an RFC 5545 RRULE.

The form covers what institutions schedule ("every week on Tuesday and Thursday until 30/06",
"the first Sunday of each month", "every 2 days, 15 times"). A rule it cannot show (e.g. one imported
from another calendar) is kept as it is unless the editor chooses another repetition.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


def parse_rule(rrule: str) -> dict[str, str]:
    """`FREQ=WEEKLY;BYDAY=TU,TH` -> {"FREQ": "WEEKLY", "BYDAY": "TU,TH"}; tolerant of an `RRULE:` prefix."""
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = {}
    for item in text.split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            parts[key.strip().upper()] = value.strip()
    return parts


def format_rule(parts: dict[str, str]) -> str:
    order = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "BYMONTH", "COUNT", "UNTIL"]
    keys = sorted(parts, key=lambda key: (order.index(key) if key in order else len(order), key))
    return ";".join(f"{key}={parts[key]}" for key in keys)


def until_value(day: dt.date) -> str:
    """UNTIL for the last day of a series: the end of that local day, in UTC (RFC 5545 §3.3.10)."""
    local_end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_default_timezone())
    return local_end.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def until_day(value: str) -> dt.date | None:
    """The local day an UNTIL value ends on."""
    try:
        if "T" not in value:
            return dt.datetime.strptime(value[:8], "%Y%m%d").date()
        moment = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if value.endswith("Z"):
        moment = moment.replace(tzinfo=dt.UTC)
        return timezone.localtime(moment).date()
    return moment.date()


def nth_weekday(day: dt.date) -> tuple[int, str]:
    """(1..4 or -1 for the last, weekday code) of a date: 02/11/2026 is (1, "MO")."""
    nth = (day.day - 1) // 7 + 1
    return (-1 if nth == 5 else nth), WEEKDAY_CODES[day.weekday()]


class EventPageForm(WagtailAdminPageForm):
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[
            ("", _("Does not repeat")),
            ("DAILY", _("Every day")),
            ("WEEKLY", _("Every week")),
            ("MONTHLY", _("Every month")),
            ("custom", _("Custom rule (kept as it is)")),
        ],
    )
    interval = forms.IntegerField(
        label=_("Every"),
        min_value=1,
        max_value=52,
        initial=1,
        required=False,
        help_text=_("1 = every day/week/month, 2 = every other one…"),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On"),
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly event; the first session's day must be one of them."),
    )
    monthly_by = forms.ChoiceField(
        label=_("Each month on"),
        required=False,
        choices=[
            ("monthday", _("the same date as the first session")),
            ("weekday", _("the same weekday, e.g. the first Sunday")),
        ],
    )
    until = forms.DateField(label=_("Until"), required=False, help_text=_("The last day of the series."))
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Instead of an end date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = getattr(self.instance, "rrule", "")
        if rule and not self.is_bound:
            self.initial.update(self.initial_from_rule(rule))

    def initial_from_rule(self, rule: str) -> dict:
        parts = parse_rule(rule)
        freq = parts.get("FREQ", "")
        known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"}
        byday = [day for day in parts.get("BYDAY", "").split(",") if day]
        simple_byday = all(day in WEEKDAY_CODES for day in byday)
        if (
            freq not in {"DAILY", "WEEKLY", "MONTHLY"}
            or set(parts) - known
            or (freq != "MONTHLY" and not simple_byday)
        ):
            return {"repeat": "custom"}
        initial = {"repeat": freq, "interval": int(parts.get("INTERVAL", "1") or 1)}
        if freq == "WEEKLY":
            initial["weekdays"] = byday
        if freq == "MONTHLY":
            initial["monthly_by"] = "weekday" if byday else "monthday"
        if "COUNT" in parts:
            initial["count"] = int(parts["COUNT"])
        if "UNTIL" in parts:
            initial["until"] = until_day(parts["UNTIL"])
        return initial

    def clean(self):
        cleaned = super().clean()
        repeat = cleaned.get("repeat") or ""
        start = cleaned.get("start")
        if repeat == "custom":
            if not getattr(self.instance, "rrule", ""):
                self.add_error("repeat", _("There is no custom rule to keep: choose how the event repeats."))
            return cleaned
        if not repeat:
            self.instance.rrule = ""
            return cleaned
        if cleaned.get("until") and cleaned.get("count"):
            self.add_error("count", _("Give an end date or a number of sessions, not both."))
        if start and cleaned.get("until") and cleaned["until"] < timezone.localtime(start).date():
            self.add_error("until", _("The series ends before its first session."))
        parts = {"FREQ": repeat}
        if (cleaned.get("interval") or 1) > 1:
            parts["INTERVAL"] = str(cleaned["interval"])
        if repeat == "WEEKLY" and cleaned.get("weekdays"):
            days = [code for code in WEEKDAY_CODES if code in cleaned["weekdays"]]
            if start and WEEKDAY_CODES[timezone.localtime(start).weekday()] not in days:
                self.add_error("weekdays", _("The first session's day must be one of the chosen days."))
            parts["BYDAY"] = ",".join(days)
        if repeat == "MONTHLY" and start:
            if cleaned.get("monthly_by") == "weekday":
                nth, code = nth_weekday(timezone.localtime(start).date())
                parts["BYDAY"] = f"{nth}{code}"
            else:
                parts["BYMONTHDAY"] = str(timezone.localtime(start).day)
        if cleaned.get("count"):
            parts["COUNT"] = str(cleaned["count"])
        elif cleaned.get("until"):
            parts["UNTIL"] = until_value(cleaned["until"])
        self.instance.rrule = format_rule(parts)
        return cleaned
