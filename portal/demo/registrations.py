"""Demo events taking registration (SPEC §9), dated from the day the demo is loaded so that they take
registrations when someone tries them: one with seats left, one full with a waiting list, and a course
registered as a whole; and an all-day event on every day, for the self check-in poster. Their
registrants are illustrative names with phone numbers, no email."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.text import ascii_slug
from events.models import EventPage
from events.registering import register
from institutions.models import InstitutionPage

PEOPLE = [
    "Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Mai", "Phan Văn Hùng", "Hồ Thị Lan", "Đặng Văn Tâm",
    "Võ Thị Hằng", "Bùi Văn Long", "Dương Thị Thu", "Ngô Văn Sơn", "Đinh Thị Nga", "Hà Văn Quang",
]  # fmt: skip


@dataclass
class DemoRegistrationEvent:
    institution: str
    title: str
    kind: str
    days_ahead: int
    hour: int
    rrule: str
    capacity: int
    registrants: int  # one seat each, in this order
    whole_course: bool = False
    waitlist: bool = True
    description: str = ""


EVENTS = [
    DemoRegistrationEvent(
        "TV-TINH",
        "Lớp sử dụng điện thoại thông minh an toàn",
        "class",
        3,
        14,
        "FREQ=WEEKLY;COUNT=6",
        20,
        5,
        description="<p>Cài đặt, nhắn tin, gọi video và nhận biết tin nhắn lừa đảo.</p>",
    ),
    DemoRegistrationEvent(
        "BT-TINH",
        "Workshop làm tranh in dân gian",
        "heritage_education",
        5,
        8,
        "",
        8,
        11,
        description="<p>Mỗi người in một bức tranh mang về. Chỗ ngồi có hạn: 8 người.</p>",
    ),
    DemoRegistrationEvent(
        "TV-TINH",
        "Khóa tiếng Anh giao tiếp cơ bản (8 buổi)",
        "class",
        7,
        18,
        "FREQ=WEEKLY;COUNT=8",
        15,
        6,
        whole_course=True,
        description="<p>Tám buổi tối, mỗi tuần một buổi; đăng ký một lần cho cả khóa.</p>",
    ),
]


# A session on at any hour, for trying the self check-in poster (`<event-url>ap-phich/`): an all-day
# reading corner every day for two months from the day the demo is loaded.
ON_NOW = DemoRegistrationEvent(
    "TV-TINH",
    "Góc đọc sách tự do",
    "reading",
    0,
    0,
    "FREQ=DAILY;COUNT=60",
    0,
    0,
    description="<p>Sách, báo và truyện tranh cho mọi lứa tuổi; mời bạn điểm danh bằng áp phích ở cửa.</p>",
)


def load_demo_on_now(institutions, today) -> int:
    item = ON_NOW
    institution = institutions.get(item.institution)
    if institution is None or EventPage.objects.child_of(institution).filter(title=item.title).exists():
        return 0
    start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_default_timezone())
    event = EventPage(
        title=item.title,
        slug=ascii_slug(item.title)[:200],
        kind=item.kind,
        start=start,
        end=start,
        all_day=True,
        rrule=item.rrule,
        description=item.description,
    )
    institution.add_child(instance=event)
    event.save_revision().publish()
    return 1


@transaction.atomic
def load_demo_registrations() -> tuple[int, int]:
    """Create the demo events taking registration that do not exist yet, with their registrants."""
    institutions = InstitutionPage.objects.in_bulk([e.institution for e in EVENTS], field_name="code")
    today = timezone.localdate()
    created = 0
    for item in EVENTS:
        institution = institutions.get(item.institution)
        if institution is None or EventPage.objects.child_of(institution).filter(title=item.title).exists():
            continue
        start = dt.datetime.combine(
            today + dt.timedelta(days=item.days_ahead),
            dt.time(item.hour),
            tzinfo=timezone.get_default_timezone(),
        )
        event = EventPage(
            title=item.title,
            slug=ascii_slug(item.title)[:200],
            kind=item.kind,
            start=start,
            end=start + dt.timedelta(hours=2),
            rrule=item.rrule,
            description=item.description,
            registration_mode="required",
            capacity=item.capacity,
            waitlist=item.waitlist,
            whole_course=item.whole_course,
        )
        institution.add_child(instance=event)
        event.save_revision().publish()
        session = event.sessions.order_by("start").first()
        for number, name in enumerate(PEOPLE[: item.registrants]):
            register(session, seats=1, name=name, phone=f"09{number:02d}1234{number:02d}"[:10])
        created += 1
    created += load_demo_on_now(institutions, today)
    return created, len(EVENTS) + 1 - created
