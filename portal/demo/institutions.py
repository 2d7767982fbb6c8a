"""Demo institutions: pages with addresses, map pins, opening hours, closures and service records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from core.text import ascii_slug
from institutions.models import (
    AdministrativeUnit,
    Closure,
    InstitutionIndexPage,
    InstitutionPage,
    OpeningHours,
    ServiceRecord,
)

from .institution_list import INSTITUTIONS, DemoInstitution
from .photos import demo_photo

# Approximate centres of the places the demo uses: (latitude, longitude).
PLACES = {
    "18073": (18.3430, 105.9050),  # phường Thành Sen
    "18100": (18.3380, 105.8900),  # phường Trần Phú
    "436": (18.3420, 105.9060),  # thành phố Hà Tĩnh (before 2025)
    "437": (18.5300, 105.7100),  # thị xã Hồng Lĩnh
    "439": (18.5050, 105.4300),  # huyện Hương Sơn
    "440": (18.5330, 105.5960),  # huyện Đức Thọ
    "442": (18.6600, 105.7700),  # huyện Nghi Xuân
    "443": (18.4440, 105.7680),  # huyện Can Lộc
    "444": (18.1800, 105.7000),  # huyện Hương Khê
    "445": (18.3500, 105.8600),  # huyện Thạch Hà
    "446": (18.2550, 106.0000),  # huyện Cẩm Xuyên
    "447": (18.0700, 106.2900),  # huyện Kỳ Anh
    "18406": (18.4450, 105.7670),  # xã Can Lộc
    "18418": (18.4700, 105.8000),  # xã Tùng Lộc
    "18481": (18.4900, 105.7300),  # xã Xuân Lộc
    "18466": (18.4800, 105.7600),  # xã Gia Hanh
    "18484": (18.3960, 105.6780),  # xã Đồng Lộc
    "18373": (18.7030, 105.7380),  # xã Tiên Điền
    "18229": (18.5340, 105.5950),  # xã Đức Thọ
    "18409": (18.5200, 105.7500),  # xã Hồng Lộc
    "18133": (18.5050, 105.4300),  # xã Hương Sơn
    "18196": (18.3900, 105.1600),  # xã Sơn Kim 1
    "18496": (18.1800, 105.7000),  # xã Hương Khê
    "18562": (18.3500, 105.8600),  # xã Thạch Hà
    "18673": (18.2550, 106.0000),  # xã Cẩm Xuyên
    "18742": (18.2300, 106.0600),  # xã Cẩm Trung
    "18775": (18.0700, 106.2900),  # xã Kỳ Anh
    "18766": (18.1000, 106.3200),  # xã Kỳ Xuân
    "18832": (18.0500, 106.4000),  # phường Hoành Sơn
}

DESCRIPTIONS = {
    "library": (
        "<p>{name} phục vụ bạn đọc mọi lứa tuổi: phòng đọc, mượn sách về nhà, tủ sách thiếu nhi, "
        "tra cứu thông tin và truy cập Internet miễn phí. Thư viện thường xuyên tổ chức giới thiệu "
        "sách, câu lạc bộ đọc sách và các hoạt động hưởng ứng Ngày Sách và Văn hóa đọc Việt Nam.</p>"
    ),
    "museum": (
        "<p>{name} lưu giữ và trưng bày hiện vật, tư liệu về lịch sử, văn hóa và con người Hà Tĩnh. "
        "Bảo tàng tổ chức các chương trình giáo dục di sản cho học sinh, tham quan có hướng dẫn "
        "và triển lãm chuyên đề.</p>"
    ),
    "cultural_centre": (
        "<p>{name} là nơi sinh hoạt văn hóa, văn nghệ, thể dục thể thao của nhân dân: câu lạc bộ "
        "dân ca Ví, Giặm, lớp năng khiếu cho thiếu nhi, câu lạc bộ người cao tuổi và các buổi "
        "nói chuyện chuyên đề.</p>"
    ),
    "community_learning_centre": (
        "<p>{name} tổ chức các lớp học cộng đồng: xóa mù chữ, tin học cơ bản, chuyển giao kỹ thuật "
        "nông nghiệp, kỹ năng sống và phổ biến pháp luật, phục vụ nhu cầu học tập suốt đời của "
        "người dân.</p>"
    ),
}

ACCESSIBILITY = (
    "Lối vào không bậc thềm ở cổng chính; có chỗ để xe lăn. Nhân viên hỗ trợ người khuyết tật "
    "khi cần, xin gọi trước."
)

MORNING = (dt.time(7, 30), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
EVENING = (dt.time(18, 30), dt.time(21, 0))
WEEKDAYS = range(0, 5)

# Weekly patterns: weekday -> periods.
HOURS = {
    "library": {day: [MORNING, AFTERNOON] for day in range(0, 6)},
    "province_library": {day: [MORNING, AFTERNOON] for day in range(0, 7)},
    "museum": {day: [MORNING, AFTERNOON] for day in range(1, 7)},
    "office": {day: [MORNING, AFTERNOON] for day in WEEKDAYS},
    "cultural_house": {
        **{day: [EVENING] for day in range(0, 7)},
        6: [(dt.time(7, 0), dt.time(10, 30)), EVENING],
    },
}

TET_2027 = (dt.date(2027, 2, 5), dt.date(2027, 2, 10), "Nghỉ Tết Nguyên đán Đinh Mùi")


def coordinates(item: DemoInstitution, index: int) -> tuple[Decimal, Decimal]:
    latitude, longitude = PLACES[item.unit_code]
    # Spread institutions of one place a little so their map pins differ.
    offset = Decimal(index % 7) * Decimal("0.0013")
    return (Decimal(str(latitude)) + offset).quantize(Decimal("0.000001")), (
        Decimal(str(longitude)) - offset
    ).quantize(Decimal("0.000001"))


@transaction.atomic
def load_demo_institutions() -> tuple[int, int]:
    """Create the demo institutions that do not exist yet. Returns (created, already there)."""
    directory = InstitutionIndexPage.objects.get()
    existing = set(InstitutionPage.objects.values_list("code", flat=True))
    created = 0
    for index, item in enumerate(INSTITUTIONS):
        if item.code in existing:
            continue
        latitude, longitude = coordinates(item, index)
        # Some of them with a photo, so that cards show both.
        image, image_alt = demo_photo(item.kind) if index % 2 == 0 else (None, "")
        page = InstitutionPage(
            image=image,
            image_alt=image_alt,
            title=item.name,
            slug=ascii_slug(item.name),
            code=item.code,
            kind=item.kind,
            level=item.level,
            sector=item.sector,
            unit=AdministrativeUnit.objects.for_code(item.unit_code),
            address=item.address,
            latitude=latitude,
            longitude=longitude,
            phone=f"0239 3{855100 + index:06d}",
            email=f"{slugify(item.code)}@hatinh.gov.vn",
            website=item.website,
            accessibility=ACCESSIBILITY,
            description=DESCRIPTIONS[item.kind].format(name=item.name),
            opened_on=item.opened_on,
            closed_on=item.closed_on,
        )
        for weekday, periods in HOURS[item.hours].items():
            for opens, closes in periods:
                page.opening_hours.add(OpeningHours(weekday=weekday, opens=opens, closes=closes))
        if item.monthly_closure:
            nth, weekday = item.monthly_closure
            page.closures.add(
                Closure(rule=Closure.Rule.MONTHLY, nth=nth, weekday=weekday, reason="Ngày làm việc nội bộ")
            )
        start, end, reason = TET_2027
        page.closures.add(Closure(rule=Closure.Rule.DATES, start_date=start, end_date=end, reason=reason))
        directory.add_child(instance=page)
        page.save_revision().publish()
        for year, (lifelong, digital) in item.services.items():
            ServiceRecord.objects.get_or_create(
                institution=page,
                year=year,
                defaults={"lifelong_learning_services": lifelong, "digital_transformation": digital},
            )
        created += 1
    return created, len(INSTITUTIONS) - created
