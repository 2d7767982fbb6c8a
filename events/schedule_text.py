"""An event's schedule in one plain sentence, written from its recurrence rule and stored sessions.

"Thứ Ba và Thứ Năm hằng tuần, 19:00–20:30, từ 07/01/2027 đến 26/03/2027; nghỉ 28/01/2027" — what a
resident reads first on the event page, instead of fifty dates. A rule the sentence cannot say (an
imported one with parts the editor's form does not offer) falls back to "repeats", with the first and
last dates, which are always right because they come from the stored sessions.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import SessionStatus
from .recurrence import WEEKDAY_CHOICES, WEEKDAY_CODES, parse_rule

EXCEPTIONS_SHOWN = 3


def day_text(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def weekday_name(code: str) -> str:
    return str(dict(WEEKDAY_CHOICES)[code])


def and_list(items: list[str]) -> str:
    return get_text_list(items, _("and"))


def ordinal_text(position: str) -> str:
    return {
        "1": _("the first"),
        "2": _("the second"),
        "3": _("the third"),
        "4": _("the fourth"),
        "-1": _("the last"),
    }.get(position, "")


def rule_text(rrule: str, start: dt.datetime) -> str | None:
    """How often, in words; None for a rule the sentence does not say."""
    parts = parse_rule(rrule)
    frequency, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1") or 1)
    byday = [code for code in parts.get("BYDAY", "").split(",") if code]
    if frequency == "DAILY" and not byday:
        return _("Every day") if interval == 1 else _("Every %(n)d days") % {"n": interval}
    if frequency == "WEEKLY":
        codes = byday or [WEEKDAY_CODES[timezone.localtime(start).weekday()]]
        if not all(code in WEEKDAY_CODES for code in codes):
            return None
        days = and_list([weekday_name(code) for code in sorted(codes, key=WEEKDAY_CODES.index)])
        if interval == 1:
            return _("Every week on %(days)s") % {"days": days}
        return _("Every %(n)d weeks on %(days)s") % {"n": interval, "days": days}
    if frequency == "MONTHLY" and interval == 1:
        if len(byday) == 1 and byday[0][-2:] in WEEKDAY_CODES and ordinal_text(byday[0][:-2]):
            position, code = byday[0][:-2], byday[0][-2:]
            return _("%(which)s %(day)s of each month") % {
                "which": ordinal_text(position),
                "day": weekday_name(code),
            }
        if not byday:
            day = parts.get("BYMONTHDAY") or str(timezone.localtime(start).day)
            if day.isdigit():
                return _("On day %(day)s of each month") % {"day": day}
    return None


def schedule_sentence(event, sessions: list | None = None) -> str:
    """The schedule in one sentence. `sessions`: the event's stored sessions in the schedule (read
    when not given): they give the first and last dates however the rule ends (UNTIL, COUNT, none)."""
    if sessions is None:
        sessions = list(event.sessions.filter(in_schedule=True).order_by("original_start"))
    start, end = timezone.localtime(event.start), timezone.localtime(event.end)
    hours = _("all day") if event.all_day else f"{start:%H:%M}–{end:%H:%M}"
    if not event.rrule:
        if event.all_day and end.date() > start.date():
            return f"{day_text(start.date())}–{day_text(end.date())}"
        weekday = weekday_name(WEEKDAY_CODES[start.weekday()])
        return f"{weekday}, {day_text(start.date())}, {hours}"

    how_often = rule_text(event.rrule, event.start) or _("Repeats")
    how_often = how_often[:1].upper() + how_often[1:]
    held = [s for s in sessions if not s.is_extra] or sessions
    first = timezone.localtime(held[0].original_start).date() if held else start.date()
    last = timezone.localtime(held[-1].original_start).date() if held else None
    open_ended = not {"UNTIL", "COUNT"} & set(parse_rule(event.rrule))
    if last and not open_ended:
        period = _("from %(first)s to %(last)s") % {"first": day_text(first), "last": day_text(last)}
    else:
        period = _("from %(first)s") % {"first": day_text(first)}
    sentence = f"{how_often}, {hours}, {period}"

    off = sorted(
        {d.date for d in event.dates.all() if d.kind == "exclude"}
        | {
            timezone.localtime(s.original_start).date()
            for s in sessions
            if s.status == SessionStatus.CANCELLED
        }
    )
    extra = sorted(timezone.localtime(s.original_start).date() for s in sessions if s.is_extra)
    notes = []
    if off:
        notes.append(_("no session on %(days)s") % {"days": days_list(off)})
    if extra:
        notes.append(_("also on %(days)s") % {"days": days_list(extra)})
    return "; ".join([sentence, *notes])


def days_list(days: list[dt.date]) -> str:
    shown = [day_text(day) for day in days[:EXCEPTIONS_SHOWN]]
    rest = len(days) - len(shown)
    if rest:
        shown.append(ngettext("%(n)d more day", "%(n)d more days", rest) % {"n": rest})
    return and_list(shown)


def days_until(day: dt.date, today: dt.date | None = None) -> str:
    """ "today", "tomorrow", "in 5 days" (còn 5 ngày)."""
    today = today or timezone.localdate()
    delta = (day - today).days
    if delta <= 0:
        return _("today")
    if delta == 1:
        return _("tomorrow")
    return ngettext("in %(n)d day", "in %(n)d days", delta) % {"n": delta}
