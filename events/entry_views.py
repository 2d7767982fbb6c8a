"""`POST /api/v1/attendance`: one session's headcount sent by the offline entry app (SPEC §10), with the
rules of the attendance screen (a session that has begun, parts no larger than the headcount, the person's
institutions only) and its audit log. The shared machinery is `institutions.entry_api`."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from institutions.entry_api import EntryError, entry_endpoint, field_errors, form_data, replay
from institutions.record_rules import MAX_ATTENDEES, CountField
from institutions.roles import institutions_for

from .models import NOT_HELD_YET, Attendance, Session

PARTS = ("children", "women", "disabled")


class AttendanceEntryForm(forms.Form):
    session = forms.IntegerField(min_value=1, max_value=2**62)
    attendees = CountField(label=gettext_lazy("Attendees"), maximum=MAX_ATTENDEES)
    children = CountField(label=gettext_lazy("Children"), maximum=MAX_ATTENDEES, required=False)
    women = CountField(label=gettext_lazy("Women"), maximum=MAX_ATTENDEES, required=False)
    disabled = CountField(
        label=gettext_lazy("People with disabilities"), maximum=MAX_ATTENDEES, required=False
    )
    note = forms.CharField(max_length=255, required=False)
    base = forms.CharField(max_length=64, required=False)

    def clean(self):
        cleaned = super().clean()
        for name in PARTS:
            part, attendees = cleaned.get(name), cleaned.get("attendees")
            if part is not None and attendees is not None and part > attendees:
                self.add_error(name, _("A part cannot be larger than the headcount."))
        return cleaned


def version_of(record: Attendance | None) -> str | None:
    """The record's version: a digest of its figures (a save of other figures changes it; none: null)."""
    if record is None:
        return None
    return hashlib.sha256(json.dumps(figures(record), sort_keys=True).encode()).hexdigest()[:16]


def figures(record: Attendance | None) -> dict | None:
    if record is None:
        return None
    return {
        "attendees": record.attendees,
        **{name: getattr(record, name) for name in PARTS},
        "note": record.note,
    }


def apply_attendance(request, data: dict, entry_id) -> tuple[int, dict]:
    form = AttendanceEntryForm(form_data(data))
    if not form.is_valid():
        raise field_errors(form.errors)
    values = form.cleaned_data
    session = Session.objects.select_for_update().filter(pk=values["session"]).first()
    if session is None:
        raise EntryError(404, {"errors": {"session": [_("No such session.")]}})
    replay(request, entry_id, "attendance")
    if not institutions_for(request.user).filter(pk=session.institution_id).exists():
        raise EntryError(403, {"errors": {"session": [_("This session is not of your institutions.")]}})
    if not session.has_begun():
        raise EntryError(400, {"errors": {"attendees": [str(NOT_HELD_YET)]}})
    record = Attendance.objects.filter(session=session).first()
    if version_of(record) != (values["base"] or None):
        raise EntryError(409, {"server": figures(record), "version": version_of(record)})
    created = record is None
    record = record or Attendance(session=session)
    for name in ("attendees", *PARTS):
        setattr(record, name, values[name])
    record.note = values["note"]
    record.recorded_by = request.user
    record.save()
    log(
        record,
        "wagtail.create" if created else "wagtail.edit",
        user=request.user,
        data={"entry": str(entry_id)},
    )
    body = {"id": str(entry_id), "session": session.pk, **figures(record), "version": version_of(record)}
    return (201 if created else 200), body


attendance_entry_api = entry_endpoint("attendance", apply_attendance)
