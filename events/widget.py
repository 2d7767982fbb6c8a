"""The embeddable widget (SPEC §12): an institution's coming sessions for its own website.

The page itself is `events.widget_views.widget`; this module reads its sessions and writes the snippet an
institution pastes into its website (shown on its public page and in its admin).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.links import page_urls, site_url
from institutions.models import InstitutionPage

from .choices import SessionStatus, Venue
from .filters import SessionFilter
from .models.sessions import Session

DEFAULT_LIMIT = 5
MAX_LIMIT = 20
SNIPPET_HEIGHT = 400


@dataclasses.dataclass(frozen=True, slots=True)
class WidgetSession:
    """A session as the widget shows it: when, what (with its absolute link) and where."""

    start: dt.datetime
    end: dt.datetime
    all_day: bool
    moved: bool
    title: str
    url: str
    place: str

    @property
    def last_day(self) -> dt.date:
        """The local day it ends on; an all-day session ends at the midnight after its last day."""
        end = self.end - dt.timedelta(microseconds=1) if self.all_day else self.end
        return timezone.localtime(end).date()

    @property
    def one_day(self) -> bool:
        return timezone.localtime(self.start).date() == self.last_day


def parse_limit(value: str | None) -> int | None:
    """The `limit` parameter: DEFAULT_LIMIT when absent, None unless a whole number from 1 to MAX_LIMIT."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_LIMIT else None


def widget_filterset(institution: InstitutionPage, data) -> SessionFilter:
    """The listing's filters over the institution's published schedule."""
    return SessionFilter(data, queryset=Session.objects.filter(in_schedule=True, institution=institution))


def widget_sessions(
    institution: InstitutionPage, filterset: SessionFilter, limit: int, request
) -> list[WidgetSession]:
    """The first `limit` sessions that have not ended and are not cancelled, soonest first, read as rows.

    Links are absolute: the widget is shown inside another site's page.
    """
    rows = (
        filterset.qs.exclude(status=SessionStatus.CANCELLED)
        .upcoming()
        .values_list(
            "start",
            "end",
            "all_day",
            "status",
            "event__title",
            "event__url_path",
            "event__venue",
            "event__venue_address",
        )[:limit]
    )
    links = page_urls({row[5] for row in rows}, request)  # each event's once
    sessions = []
    for start, end, all_day, status, title, url_path, venue, venue_address in rows:
        if venue == Venue.ONLINE:
            place = str(Venue.ONLINE.label)
        elif venue == Venue.ADDRESS and venue_address:
            place = venue_address
        else:
            place = institution.title
        url = request.build_absolute_uri(links[url_path])
        sessions.append(WidgetSession(start, end, all_day, status == SessionStatus.MOVED, title, url, place))
    return sessions


def widget_title(institution: InstitutionPage) -> str:
    return _("What's on at %(institution)s") % {"institution": institution.title}


def widget_snippet(institution: InstitutionPage, request=None) -> str:
    """The `<iframe>` an institution pastes into its website, as plain text (templates escape it).

    With a request (the institution's public page), on the request's address and in its language;
    without (the admin), on the site's public address (`WAGTAILADMIN_BASE_URL`) in the site's language,
    whatever language the editor's admin speaks.
    """
    language = translation.get_language() if request is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        url = site_url(reverse("widget", args=[institution.code]), request)
        title = widget_title(institution)
    return (
        f'<iframe src="{attribute(url)}" title="{attribute(title)}" height="{SNIPPET_HEIGHT}" '
        'style="width:100%;border:0" loading="lazy"></iframe>'
    )


def attribute(value: str) -> str:
    """A value for a double-quoted attribute, as a person would write it: an apostrophe stays one."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
