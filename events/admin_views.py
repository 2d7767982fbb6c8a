"""The attendance entry screen: one institution's sessions in a period, a number box per session.

Everything on the screen is saved in one transaction, with the rows locked, and each change is logged.
A box left empty changes nothing; a box emptied removes that session's record (said in the message).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from institutions.admin_views import own_institutions
from institutions.models import InstitutionPage
from institutions.record_rules import MAX_ATTENDEES, CountField, RecordDayField
from institutions.roles import has_institution_scope

from .models import Attendance, Session, SessionStatus

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
    attendees = CountField(label=gettext_lazy("Attendees"), **NUMBER)
    children = CountField(label=gettext_lazy("Children"), **NUMBER)
    women = CountField(label=gettext_lazy("Women"), **NUMBER)
    disabled = CountField(label=gettext_lazy("People with disabilities"), **NUMBER)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        attendees = cleaned.get("attendees")
        for name in ("children", "women", "disabled"):
            part = cleaned.get(name)
            if part is not None and attendees is None:
                self.add_error("attendees", _("Give the headcount too."))
            elif part is not None and part > attendees:
                self.add_error(name, _("A part cannot be larger than the headcount."))
        return cleaned


FIELDS = ("attendees", "children", "women", "disabled", "note")


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

    def initial(session):
        record = getattr(session, "attendance", None)
        return {name: getattr(record, name) for name in FIELDS} if record else {}

    rows = [
        (session, AttendanceRowForm(request.POST or None, prefix=f"s{session.pk}", initial=initial(session)))
        for session in sessions
    ]
    if request.method == "POST":
        if all(form.is_valid() for _session, form in rows):
            saved, removed = save_attendance(rows, request.user)
            messages.success(
                request,
                _("Attendance saved: %(saved)d recorded, %(removed)d removed.")
                % {"saved": saved, "removed": removed},
            )
            return redirect(request.get_full_path())
        messages.error(request, _("Some numbers could not be saved; nothing was saved. See the marked rows."))
    return render(request, period, institution=institution, rows=rows)


@transaction.atomic
def save_attendance(rows, user) -> tuple[int, int]:
    """Create, replace or remove the records the editor changed, all or nothing."""
    session_ids = [session.pk for session, _form in rows]
    existing = {
        a.session_id: a for a in Attendance.objects.select_for_update().filter(session_id__in=session_ids)
    }
    saved = removed = 0
    for session, form in rows:
        if not form.has_changed():
            continue
        values = {
            name: form.cleaned_data[name] if name != "note" else form.cleaned_data[name] or ""
            for name in FIELDS
        }
        record = existing.get(session.pk)
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
    return TemplateResponse(
        request,
        "events/admin/attendance_entry.html",
        {"page_title": _("Attendance entry"), "period": period, **context},
    )
