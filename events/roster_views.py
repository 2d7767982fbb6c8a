"""A session's roster in the admin (SPEC §9): who registered, the waiting list in order, who cancelled.

Only the staff of the event's institution and provincial staff see it (`may_see_personal_data`); every
view and export is written to the audit log with who read it. From here staff add a registration taken by
phone, cancel one, move the waiting list, change the session's seats, and cancel the session.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from wagtail.log_actions import log

from core.spreadsheets import safe_cell
from institutions.roles import may_see_personal_data

from .checking_in import check_in_ticket, undo_check_in
from .choices import RegistrationMode
from .models import CheckIn, EventPage, Registration, RegistrationStatus, Session, SessionChange
from .registering import CapacityTooLow, Refused, cancel, move_up, register, set_capacity
from .registration_forms import RegistrationForm
from .revisions import revise
from .seats import capacity_of, offer


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Seats in this session"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Empty: the event's number."),
    )


class CancelSessionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason, told to the registrants"), max_length=255, required=False
    )


def roster_session(request, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("event", "institution"), pk=session_id)
    if not may_see_personal_data(request.user, session.institution_id):
        raise PermissionDenied
    return session


def roster_rows(session: Session) -> dict[str, list[Registration]]:
    """The session's registrations by status, in queue order, each with its check-in here (or None)."""
    registrations = (
        Registration.objects.holding(session).select_related("added_by").order_by("queue_rank", "pk")
    )
    check_ins = CheckIn.objects.filter(session=session, registration__isnull=False)
    checked = {check_in.registration_id: check_in for check_in in check_ins}
    rows = {"confirmed": [], "waitlisted": [], "cancelled": []}
    for registration in registrations:
        registration.check_in = checked.get(registration.pk)
        rows[registration.status].append(registration)
    return rows


def roster_view(request, session_id: int):
    session = roster_session(request, session_id)
    event = session.event
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        log(session, "events.roster_exported", user=request.user, data={"format": export})
        return roster_export(session, export)
    if request.method == "POST":
        return roster_action(request, session)
    log(session, "events.roster_viewed", user=request.user)
    rows = roster_rows(session)
    context = {
        "session": session,
        "event": event,
        "rows": rows,
        "capacity": capacity_of(session, event),
        "offer": offer(session, event),
        "add_form": RegistrationForm(max_seats=event.max_seats, staff=True, auto_id="add_%s"),
        "capacity_form": CapacityForm(initial={"capacity": session.capacity}),
        "cancel_form": CancelSessionForm(),
        "takes_registration": event.registration_mode != RegistrationMode.NONE,
    }
    return TemplateResponse(request, "events/admin/roster.html", context)


