"""The small site the backup tests copy, and what they compare after a restore or a move.

Both run in the test process or, through `main` (see `test_backups.probe`), in a process of its own on
the database that DATABASE_URL names, with DJANGO_SETTINGS_MODULE=tests.portal.backup_settings."""

import datetime as dt
import json
import sys

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import translation
from wagtail.models import Collection, GroupCollectionPermission, Page, PageLogEntry, Revision

from events.models import Attendance, Session
from institutions.models import ServiceRecord, VisitCount
from portal.indicators import compute
from tests.conftest import NOW
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

YEAR = 2026


def seed() -> None:
    """Institutions, published events with their sessions and attendance, records and visits, staff; gaps
    in the ids of pages and users, whose history stays (rows deleted); and a collection permission that
    migrations made, removed and given again (a new id for the same row)."""
    User = get_user_model()
    with time_machine.travel(NOW, tick=False):
        former = User.objects.create_superuser("can-bo-da-nghi", "nghi@example.com", "x")
        closed = InstitutionPageFactory(title="Thư viện đã giải thể")
        closed.save_revision(user=former).publish(user=former)
        closed.delete()  # its log entries keep its id, and the user's
        former.delete()
        library = InstitutionPageFactory(title="Thư viện huyện Can Lộc", kind="library", level="district")
        museum = InstitutionPageFactory(title="Bảo tàng Hà Tĩnh", kind="museum", level="province")
        course = publish(
            EventPageFactory(
                parent=library,
                title="Lớp tin học cho người cao tuổi",
                start=dt.datetime(2026, 12, 1, 8, 0, tzinfo=HANOI),
                end=dt.datetime(2026, 12, 1, 10, 0, tzinfo=HANOI),
                rrule="FREQ=WEEKLY;COUNT=4",
            )
        )
        publish(EventPageFactory(parent=museum, title="Triển lãm di sản", kind="exhibition"))
        EventPageFactory(parent=museum, title="Bản nháp chưa đăng")  # a draft stays a draft
        for number, session in enumerate(Session.objects.filter(event=course).order_by("start")):
            Attendance.objects.create(session=session, attendees=20 + number, women=10)
        ServiceRecord.objects.create(institution=library, year=YEAR, lifelong_learning_services=True)
        VisitCount.objects.create(institution=museum, date=dt.date(YEAR, 5, 1), purpose="learning", visits=77)
    User.objects.create_user("can-bo-can-loc", password="x").groups.add(Group.objects.get(name="Editors"))
    editors_add = GroupCollectionPermission.objects.filter(
        group__name="Editors", permission__codename="add_image"
    ).get()
    editors_add.delete()
    GroupCollectionPermission.objects.create(
        group=Group.objects.get(name="Editors"),
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="add_image"),
    )


def fingerprint() -> dict:
    """What a visitor and the statistics see, and the staff rows whose ids must survive."""
    with time_machine.travel(NOW, tick=False), translation.override("vi"):
        feed = Client().get("/feeds/events.ics")
        data = {
            "pages": list(Page.objects.order_by("path").values_list("pk", "url_path", "title", "live")),
            # Revisions name their page by id, as text: ids must survive a move.
            "revisions": sorted(Revision.objects.values_list("object_id", "content__title")),
            "feed": [feed.status_code, feed.content.decode()],
            "indicators": [row.as_json() for row in compute(YEAR)],
            "attendance": sorted(Attendance.objects.values_list("session__start", "attendees")),
            "history": sorted(PageLogEntry.objects.values_list("page_id", "action", "user_id", "label")),
            "users": list(get_user_model().objects.order_by("pk").values_list("pk", "username")),
            "groups": list(Group.objects.order_by("pk").values_list("pk", "name")),
            "collection_permissions": sorted(
                GroupCollectionPermission.objects.values_list("group__name", "permission__codename")
            ),
            "search": sorted(page.title for page in Page.objects.live().search("Can Lộc")),
        }
    return json.loads(json.dumps(data, default=str))


def main() -> None:
    """`seed`, or print the fingerprint as JSON (after django.setup())."""
    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        json.dump(fingerprint(), sys.stdout, ensure_ascii=False)
