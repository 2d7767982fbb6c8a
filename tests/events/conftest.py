import datetime as dt

import pytest

from events.models import EventDate, EventPage, SessionChange
from tests.events.factories import HANOI, EventPageFactory
from tests.mail import smtp_inbox, smtp_server  # noqa: F401 (fixtures)


def publish(event: EventPage) -> EventPage:
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


@pytest.fixture
def weekly_class(frozen_now):
    """Tuesdays and Thursdays 08:00–10:00 from 01/12/2026 to 31/12/2026, with one week off
    (08/12 and 10/12), an extra Saturday (19/12), a session moved (15/12 -> 16/12 14:00) and
    one cancelled (29/12)."""
    event = EventPageFactory(
        title="Lớp tin học cho người cao tuổi",
        rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261231T165959Z",
    )
    event.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, 8)))
    event.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, 10)))
    event.dates.add(EventDate(kind=EventDate.Kind.EXTRA, date=dt.date(2026, 12, 19)))
    event.changes.add(
        SessionChange(
            original_date=dt.date(2026, 12, 15), new_start=dt.datetime(2026, 12, 16, 14, 0, tzinfo=HANOI)
        )
    )
    event.changes.add(SessionChange(original_date=dt.date(2026, 12, 29), cancelled=True, note="Nghỉ lễ"))
    return publish(event)


@pytest.fixture(autouse=True)
def site_address(db):
    """The test client's address is the site's (Wagtail's Sites), as in production: the feeds then join
    the stored VEVENTs, whose links carry that address (events.feed_entries)."""
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="testserver", port=80)
    Site.clear_site_root_paths_cache()
