"""The resident's side of registration (SPEC §9): the form, the ticket, cancelling and erasing.

Nothing here is cached: a ticket carries personal data (`never_cache`, and the public cache only ever
keeps what it is told to). The ticket's token is in its link only; the database keeps its hash.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from core.rate_limit import over_limit
from institutions.models import InstitutionPage
from institutions.roles import may_see_personal_data

from .checking_in import check_in_ticket, session_at_the_door
from .models import CheckIn, Registration, Session
from .registering import EVENT_FIELDS, Refused, cancel, erase, offer, register
from .registration_forms import RegistrationForm
from .tickets import qr_svg, registration_of_scan, scan_url, ticket_calendar, ticket_path

SESSION_FIELDS = [field.name for field in Session._meta.concrete_fields]


def registration_session(session_id: int) -> Session:
    """The session with what taking seats reads of its event (not its whole page, which costs more to
    read than the rest of the request); its place is read when a page shows it."""
    fields = [f"event__{name}" for name in EVENT_FIELDS]
    return get_object_or_404(
        Session.objects.select_related("event").only(*SESSION_FIELDS, *fields),
        pk=session_id,
        in_schedule=True,
        event__live=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request, session_id: int):
    """`GET/POST /dang-ky/<session-id>/`: the form; a valid POST answers 303 to the new ticket."""
    session = registration_session(session_id)
    event = session.event
    state = offer(session, event)
    context = {"session": session, "event": event, "offer": state, "institution": lazy_institution(session)}
    if not state.takes_registrations:
        context["refusal"] = state.refusal()
        return TemplateResponse(
            request,
            "events/registration/closed.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        if over_limit(request, "registration", settings.REGISTRATION_RATE_LIMIT):
            context["refusal"] = _(
                "Too many registrations were sent from your connection in a short time. "
                "Please wait a while and try again, or call the organiser."
            )
            return TemplateResponse(request, "events/registration/closed.html", context, status=429)
        form = RegistrationForm(request.POST, max_seats=event.max_seats)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = register(
                    session,
                    event=event,
                    seats=data["seats"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    note=data["note"],
                )
            except Refused as refused:
                context["refusal"] = refused.message
                return TemplateResponse(request, "events/registration/closed.html", context, status=409)
            return see_other(ticket_path(made.token))
        status = 400
    else:
        form = RegistrationForm(max_seats=event.max_seats)
        status = 200
    context["form"] = form
    return TemplateResponse(request, "events/registration/form.html", context, status=status)


def lazy_institution(session: Session):
    """The session's institution, read only when a page shows it (not for a registration that succeeds)."""
    return SimpleLazyObject(
        lambda: InstitutionPage.objects.only("title", "address").get(pk=session.institution_id)
    )


def see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def ticket_registration(token: str) -> Registration:
    registration = (
        Registration.objects.for_token(token)
        .select_related("event", "session", "session__institution")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


@never_cache
def ticket_view(request, token: str):
    """`/ve/<token>/`: the seats, their status (the place in the queue), the QR code, the .ics, cancel."""
    registration = ticket_registration(token)
    sessions = list(registration.places.order_by("start"))
    context = {
        "registration": registration,
        "event": registration.event,
        "session": registration.session,
        "sessions": sessions,
        "institution": registration.session.institution,
        "position": registration.queue_position(),
        "qr": qr_svg(scan_url(registration, request)) if not registration.is_cancelled else "",
        "token": token,
    }
    return TemplateResponse(request, "events/registration/ticket.html", context)


@never_cache
def ticket_calendar_view(request, token: str):
    registration = ticket_registration(token)
    response = HttpResponse(ticket_calendar(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ve.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_cancel_view(request, token: str):
    """`GET /ve/<token>/huy/` asks; `POST` gives the seats back (and the waiting list gets them)."""
    registration = ticket_registration(token)
    if request.method == "POST" and not registration.is_cancelled:
        cancel(registration)
        messages.success(request, _("Your registration is cancelled. Thank you for freeing the seats."))
        return see_other(ticket_path(token))
    if registration.is_cancelled:
        return see_other(ticket_path(token))
    return TemplateResponse(
        request,
        "events/registration/cancel.html",
        {"registration": registration, "event": registration.event, "token": token},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_erase_view(request, token: str):
    """`GET /ve/<token>/xoa-du-lieu/` asks; `POST` erases the name, phone, email and note (the seats stay)."""
    registration = ticket_registration(token)
    if request.method == "POST":
        erase(registration)
        messages.success(request, _("Your name, phone number, email and note are erased."))
        return see_other(ticket_path(token))
    return TemplateResponse(
        request,
        "events/registration/erase.html",
        {"registration": registration, "event": registration.event, "token": token},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_scan_view(request, code: str):
    """The QR code's link. Staff of the event's institution (opening it with the phone's camera, logged in)
    see the person and a button that checks the ticket in (POST; a second time says when, and counts
    nothing); anyone else is told to show the code at the door."""
    pk = registration_of_scan(code)
    registration = (
        Registration.objects.select_related("event", "session").filter(pk=pk).first() if pk else None
    )
    if registration is None:
        raise Http404
    if not may_see_personal_data(request.user, registration.session.institution_id):
        status = 403 if request.method == "POST" else 200
        return TemplateResponse(
            request, "events/registration/scan.html", {"registration": registration}, status=status
        )
    session = session_at_the_door(registration)
    context = {"registration": registration, "event": registration.event, "session": session, "code": code}
    status = 200
    if request.method == "POST" and session is not None:
        try:
            result = check_in_ticket(registration, session, request.user)
        except Refused as refused:
            context["refusal"], status = refused.message, 409
        else:
            context.update(check_in=result.check_in, checked_now=result.new)
            if result.new:
                log(registration, "events.checked_in", user=request.user, data={"session": session.pk})
    else:
        log(registration, "events.ticket_viewed", user=request.user)
        if session is not None:
            context["check_in"] = CheckIn.objects.filter(session=session, registration=registration).first()
    return TemplateResponse(request, "events/registration/scan_staff.html", context, status=status)
