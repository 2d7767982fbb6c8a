"""Sessions on the institution's closure days: the warning after publishing, and the one action that adds
them to the event as dates off (SPEC §9; they already show as cancelled, `schedule.closure_notes`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin import messages as admin_messages

from .models import EventDate, EventPage
from .revisions import revise
from .schedule import closure_days


def warn_about_closure_days(request, page) -> None:
    """After a publication: the sessions that fall on closure days, with the action that adds them."""
    page = page.specific
    if not isinstance(page, EventPage):
        return
    days = closure_days(page)
    if not days:
        return
    shown = ", ".join(f"{day:%d/%m/%Y}" for day in days[:8]) + (" …" if len(days) > 8 else "")
    message = ngettext(
        "%(count)d session of “%(title)s” falls on a closure day of its institution and shows as "
        "cancelled: %(days)s.",
        "%(count)d sessions of “%(title)s” fall on closure days of its institution and show as "
        "cancelled: %(days)s.",
        len(days),
    ) % {"count": len(days), "title": page.title, "days": shown}
    url = reverse("events_closure_days", args=[page.pk])
    admin_messages.warning(request, message, buttons=[admin_messages.button(url, _("Add them as dates off"))])


def closure_days_view(request, pk: int):
    """GET: the days, and a button; POST: they become dates off of the event (a new revision, published
    when the person may publish and nothing else waits in a draft)."""
    event = get_object_or_404(EventPage, pk=pk)
    permissions = event.permissions_for_user(request.user)
    if not permissions.can_edit():
        raise PermissionDenied
    days = closure_days(event)
    if request.method == "POST" and days:

        def add_dates_off(draft):
            known = {d.date for d in draft.dates.all() if d.kind == EventDate.Kind.EXCLUDE}
            for day in days:
                if day not in known:
                    draft.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=day))

        if revise(event, request.user, add_dates_off):
            messages.success(request, _("The closure days are now dates off of the event, and published."))
        else:
            messages.success(
                request,
                _("The closure days were added to the event's draft as dates off: publish it to apply."),
            )
        return redirect("wagtailadmin_pages:edit", event.pk)
    return TemplateResponse(request, "events/admin/closure_days.html", {"event": event, "days": days})
