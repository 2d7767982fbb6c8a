import datetime as dt
import html
from urllib.parse import urlencode

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from events.choices import SessionStatus
from events.models import Session
from events.models.sessions import ListedSession
from events.seat_parts import Words
from events.seat_parts import seats_part as seats_part_html
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


@register.simple_tag(takes_context=True)
def seats_part(context, session, form: str) -> SafeString:
    """What `session` offers now on the event page (`events.seat_parts`): `summary` or `row`."""
    words = context.render_context.setdefault("seat_part_words", Words())
    return seats_part_html(session, context["page"], form, words)


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


@register.simple_tag
def session_cards(sessions: list[ListedSession], heading: str = "h4", with_date: bool = False) -> SafeString:
    """The listing's sessions as cards, in a `<ul>`: `heading` is h3 or h4; `with_date` for a list that is
    not by day (the nearest first).

    Written out in Python, as the filters' options are (`institutions.filters.QuickSelectMixin`): a listing
    page shows up to seventy cards, and the template engine took about a third of the page's time for
    them, three times what these lines take.
    """
    heading = "h3" if heading == "h3" else "h4"
    cards = [session_card(session, heading, with_date) for session in sessions]
    return mark_safe('<ul class="result-list">\n' + "\n".join(cards) + "\n</ul>")


def escape(value) -> str:
    """Django's `conditional_escape` (HTML stays as it is, the rest is escaped) without its wrapper for
    lazy strings: the wrapper took a quarter of the cards' time, on about six hundred values a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def session_card(session: ListedSession, heading: str, with_date: bool) -> str:
    """One card: every value in it goes through `escape`."""
    event = session.event
    thumbnail = ""
    if event.image:
        context = {"image": event.image, "alt": event.image_alt}
        thumbnail = render_to_string("components/thumbnail.html", context)
    if with_date:
        start = timezone.localtime(session.start)
        moment = date_format(start, "l, d/m/Y" if session.all_day else "l, d/m/Y H:i")
        when = f'<time datetime="{escape(start.isoformat())}">{escape(moment)}</time>'
    else:
        when = escape(session.hours)
    if session.status == SessionStatus.MOVED:
        when += f' <span class="status moved">{escape(gettext("Moved"))}</span>'
    if session.distance is not None:
        away = gettext("%(km)s km away") % {"km": floatformat(session.distance, 1)}
        when += f' · <span class="distance">{escape(away)}</span>'
    meta = [event.kind_label, session.institution.title]
    if event.is_free:
        meta.append(gettext("Free"))
    meta = " · ".join(escape(part) for part in meta)
    offer = session.offer
    if offer and offer.label:
        meta += f' · <span class="seats">{escape(offer.label)}</span>'
    url = escape(event.url)
    others = ""
    if session.others:
        label = escape(session.others_label)
        others = f'\n<p class="other-sessions"><a href="{url}#sessions-heading">{label}</a></p>'
    kind = "result with-thumbnail" if event.image else "result"
    return (
        f'<li class="{kind}">{thumbnail}\n<p class="time">{when}</p>\n'
        f'<{heading}><a href="{url}">{escape(event.title)}</a></{heading}>\n'
        f'<p class="meta">{meta}</p>{others}\n</li>'
    )


@register.simple_tag
def month_grid(weeks: list[list]) -> SafeString:
    """The month view's `<table>`: a row for each week of `CalendarDay`s (`events.listing`), each day with
    its first few sessions and a link to the rest. Written out in Python for the reason the cards are."""
    head = format_html_join(
        "", '<th scope="col">{}</th>', ((date_format(cell.day, "D"),) for cell in weeks[0])
    )
    rows = "\n".join("<tr>" + "\n".join(month_cell(cell) for cell in week) + "</tr>" for week in weeks)
    return format_html(
        '<table class="month">\n<thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody>\n</table>',
        head,
        mark_safe(rows),
    )


def month_cell(cell) -> str:
    css = "has-sessions" if cell.sessions else ""
    if not cell.in_month:
        css = "other-month"
    if cell.in_month and cell.sessions:
        number = format_html(
            '<h3 class="day-number"><time datetime="{}"><span class="short-date">{}</span>'
            '<span class="full-date">{}</span></time></h3>',
            cell.day.isoformat(),
            cell.number,
            cell.long_date,
        )
    else:
        number = format_html('<span class="day-number">{}</span>', cell.number)
    sessions = format_html_join(
        "",
        '<a href="{}">{}{}</a>',
        ((session.url, session.clock, session.title) for session in cell.sessions),
    )
    more = format_html('<a class="more" href="{}">{}</a>', cell.link, cell.more_label) if cell.more else ""
    today = mark_safe(' aria-current="date"') if cell.is_today else ""
    return format_html('<td class="{}"{}>\n{}\n{}\n{}\n</td>', css, today, number, sessions, more)
