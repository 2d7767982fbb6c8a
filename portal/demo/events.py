"""Demo events: weekly and monthly activities of the demo institutions, and the days the plan marks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.text import ascii_slug
from events.models import Audience, Campaign, EventPage, Topic
from institutions.models import InstitutionPage

from .photos import demo_photo


@dataclass
class DemoEvent:
    institution: str
    title: str
    kind: str
    start: dt.datetime
    hours: float
    rrule: str = ""
    audiences: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    campaign: str = ""
    all_day_days: int = 0  # an all-day event lasting this many days
    is_free: bool = True
    price: str = ""
    description: str = ""


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


E = DemoEvent
# Weekly and monthly activities running from three years back to six months ahead (until 31/05/2027),
# and the events of the reading day (21/4) and heritage day (23/11) each year.
UNTIL = "UNTIL=20270531T165959Z"
EVENTS = [
    E(
        "TV-TINH",
        "Câu lạc bộ Đọc sách thiếu nhi",
        "club",
        local(2023, 12, 2, 8),
        2,
        f"FREQ=WEEKLY;BYDAY=SA;{UNTIL}",
        ("children",),
        ("van-hoa-doc",),
    ),
    E(
        "TV-TINH",
        "Lớp kỹ năng số cho người cao tuổi",
        "class",
        local(2024, 3, 5, 14),
        2,
        f"FREQ=WEEKLY;BYDAY=TU,TH;{UNTIL}",
        ("older_people",),
        ("ky-nang-so",),
    ),
    E(
        "TV-TINH",
        "Thư viện lưu động về trường học",
        "mobile_library",
        local(2024, 1, 10, 8),
        4,
        f"FREQ=MONTHLY;BYMONTHDAY=10;{UNTIL}",
        ("children", "teenagers"),
        ("van-hoa-doc",),
    ),
    E(
        "BT-TINH",
        "Chương trình giáo dục di sản cho học sinh",
        "heritage_education",
        local(2024, 1, 7, 8),
        3,
        f"FREQ=MONTHLY;BYDAY=1SU;{UNTIL}",
        ("children", "teenagers"),
        ("di-san-van-hoa", "lich-su-dia-phuong"),
    ),
    E(
        "BT-TINH",
        "Tham quan có hướng dẫn cho gia đình",
        "heritage_education",
        local(2024, 2, 4, 9),
        1.5,
        f"FREQ=WEEKLY;BYDAY=SU;{UNTIL}",
        ("families",),
        ("di-san-van-hoa",),
    ),
    E(
        "TV-CANLOC",
        "Câu lạc bộ thơ người cao tuổi Can Lộc",
        "club",
        local(2024, 1, 3, 15),
        2,
        f"FREQ=WEEKLY;BYDAY=WE;{UNTIL}",
        ("older_people",),
        ("van-hoa-doc",),
    ),
    E(
        "TV-X-CANLOC",
        "Câu lạc bộ đọc sách người cao tuổi xã Can Lộc",
        "club",
        local(2025, 7, 4, 15),
        1.5,
        f"FREQ=WEEKLY;BYDAY=FR;{UNTIL}",
        ("older_people",),
        ("van-hoa-doc",),
    ),
    E(
        "VH-X-CANLOC",
        "Câu lạc bộ dân ca Ví, Giặm",
        "club",
        local(2023, 12, 5, 19, 30),
        2,
        f"FREQ=WEEKLY;BYDAY=TU,TH;{UNTIL}",
        ("adults", "older_people"),
        ("dan-ca-vi-giam",),
    ),
    E(
        "VH-X-CANLOC",
        "Lớp năng khiếu múa thiếu nhi",
        "class",
        local(2024, 6, 1, 8),
        1.5,
        f"FREQ=WEEKLY;BYDAY=SA;{UNTIL}",
        ("children",),
        (),
    ),
    E(
        "VH-X-CANLOC",
        "Nhóm dưỡng sinh buổi sáng",
        "interest_group",
        local(2024, 1, 1, 5, 30),
        1,
        f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;{UNTIL}",
        ("older_people",),
        ("suc-khoe", "the-duc-the-thao"),
    ),
    E(
        "VH-CANLOC",
        "Liên hoan văn nghệ quần chúng các nhóm tuổi",
        "performance",
        local(2024, 9, 1, 19, 30),
        2.5,
        f"FREQ=MONTHLY;BYDAY=1SU;{UNTIL}",
        ("children", "adults", "older_people"),
        ("dan-ca-vi-giam",),
    ),
    E(
        "VH-HUONGSON",
        "Nói chuyện chuyên đề: phòng chống lừa đảo trên mạng",
        "talk",
        local(2024, 3, 15, 14),
        2,
        f"FREQ=MONTHLY;BYMONTHDAY=15;{UNTIL}",
        ("adults", "older_people"),
        ("ky-nang-so",),
    ),
    E(
        "NVH-YENLAC",
        "Sinh hoạt câu lạc bộ văn nghệ thôn Yên Lạc",
        "club",
        local(2024, 1, 20, 19, 30),
        2,
        f"FREQ=MONTHLY;BYMONTHDAY=20;{UNTIL}",
        ("adults",),
        ("dan-ca-vi-giam",),
    ),
    E(
        "NVH-TDP5",
        "Nhóm cờ tướng tổ dân phố 5",
        "interest_group",
        local(2024, 1, 6, 16),
        2,
        f"FREQ=WEEKLY;BYDAY=SA,SU;{UNTIL}",
        ("older_people",),
        ("the-duc-the-thao",),
    ),
    E(
        "HTCD-CANLOC",
        "Lớp tin học cơ bản cho nông dân",
        "class",
        local(2026, 12, 1, 19),
        2,
        "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=20",
        ("adults",),
        ("ky-nang-so",),
    ),
    E(
        "HTCD-HUONGKHE",
        "Lớp chuyển giao kỹ thuật trồng cam",
        "class",
        local(2026, 10, 6, 14),
        3,
        "FREQ=WEEKLY;BYDAY=TU;COUNT=12",
        ("adults",),
        ("nong-nghiep",),
    ),
    E(
        "TV-THPT-PDP",
        "Giới thiệu sách hay mỗi tháng",
        "reading",
        local(2024, 1, 26, 15),
        1,
        f"FREQ=MONTHLY;BYDAY=-1FR;{UNTIL}",
        ("teenagers",),
        ("van-hoa-doc",),
    ),
    E(
        "TV-BCHQS",
        "Thư viện lưu động phục vụ cán bộ, chiến sĩ",
        "mobile_library",
        local(2024, 1, 12, 14),
        3,
        f"FREQ=MONTHLY;BYMONTHDAY=12;{UNTIL}",
        ("adults",),
        ("van-hoa-doc",),
    ),
    E(
        "VH-X-XUANLOC",
        "Câu lạc bộ bóng chuyền hơi người cao tuổi",
        "sport",
        local(2024, 4, 2, 16, 30),
        1.5,
        f"FREQ=WEEKLY;BYDAY=TU,FR;{UNTIL}",
        ("older_people",),
        ("the-duc-the-thao",),
    ),
    E(
        "TV-X-DONGLOC",
        "Kể chuyện sách cho thiếu nhi",
        "reading",
        local(2025, 8, 3, 9),
        1,
        f"FREQ=WEEKLY;BYDAY=SU;{UNTIL}",
        ("children", "people_with_disabilities"),
        ("van-hoa-doc",),
    ),
]
for year in (2024, 2025, 2026, 2027):
    EVENTS.append(
        E(
            "TV-TINH",
            f"Ngày hội Sách và Văn hóa đọc Hà Tĩnh {year}",
            "reading",
            local(year, 4, 19),
            0,
            audiences=("children", "families", "adults"),
            topics=("van-hoa-doc",),
            campaign=f"ngay-sach-{year}",
            all_day_days=3,
            description="<p>Trưng bày sách, giao lưu tác giả, thi kể chuyện theo sách.</p>",
        )
    )
for year in (2024, 2025, 2026):
    EVENTS.append(
        E(
            "BT-TINH",
            f"Triển lãm chuyên đề Ngày Di sản văn hóa Việt Nam {year}",
            "exhibition",
            local(year, 11, 18),
            0,
            audiences=("families", "teenagers"),
            topics=("di-san-van-hoa",),
            campaign=f"ngay-di-san-{year}",
            all_day_days=8,
            description="<p>Hiện vật, tư liệu về di sản văn hóa Hà Tĩnh.</p>",
        )
    )
EVENTS.append(
    E(
        "BT-NGUYENDU",
        "Đêm thơ Nguyễn Du – Ngày Văn hóa Việt Nam",
        "performance",
        local(2026, 11, 24, 19, 30),
        2.5,
        audiences=("adults", "families"),
        topics=("van-hoa-doc",),
        campaign="ngay-van-hoa-2026",
        is_free=False,
        price="50.000 đ",
    )
)


# Reading events and classes show a drawn photo; the others none.
EVENT_PHOTOS = {"reading": "reading", "class": "community_learning_centre"}


@transaction.atomic
def load_demo_events() -> tuple[int, int]:
    """Create the demo events that do not exist yet (by institution and title)."""
    institutions = InstitutionPage.objects.in_bulk([e.institution for e in EVENTS], field_name="code")
    created = 0
    for item in EVENTS:
        institution = institutions.get(item.institution)
        if institution is None or EventPage.objects.child_of(institution).filter(title=item.title).exists():
            continue
        if item.all_day_days:
            start, end = item.start, item.start + dt.timedelta(days=item.all_day_days - 1)
        else:
            start, end = item.start, item.start + dt.timedelta(hours=item.hours)
        photo = EVENT_PHOTOS.get(item.kind)
        image, image_alt = demo_photo(photo) if photo else (None, "")
        event = EventPage(
            image=image,
            image_alt=image_alt,
            title=item.title,
            slug=ascii_slug(item.title)[:200],
            kind=item.kind,
            start=start,
            end=end,
            all_day=bool(item.all_day_days),
            rrule=item.rrule,
            is_free=item.is_free,
            price=item.price,
            campaign=Campaign.objects.filter(slug=item.campaign).first() if item.campaign else None,
            description=item.description
            or f"<p>{item.title} tại {institution.title}. Mọi người quan tâm đều được chào đón.</p>",
            registration="Đăng ký tại quầy hoặc qua điện thoại của cơ sở.",
        )
        event.audiences = list(Audience.objects.filter(code__in=item.audiences))
        event.topics = list(Topic.objects.filter(slug__in=item.topics))
        institution.add_child(instance=event)
        event.save_revision().publish()
        created += 1
    return created, len(EVENTS) - created
