import datetime as dt
from urllib.parse import urlencode

from django import template
from django.utils import timezone

from events.choices import SessionStatus
from events.models import Session
from events.widget import widget_snippet

register = template.Library()


@register.inclusion_tag("components/session_list.html", takes_context=True)
def coming_sessions(context, institution, limit: int = 10):
    """The next sessions of an institution's events, for its page."""
    sessions = (
        Session.objects.for_listing()
        .filter(institution=institution)
        .exclude(status=SessionStatus.CANCELLED)
        .upcoming()[:limit]
    )
    request = context.get("request")
    return {"sessions": sessions.listed(request), "request": request, "show_institution": False}


@register.simple_tag
def widget_code(institution, request=None) -> str:
    """The `<iframe>` that embeds the institution's coming sessions (`events.widget.widget_snippet`), as text:
    on the request's address with a request (its public page), else on the site's (its admin)."""
    return widget_snippet(institution, request)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@register.simple_tag(takes_context=True)
def google_calendar_url(context, event, session, location: str = "") -> str:
    """An "add to Google Calendar" link for one session."""
    if session.all_day:
        dates = f"{timezone.localtime(session.start):%Y%m%d}/{timezone.localtime(session.end):%Y%m%d}"
    else:
        dates = f"{utc_stamp(session.start)}/{utc_stamp(session.end)}"
    request = context.get("request")
    details = request.build_absolute_uri(event.get_url(request)) if request else ""
    return "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": dates,
            "details": details,
            "location": location,
            "ctz": timezone.get_default_timezone_name(),
        }
    )
