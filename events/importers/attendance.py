"""`import_data attendance FILE.csv`: one headcount per session, replaced on re-import (SPEC §7)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from institutions.importing import (
    Change,
    CsvImporter,
    RowError,
    form_errors,
    register,
)
from institutions.record_rules import MAX_ATTENDEES, CountField

from .. import tallies
from ..models import NOT_HELD_YET, Attendance, Session


class AttendanceRowForm(forms.Form):
    institution_code = forms.CharField(max_length=32)
    event_uid = forms.CharField(max_length=255)
    session_start = forms.CharField(max_length=40)
    attendees = CountField(maximum=MAX_ATTENDEES)
    children = CountField(maximum=MAX_ATTENDEES, required=False)
    women = CountField(maximum=MAX_ATTENDEES, required=False)
    disabled = CountField(maximum=MAX_ATTENDEES, required=False)
    note = forms.CharField(max_length=255, required=False)

    def clean_session_start(self):
        """Local `YYYY-MM-DD HH:MM`, ISO 8601 with an offset, or a date for an all-day session."""
        text = self.cleaned_data["session_start"].strip()
        zone = timezone.get_default_timezone()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            raise forms.ValidationError(
                _(
                    "Use YYYY-MM-DD HH:MM (local time), ISO 8601 with an offset, "
                    "or YYYY-MM-DD for an all-day session, not “%(value)s”."
                ),
                params={"value": text},
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)

    def clean(self):
        cleaned = super().clean()
        attendees = cleaned.get("attendees")
        for name in ("children", "women", "disabled"):
            if cleaned.get(name) is not None and attendees is not None and cleaned[name] > attendees:
                self.add_error(name, _("A part cannot be larger than the headcount."))
        return cleaned


ATTENDANCE_FIELDS = ("attendees", "children", "women", "disabled", "note")


@register
class AttendanceImporter(CsvImporter):
    """`import_data attendance FILE.csv`: one headcount per session, replaced on re-import."""

    kind = "attendance"
    label = gettext_lazy("Attendance")
    order = 30
    required_columns = ("institution_code", "event_uid", "session_start", "attendees")
    optional_columns = ("children", "women", "disabled", "note")

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        rows, errors = self.read_rows(data)
        uids = {row.values.get("event_uid", "") for row in rows}
        sessions_by_uid: dict[str, list[Session]] = {}
        for session in Session.objects.filter(event__uid__in=uids).select_related("event", "institution"):
            sessions_by_uid.setdefault(session.event.uid, []).append(session)
        attendance = {a.session_id: a for a in Attendance.objects.filter(session__event__uid__in=uids)}
        allowed = self.allowed_institution_ids()
        seen: dict[int, int] = {}
        changes = []
        for row in rows:
            form = AttendanceRowForm(row.values)
            if not form.is_valid():
                errors.extend(form_errors(row.line, form))
                continue
            values = form.cleaned_data
            sessions = sessions_by_uid.get(values["event_uid"])
            if not sessions:
                errors.append(
                    RowError(
                        row.line, _("event_uid: there is no event “%(uid)s”.") % {"uid": values["event_uid"]}
                    )
                )
                continue
            if sessions[0].institution.code != values["institution_code"]:
                errors.append(
                    RowError(
                        row.line,
                        _("institution_code: the event belongs to %(code)s.")
                        % {"code": sessions[0].institution.code},
                    )
                )
                continue
            if allowed is not None and sessions[0].institution_id not in allowed:
                errors.append(self.outside_scope(row.line, sessions[0].institution))
                continue
            session = find_session(sessions, values["session_start"])
            if session is None:
                errors.append(RowError(row.line, _("session_start: the event has no session then.")))
                continue
            if not session.has_begun():
                errors.append(RowError(row.line, f"session_start: {NOT_HELD_YET}"))
                continue
            if session.pk in seen:
                errors.append(
                    RowError(
                        row.line, _("The same session is on line %(line)d.") % {"line": seen[session.pk]}
                    )
                )
                continue
            seen[session.pk] = row.line
            fields = {
                name: values[name] for name in ATTENDANCE_FIELDS if name in row.values or name == "attendees"
            }
            record = attendance.get(session.pk)
            label = f"{session}"
            if record is None:
                changes.append(Change(row.line, "create", label, session, fields))
            elif any(getattr(record, name) != value for name, value in fields.items()):
                changes.append(Change(row.line, "update", label, record, fields))
            else:
                changes.append(Change(row.line, "unchanged", label, record, fields))
        return changes, errors

    def apply_changes(self, changes: list[Change]) -> None:
        with tallies.counting():  # each event's tallies counted once, at the end
            super().apply_changes(changes)

    def apply_change(self, change: Change) -> None:
        if change.action == "create":
            record = Attendance.objects.create(session=change.target, recorded_by=self.user, **change.values)
            log(record, "wagtail.create", user=self.user)
        else:
            record = change.target
            for name, value in change.values.items():
                setattr(record, name, value)
            record.recorded_by = self.user
            record.save()
            log(record, "wagtail.edit", user=self.user)


def find_session(sessions: list[Session], when: dt.date | dt.datetime) -> Session | None:
    """The session starting then (its actual or original time), or on that day if it is all day."""
    if isinstance(when, dt.datetime):
        return next((s for s in sessions if when in (s.start, s.original_start)), None)
    return next(
        (
            s
            for s in sessions
            if s.all_day
            and when in (timezone.localtime(s.start).date(), timezone.localtime(s.original_start).date())
        ),
        None,
    )