def roster_action(request, session: Session):
    action = request.POST.get("action")
    back = redirect("events_roster", session.pk)
    if action == "add":
        form = RegistrationForm(request.POST, max_seats=50, staff=True)
        if not form.is_valid():
            errors = "; ".join(
                f"{form.fields[name].label if name in form.fields else ''} {' '.join(e)}".strip()
                for name, e in form.errors.items()
            )
            messages.error(request, _("The registration was not added: %(errors)s") % {"errors": errors})
            return back
        data = form.cleaned_data
        try:
            made = register(
                session,
                seats=data["seats"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                note=data["note"],
                added_by=request.user,
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return back
        log(made.registration, "wagtail.create", user=request.user)
        if made.registration.is_confirmed:
            messages.success(request, _("%(name)s is registered.") % {"name": made.registration.name})
        else:
            messages.warning(
                request,
                _("Every seat is taken: %(name)s is on the waiting list.") % {"name": made.registration.name},
            )
        return back
    registration = (
        Registration.objects.holding(session).filter(pk=request.POST.get("registration") or 0).first()
    )
    if action == "cancel" and registration is not None:
        promoted = cancel(registration)
        log(registration, "events.registration_cancelled", user=request.user)
        message = _("The registration of %(name)s is cancelled.") % {
            "name": registration.name or _("(erased)")
        }
        if promoted:
            message += " " + _("From the waiting list, now confirmed: %(names)s.") % {
                "names": ", ".join(p.name or _("(erased)") for p in promoted)
            }
        messages.success(request, message)
    elif action in {"check_in", "undo_check_in"} and registration is not None:
        return roster_check_in(request, session, registration, undo=action == "undo_check_in")
    elif action == "move_up" and registration is not None:
        if move_up(registration):
            messages.success(
                request,
                _("%(name)s moved up the waiting list.") % {"name": registration.name or _("(erased)")},
            )
    elif action == "capacity":
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                promoted = set_capacity(session, form.cleaned_data["capacity"])
            except CapacityTooLow as low:
                messages.error(
                    request,
                    _(
                        "%(count)s seats are already taken: the session cannot have fewer. Cancel "
                        "registrations first."
                    )
                    % {"count": low.taken},
                )
                return back
            log(session, "wagtail.edit", user=request.user, data={"capacity": form.cleaned_data["capacity"]})
            messages.success(
                request,
                _("The number of seats is saved.")
                + (
                    " " + _("%(count)s moved from the waiting list.") % {"count": len(promoted)}
                    if promoted
                    else ""
                ),
            )
        else:
            messages.error(request, _("Enter a whole number of seats, at least 1, or leave it empty."))
    elif action == "cancel_session":
        return cancel_session(request, session)
    return back


def roster_check_in(request, session: Session, registration: Registration, undo: bool):
    """One tap on the roster checks a ticket in (or takes a wrong tap back), and comes back to its row."""
    if undo:
        if undo_check_in(registration, session):
            log(registration, "events.check_in_undone", user=request.user, data={"session": session.pk})
    else:
        try:
            result = check_in_ticket(registration, session, request.user)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            if result.new:
                log(registration, "events.checked_in", user=request.user, data={"session": session.pk})
    return redirect(reverse("events_roster", args=[session.pk]) + f"#registration-{registration.pk}")


def cancel_session(request, session: Session):
    """The session becomes a cancelled session of the event (a new revision, published when the person may
    publish and nothing else waits in a draft): its registrants with an email are told (`schedule`)."""
    event = EventPage.objects.get(pk=session.event_id)
    permissions = event.permissions_for_user(request.user)
    back = redirect("events_roster", session.pk)
    if not permissions.can_edit():
        messages.error(request, _("You may not edit this event, so you cannot cancel its sessions."))
        return back
    form = CancelSessionForm(request.POST)
    form.is_valid()
    day = timezone.localtime(session.original_start).date()
    cancelled = SessionChange(original_date=day, cancelled=True, note=form.cleaned_data.get("note", ""))
    if revise(event, request.user, lambda draft: draft.changes.add(cancelled)):
        messages.success(request, _("The session is cancelled; everyone registered with an email is told."))
    else:
        messages.warning(
            request,
            _(
                "The cancellation is in the event's draft: it applies, and registrants are told, once it is "
                "published."
            ),
        )
    return back


COLUMNS = [
    ("status", gettext_lazy("Status")),
    ("position", gettext_lazy("Order")),
    ("name", gettext_lazy("Name")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
    ("seats", gettext_lazy("Seats")),
    ("note", gettext_lazy("Note")),
    ("registered", gettext_lazy("Registered")),
    ("checked_in", gettext_lazy("Checked in")),
]


def export_rows(session: Session):
    rows = roster_rows(session)
    for status in ["confirmed", "waitlisted", "cancelled"]:
        for position, registration in enumerate(rows[status], 1):
            yield [
                str(RegistrationStatus(status).label),
                position,
                registration.name,
                registration.phone,
                registration.email,
                registration.seats,
                registration.note,
                f"{timezone.localtime(registration.created_at):%d/%m/%Y %H:%M}",
                f"{timezone.localtime(registration.check_in.at):%d/%m/%Y %H:%M}"
                if registration.check_in
                else "",
            ]


def roster_export(session: Session, kind: str) -> HttpResponse:
    name = f"danh-sach-{session.event.slug}-{timezone.localtime(session.start):%Y%m%d-%H%M}"
    header = [str(label) for _, label in COLUMNS]
    rows = [[safe_cell(cell) for cell in row] for row in export_rows(session)]
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel reads UTF-8 with the mark
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Danh sách"
        sheet.append([session.event.title, f"{timezone.localtime(session.start):%d/%m/%Y %H:%M}"])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


def event_registrations_view(request, pk: int):
    """An event's sessions with their seats, each linking to its roster (from the event's admin page)."""
    event = get_object_or_404(EventPage, pk=pk)
    institution_id = event.get_parent().pk
    if not may_see_personal_data(request.user, institution_id):
        raise PermissionDenied
    sessions = list(event.sessions.filter(in_schedule=True).order_by("start")[:400])
    for session in sessions:
        session.seats = capacity_of(session, event)
    return TemplateResponse(
        request, "events/admin/event_registrations.html", {"event": event, "sessions": sessions}
    )
