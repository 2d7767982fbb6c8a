"""The attendance entry screen: one institution's sessions in a period, a number box per session.

Everything on the screen is saved in one transaction, with the rows locked, and each change is logged.
A box left empty changes nothing; a box emptied removes that session's record (said in the message).

Each row carries the values it was shown with. A save changes only the rows the person changed, judged
against those values, so a screen opened before a colleague's save never reverts or removes what the
colleague saved. A row that someone else changed in between is not overwritten: nothing is saved, and the
screen comes back with both figures and asks.
"""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from institutions.admin_views import own_institutions
from institutions.models import InstitutionPage
from institutions.record_rules import MAX_ATTENDEES, CountField, RecordDayField
from institutions.roles import has_institution_scope, may_see_personal_data

from . import tallies
from .choices import SessionStatus
from .models import NOT_HELD_YET, Attendance, Session

NUMBER = {"maximum": MAX_ATTENDEES, "required": False}


def can_enter_attendance(user) -> bool:
    """Staff who act for institutions record their sessions' attendance (the screen keeps them to those)."""
    return has_institution_scope(user)


class PeriodForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"), queryset=InstitutionPage.objects.order_by("title")
    )
    first_day = RecordDayField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = RecordDayField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and (last < first or (last - first).days > 92):
            raise forms.ValidationError(_("Choose a period of at most three months, ending after it starts."))
        return cleaned


class AttendanceRowForm(forms.Form):
    # The row's values as the screen showed them (JSON), to tell a change from a colleague's save.
    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    attendees = CountField(label=gettext_lazy("Attendees"), **NUMBER)
    children = CountField(label=gettext_lazy("Children"), **NUMBER)
    women = CountField(label=gettext_lazy("Women"), **NUMBER)
    disabled = CountField(label=gettext_lazy("People with disabilities"), **NUMBER)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    # False for a session that has not begun: its boxes must stay empty (set by `entry_rows`).
    begun = True

    def clean(self):
        cleaned = super().clean()
        attendees = cleaned.get("attendees")
        if not self.begun and any(cleaned.get(name) not in (None, "") for name in FIELDS):
            self.add_error("attendees", NOT_HELD_YET)
            return cleaned
        for name in ("children", "women", "disabled"):
            part = cleaned.get(name)
            if part is not None and attendees is None:
                self.add_error("attendees", _("Give the headcount too."))
            elif part is not None and part > attendees:
                self.add_error(name, _("A part cannot be larger than the headcount."))
        return cleaned


FIELDS = ("attendees", "children", "women", "disabled", "note")


def values_of(record: Attendance | None) -> dict:
    """A record's figures as the screen shows them; a session without a record shows empty boxes."""
    if record is None:
        return {**dict.fromkeys(FIELDS[:-1]), "note": ""}
    return {**{name: getattr(record, name) for name in FIELDS[:-1]}, "note": record.note or ""}


def shown_token(values: dict) -> str:
    return json.dumps([values[name] for name in FIELDS])


def shown_values(token: str | None) -> dict | None:
    """The values a posted row was shown with, or None when the screen did not send them."""
    try:
        parsed = json.loads(token or "")
    except ValueError:
        return None
    if not isinstance(parsed, list) or len(parsed) != len(FIELDS):
        return None
    values = dict(zip(FIELDS, parsed, strict=True))
    if not all(values[name] is None or type(values[name]) is int for name in FIELDS[:-1]):
        return None
    return values if isinstance(values["note"], str) else None


class Conflict(Exception):
    """Rows someone else changed after the screen was shown: session id -> their current values."""

    def __init__(self, rows: dict[int, dict]):
        super().__init__(rows)
        self.rows = rows


