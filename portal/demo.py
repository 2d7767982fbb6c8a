"""Demo content for `load_demo`: Hà Tĩnh's kinds of institutions, over every indicator group.

Names and places follow the province's real network; addresses, coordinates, phone numbers and
hours are illustrative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from anyascii import anyascii
from django.db import transaction
from django.utils.text import slugify

from institutions.models import (
    AdministrativeUnit,
    Closure,
    InstitutionIndexPage,
    InstitutionPage,
    OpeningHours,
    ServiceRecord,
)

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


@dataclass
class DemoInstitution:
    code: str
    name: str
    kind: str
    level: str
    sector: str
    unit_code: str
    address: str
    hours: str
    monthly_closure: tuple[int, int] | None = None  # (nth, weekday): "first Monday" is (1, 0)
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    website: str = ""
    services: dict[int, tuple[bool, bool]] = field(default_factory=dict)


D = DemoInstitution
INSTITUTIONS = [
    # Province level
    D(
        "TV-TINH",
        "Thư viện tỉnh Hà Tĩnh",
        "library",
        "province",
        "public",
        "18073",
        "Số 4 đường Phan Đình Phùng, phường Thành Sen",
        "province_library",
        (-1, 4),
        website="https://thuvien.hatinh.gov.vn",
        services={2024: (True, True), 2025: (True, True)},
    ),
    D(
        "BT-TINH",
        "Bảo tàng tỉnh Hà Tĩnh",
        "museum",
        "province",
        "public",
        "18073",
        "Số 54 đường Nguyễn Chí Thanh, phường Thành Sen",
        "museum",
        (1, 1),
        website="https://baotang.hatinh.gov.vn",
    ),
    D(
        "TTVHDA-TINH",
        "Trung tâm Văn hóa - Điện ảnh tỉnh Hà Tĩnh",
        "cultural_centre",
        "province",
        "public",
        "18100",
        "Số 2 đường Nguyễn Du, phường Trần Phú",
        "office",
    ),
    # Museums and memorial sites
    D(
        "BT-NGUYENDU",
        "Khu lưu niệm Đại thi hào Nguyễn Du",
        "museum",
        "province",
        "public",
        "18373",
        "Thôn Tiên Điền, xã Tiên Điền",
        "museum",
    ),
    D(
        "BT-DONGLOC",
        "Khu di tích Ngã ba Đồng Lộc",
        "museum",
        "province",
        "public",
        "18484",
        "Xã Đồng Lộc",
        "museum",
    ),
    D(
        "BT-TRANPHU",
        "Khu lưu niệm Tổng Bí thư Trần Phú",
        "museum",
        "province",
        "public",
        "18229",
        "Xã Đức Thọ",
        "museum",
    ),
    D(
        "BT-HAHUYTAP",
        "Khu lưu niệm Tổng Bí thư Hà Huy Tập",
        "museum",
        "province",
        "public",
        "18742",
        "Xã Cẩm Trung",
        "museum",
    ),
    D(
        "BT-GOMCO",
        "Bảo tàng tư nhân Gốm cổ Thạch Hà",
        "museum",
        "commune",
        "community",
        "18562",
        "Xã Thạch Hà",
        "museum",
    ),
    # District public libraries (the district level ended on 30/06/2025)
    D(
        "TV-CANLOC",
        "Thư viện huyện Can Lộc",
        "library",
        "district",
        "public",
        "443",
        "Khối 6, thị trấn Nghèn, Can Lộc",
        "library",
        (-1, 4),
        services={2024: (True, True), 2025: (True, False)},
    ),
    D(
        "TV-HUONGSON",
        "Thư viện huyện Hương Sơn",
        "library",
        "district",
        "public",
        "439",
        "Thị trấn Phố Châu, Hương Sơn",
        "library",
        services={2024: (True, False)},
    ),
    D(
        "TV-DUCTHO",
        "Thư viện huyện Đức Thọ",
        "library",
        "district",
        "public",
        "440",
        "Thị trấn Đức Thọ, Đức Thọ",
        "library",
    ),
    D(
        "TV-NGHIXUAN",
        "Thư viện huyện Nghi Xuân",
        "library",
        "district",
        "public",
        "442",
        "Thị trấn Xuân An, Nghi Xuân",
        "library",
        services={2024: (True, True)},
    ),
    D(
        "TV-HUONGKHE",
        "Thư viện huyện Hương Khê",
        "library",
        "district",
        "public",
        "444",
        "Thị trấn Hương Khê, Hương Khê",
        "library",
    ),
    D(
        "TV-THACHHA",
        "Thư viện huyện Thạch Hà",
        "library",
        "district",
        "public",
        "445",
        "Thị trấn Thạch Hà, Thạch Hà",
        "library",
    ),
    D(
        "TV-CAMXUYEN",
        "Thư viện huyện Cẩm Xuyên",
        "library",
        "district",
        "public",
        "446",
        "Thị trấn Cẩm Xuyên, Cẩm Xuyên",
        "library",
    ),
    D(
        "TV-KYANH",
        "Thư viện huyện Kỳ Anh",
        "library",
        "district",
        "public",
        "447",
        "Thị trấn Kỳ Đồng, Kỳ Anh",
        "library",
        closed_on=dt.date(2025, 6, 30),
    ),
    D(
        "TV-HONGLINH",
        "Thư viện thị xã Hồng Lĩnh",
        "library",
        "district",
        "public",
        "437",
        "Phường Bắc Hồng, Hồng Lĩnh",
        "library",
    ),
    # District culture centres
    D(
        "VH-CANLOC",
        "Trung tâm Văn hóa - Truyền thông huyện Can Lộc",
        "cultural_centre",
        "district",
        "public",
        "443",
        "Thị trấn Nghèn, Can Lộc",
        "office",
    ),
    D(
        "VH-HUONGSON",
        "Trung tâm Văn hóa - Truyền thông huyện Hương Sơn",
        "cultural_centre",
        "district",
        "public",
        "439",
        "Thị trấn Phố Châu, Hương Sơn",
        "office",
    ),
    D(
        "VH-DUCTHO",
        "Trung tâm Văn hóa - Truyền thông huyện Đức Thọ",
        "cultural_centre",
        "district",
        "public",
        "440",
        "Thị trấn Đức Thọ, Đức Thọ",
        "office",
    ),
    D(
        "VH-NGHIXUAN",
        "Trung tâm Văn hóa - Truyền thông huyện Nghi Xuân",
        "cultural_centre",
        "district",
        "public",
        "442",
        "Thị trấn Xuân An, Nghi Xuân",
        "office",
    ),
    D(
        "VH-KYANH",
        "Trung tâm Văn hóa - Truyền thông huyện Kỳ Anh",
        "cultural_centre",
        "district",
        "public",
        "447",
        "Thị trấn Kỳ Đồng, Kỳ Anh",
        "office",
    ),
    # Commune public libraries
    D(
        "TV-X-CANLOC",
        "Thư viện xã Can Lộc",
        "library",
        "commune",
        "public",
        "18406",
        "Trung tâm hành chính xã Can Lộc",
        "library",
        (1, 0),
        services={2025: (True, False)},
    ),
    D(
        "TV-X-TUNGLOC",
        "Thư viện xã Tùng Lộc",
        "library",
        "commune",
        "public",
        "18418",
        "Trung tâm xã Tùng Lộc",
        "library",
        opened_on=dt.date(2025, 9, 1),
    ),
    D(
        "TV-X-DONGLOC",
        "Thư viện xã Đồng Lộc",
        "library",
        "commune",
        "public",
        "18484",
        "Trung tâm xã Đồng Lộc",
        "library",
    ),
    D(
        "TV-X-TIENDIEN",
        "Thư viện xã Tiên Điền",
        "library",
        "commune",
        "public",
        "18373",
        "Trung tâm xã Tiên Điền",
        "library",
    ),
    D(
        "TV-X-HUONGSON",
        "Thư viện xã Hương Sơn",
        "library",
        "commune",
        "public",
        "18133",
        "Trung tâm xã Hương Sơn",
        "library",
    ),
    D(
        "TV-X-CAMXUYEN",
        "Thư viện xã Cẩm Xuyên",
        "library",
        "commune",
        "public",
        "18673",
        "Trung tâm xã Cẩm Xuyên",
        "library",
    ),
    D(
        "TV-X-KYANH",
        "Thư viện xã Kỳ Anh",
        "library",
        "commune",
        "public",
        "18775",
        "Trung tâm xã Kỳ Anh",
        "library",
    ),
    # Commune culture and sports centres
    D(
        "VH-X-CANLOC",
        "Trung tâm Văn hóa - Thể thao xã Can Lộc",
        "cultural_centre",
        "commune",
        "public",
        "18406",
        "Trung tâm hành chính xã Can Lộc",
        "cultural_house",
    ),
    D(
        "VH-X-XUANLOC",
        "Trung tâm Văn hóa - Thể thao xã Xuân Lộc",
        "cultural_centre",
        "commune",
        "public",
        "18481",
        "Trung tâm xã Xuân Lộc",
        "cultural_house",
    ),
    D(
        "VH-X-GIAHANH",
        "Trung tâm Văn hóa - Thể thao xã Gia Hanh",
        "cultural_centre",
        "commune",
        "public",
        "18466",
        "Trung tâm xã Gia Hanh",
        "cultural_house",
    ),
    D(
        "VH-X-DUCTHO",
        "Trung tâm Văn hóa - Thể thao xã Đức Thọ",
        "cultural_centre",
        "commune",
        "public",
        "18229",
        "Trung tâm xã Đức Thọ",
        "cultural_house",
    ),
    D(
        "VH-X-THACHHA",
        "Trung tâm Văn hóa - Thể thao xã Thạch Hà",
        "cultural_centre",
        "commune",
        "public",
        "18562",
        "Trung tâm xã Thạch Hà",
        "cultural_house",
    ),
    D(
        "VH-X-CAMTRUNG",
        "Trung tâm Văn hóa - Thể thao xã Cẩm Trung",
        "cultural_centre",
        "commune",
        "public",
        "18742",
        "Trung tâm xã Cẩm Trung",
        "cultural_house",
    ),
    # Village cultural houses
    D(
        "NVH-YENLAC",
        "Nhà văn hóa thôn Yên Lạc",
        "cultural_centre",
        "village",
        "community",
        "18406",
        "Thôn Yên Lạc, xã Can Lộc",
        "cultural_house",
    ),
    D(
        "NVH-PHUCLOC",
        "Nhà văn hóa thôn Phúc Lộc",
        "cultural_centre",
        "village",
        "community",
        "18481",
        "Thôn Phúc Lộc, xã Xuân Lộc",
        "cultural_house",
    ),
    D(
        "NVH-TDP5",
        "Nhà văn hóa tổ dân phố 5",
        "cultural_centre",
        "village",
        "community",
        "18073",
        "Tổ dân phố 5, phường Thành Sen",
        "cultural_house",
    ),
    D(
        "NVH-HATRUNG",
        "Nhà văn hóa thôn Hà Trung",
        "cultural_centre",
        "village",
        "community",
        "18673",
        "Thôn Hà Trung, xã Cẩm Xuyên",
        "cultural_house",
    ),
    # Education, armed forces and community libraries
    D(
        "TV-THPT-PDP",
        "Thư viện Trường THPT chuyên Hà Tĩnh",
        "library",
        "province",
        "education",
        "18073",
        "Đường Hà Tôn Mục, phường Thành Sen",
        "office",
        services={2025: (True, True)},
    ),
    D(
        "TV-THCS-NGUYENDU",
        "Thư viện Trường THCS Nguyễn Du",
        "library",
        "commune",
        "education",
        "18373",
        "Xã Tiên Điền",
        "office",
    ),
    D(
        "TV-CD-VIETDUC",
        "Thư viện Trường Cao đẳng Công nghệ Hà Tĩnh",
        "library",
        "province",
        "education",
        "18100",
        "Phường Trần Phú",
        "office",
    ),
    D(
        "TV-BCHQS",
        "Thư viện Bộ Chỉ huy Quân sự tỉnh Hà Tĩnh",
        "library",
        "province",
        "armed_forces",
        "18100",
        "Phường Trần Phú",
        "office",
        services={2024: (True, True), 2025: (True, True)},
    ),
    D(
        "TV-DBP-CAUTREO",
        "Thư viện Đồn Biên phòng Cửa khẩu Quốc tế Cầu Treo",
        "library",
        "commune",
        "armed_forces",
        "18196",
        "Xã Sơn Kim 1",
        "office",
    ),
    D(
        "TV-CD-HOANGSON",
        "Thư viện cộng đồng Hoành Sơn",
        "library",
        "village",
        "community",
        "18832",
        "Phường Hoành Sơn",
        "library",
    ),
    # Community learning centres
    D(
        "HTCD-CANLOC",
        "Trung tâm Học tập cộng đồng xã Can Lộc",
        "community_learning_centre",
        "commune",
        "public",
        "18406",
        "Trung tâm hành chính xã Can Lộc",
        "cultural_house",
    ),
    D(
        "HTCD-HUONGKHE",
        "Trung tâm Học tập cộng đồng xã Hương Khê",
        "community_learning_centre",
        "commune",
        "public",
        "18496",
        "Trung tâm xã Hương Khê",
        "cultural_house",
    ),
    D(
        "HTCD-KYXUAN",
        "Trung tâm Học tập cộng đồng xã Kỳ Xuân",
        "community_learning_centre",
        "commune",
        "public",
        "18766",
        "Trung tâm xã Kỳ Xuân",
        "cultural_house",
    ),
]


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
        page = InstitutionPage(
            title=item.name,
            slug=slugify(anyascii(item.name)),
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
    from django.utils import timezone

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


@transaction.atomic
def load_demo_events() -> tuple[int, int]:
    """Create the demo events that do not exist yet (by institution and title)."""
    from events.models import Audience, Campaign, EventPage, Topic

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
        event = EventPage(
            title=item.title,
            slug=slugify(anyascii(item.title))[:200],
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


DEMO_YEARS = (2022, 2023, 2024, 2025, 2026)


@transaction.atomic
def load_demo_records() -> tuple[int, int, int]:
    """Attendance at past sessions, monthly visit counts and service records, growing year on year.

    Deterministic (seeded by institution), and idempotent: only what is missing is added.
    """
    import random

    from django.utils import timezone

    from events.models import Attendance, Session, SessionStatus
    from institutions.models import VisitCount

    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    held = (
        Session.objects.filter(start__lt=now, event__live=True, attendance__isnull=True)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("institution")
    )
    attendance = []
    for session in held:
        rng = random.Random(f"{session.institution.code}-{session.pk}")
        year_factor = 1.12 ** (timezone.localtime(session.start).year - 2024)
        attendees = int(rng.randint(12, 35) * year_factor)
        attendance.append(
            Attendance(
                session=session,
                attendees=attendees,
                children=rng.randint(0, attendees // 3),
                women=rng.randint(attendees // 3, attendees),
                disabled=rng.randint(0, 2),
            )
        )
    Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
    visits_before = VisitCount.objects.count()

    visits = []
    for institution in InstitutionPage.objects.filter(kind__in=["library", "museum"]):
        rng = random.Random(institution.code)
        base = {"province": 4000, "district": 900, "commune": 250, "village": 120}[institution.level]
        growth = 1.11 if institution.kind == "library" else 1.08
        for year in DEMO_YEARS:
            for month in range(1, 13):
                day = dt.date(year, month, 1)
                if day >= this_month or not institution.is_active_on(day):
                    continue
                learning = int(base * growth ** (year - 2022) * rng.uniform(0.85, 1.15))
                for purpose, channel, visits_count in (
                    ("learning", "onsite", learning),
                    ("learning", "virtual", learning // 5 if year >= 2024 else 0),
                    ("other", "onsite", learning // 3),
                ):
                    if visits_count:
                        visits.append(
                            VisitCount(
                                institution=institution,
                                period="month",
                                date=day,
                                purpose=purpose,
                                channel=channel,
                                visits=visits_count,
                            )
                        )
    VisitCount.objects.bulk_create(visits, ignore_conflicts=True)

    records = 0
    for institution in InstitutionPage.objects.filter(kind__in=["library", "cultural_centre"]):
        rng = random.Random(f"services-{institution.code}")
        for year in (2022, 2023, 2024, 2025):
            if not institution.is_active_on(dt.date(year, 12, 31)) and not institution.is_active_on(
                dt.date(year, 1, 1)
            ):
                continue
            # Each year a few more institutions offer lifelong-learning services and go digital.
            _record, created = ServiceRecord.objects.get_or_create(
                institution=institution,
                year=year,
                defaults={
                    "lifelong_learning_services": rng.random() < 0.45 + 0.1 * (year - 2022),
                    "digital_transformation": rng.random() < 0.25 + 0.12 * (year - 2022),
                },
            )
            records += created
    return len(attendance), VisitCount.objects.count() - visits_before, records