def attendance_entry_view(request):
    if not can_enter_attendance(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    period = PeriodForm(
        request.GET or None,
        initial={"first_day": today - dt.timedelta(days=today.weekday() + 7), "last_day": today},
    )
    own_institutions(period, request)
    if not period.is_bound or not period.is_valid():
        return render(request, period)
    institution = period.cleaned_data["institution"]
    sessions = list(
        Session.objects.filter(institution=institution)
        .between(period.cleaned_data["first_day"], period.cleaned_data["last_day"])
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("event", "attendance")
        .order_by("start")
    )

    data = request.POST.copy() if request.method == "POST" else None
    rows = entry_rows(sessions, data)
    if data is not None:
        if all(form.is_valid() for _session, form in rows):
            try:
                saved, removed = save_attendance(rows, request.user)
            except Conflict as conflict:
                # Shown again with the colleague's figures as the new starting point: saving once more
                # keeps this person's figures, knowingly.
                for session_id, current in conflict.rows.items():
                    data[f"s{session_id}-shown"] = shown_token(current)
                rows = entry_rows(sessions, data, conflict.rows)
                messages.error(
                    request,
                    _(
                        "Someone else saved some of these sessions after you opened the screen; nothing was "
                        "saved. Their figures are shown beside yours: save again to keep yours."
                    ),
                )
                return render(request, period, institution=institution, rows=rows)
            messages.success(
                request,
                _("Attendance saved: %(saved)d recorded, %(removed)d removed.")
                % {"saved": saved, "removed": removed},
            )
            return redirect(request.get_full_path())
        messages.error(request, _("Some numbers could not be saved; nothing was saved. See the marked rows."))
    return render(request, period, institution=institution, rows=rows)


def entry_rows(sessions, data, conflicts: dict[int, dict] | None = None) -> list:
    """A form per session. Unbound, it shows the stored figures; bound, its starting point is what the
    screen showed (or, from a screen that did not say, the stored figures)."""
    rows = []
    now = timezone.now()
    for session in sessions:
        prefix = f"s{session.pk}"
        stored = values_of(getattr(session, "attendance", None))
        shown = shown_values(data.get(f"{prefix}-shown")) if data is not None else None
        initial = {**(shown or stored), "shown": shown_token(shown or stored)}
        form = AttendanceRowForm(data, prefix=prefix, initial=initial)
        form.begun = session.has_begun(now)
        form.shown_values = shown or stored
        form.theirs = (conflicts or {}).get(session.pk)
        rows.append((session, form))
    return rows


@tallies.counting()  # one transaction; each event's tallies counted once, at its end
def save_attendance(rows, user) -> tuple[int, int]:
    """Create, replace or remove the records the editor changed, all or nothing.

    The sessions' rows are locked first, in id order: two people saving the same sessions at once are
    served one after the other, and the second sees the first's records (no duplicate is ever tried).
    A changed row whose record changed since the screen showed it raises `Conflict`, saving nothing.
    """
    changed = []
    for session, form in rows:
        if not form.begun:
            continue  # its boxes are not shown; a record typed before it was moved ahead stays as it is
        values = {
            name: form.cleaned_data[name] if name != "note" else form.cleaned_data[name] or ""
            for name in FIELDS
        }
        if values != form.shown_values:
            changed.append((session, form, values))
    session_ids = sorted(session.pk for session, _form, _values in changed)
    list(Session.objects.select_for_update().filter(pk__in=session_ids).order_by("pk").values_list("pk"))
    existing = {a.session_id: a for a in Attendance.objects.filter(session_id__in=session_ids)}
    conflicts = {}
    for session, form, values in changed:
        current = values_of(existing.get(session.pk))
        if current not in (form.shown_values, values):
            conflicts[session.pk] = current
    if conflicts:
        raise Conflict(conflicts)

    saved = removed = 0
    for session, _form, values in changed:
        record = existing.get(session.pk)
        if values == values_of(record):
            continue  # someone else saved the same figures
        if values["attendees"] is None:
            if record is not None:
                log(record, "wagtail.delete", user=user)
                record.delete()
                removed += 1
            continue
        if record is None:
            record = Attendance(session=session)
            action = "wagtail.create"
        else:
            action = "wagtail.edit"
        for name, value in values.items():
            setattr(record, name, value)
        record.recorded_by = user
        record.save()
        log(record, action, user=user)
        saved += 1
    return saved, removed


def render(request, period, **context):
    institution = context.get("institution")
    # Each session's roster is linked for those who may read residents' data (not an area's officers).
    context["show_rosters"] = institution is not None and may_see_personal_data(request.user, institution.pk)
    return TemplateResponse(
        request,
        "events/admin/attendance_entry.html",
        {"page_title": _("Attendance entry"), "period": period, **context},
    )
