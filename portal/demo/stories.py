"""Demo good models: one story under the provincial library, linked to a commune library and to the
reading day, with a photo, a quote and key figures; and a commendation of the same library."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from wagtail.rich_text import RichText

from events.models import Campaign
from institutions.models import Commendation, InstitutionPage
from portal.models import StoryInstitution, StoryPage

from .photos import demo_photo

STORY_SLUG = "mo-hinh-cau-lac-bo-doc-sach-thieu-nhi"


@transaction.atomic
def load_demo_stories() -> tuple[int, int]:
    """The demo story and commendation, once: (created, already there)."""
    library = InstitutionPage.objects.filter(code="TV-TINH").first()
    if library is None:
        return 0, 0
    created = 0
    if not StoryPage.objects.filter(slug=STORY_SLUG).exists():
        image, alt = demo_photo("reading")
        story = StoryPage(
            title="Câu lạc bộ Đọc sách thiếu nhi: mỗi sáng thứ Bảy một cuốn sách",
            slug=STORY_SLUG,
            date=dt.date(2026, 4, 25),
            intro=(
                "Từ năm 2023, mỗi sáng thứ Bảy các em thiếu nhi đến Thư viện tỉnh đọc sách cùng nhau, kể "
                "lại cho bạn nghe và mượn sách về nhà. Thư viện xã Đồng Lộc đã làm theo."
            ),
            image=image,
            image_alt=alt,
            body=[
                (
                    "paragraph",
                    RichText(
                        "<p>Câu lạc bộ bắt đầu với mười em; nay mỗi buổi có vài chục em cùng cha mẹ. Các "
                        "tình nguyện viên chọn sách theo lứa tuổi, các em đọc theo nhóm rồi kể lại.</p>"
                    ),
                ),
                (
                    "quote",
                    {
                        "text": "Các cháu đọc sách nhiều hơn xem điện thoại.",
                        "attribution": "Một phụ huynh của câu lạc bộ",
                    },
                ),
                (
                    "figures",
                    {
                        "figures": [
                            {"label": "Năm hoạt động", "value": "3"},
                            {"label": "Buổi sinh hoạt mỗi năm", "value": "52"},
                        ]
                    },
                ),
                (
                    "paragraph",
                    RichText(
                        "<h2>Nhân rộng</h2><p>Thư viện xã Đồng Lộc mở buổi kể chuyện sách mỗi Chủ nhật "
                        "theo cách làm của câu lạc bộ.</p>"
                    ),
                ),
            ],
        )
        library.add_child(instance=story)
        commune = InstitutionPage.objects.filter(code="TV-X-DONGLOC").first()
        if commune:
            story.linked_institutions.add(StoryInstitution(institution=commune))
        campaign = Campaign.objects.filter(slug="ngay-sach-2026").first()
        if campaign:
            story.campaigns.add(campaign)
        story.save_revision().publish()
        created += 1
    _commendation, made = Commendation.objects.get_or_create(
        decision_number="1234/QĐ-UBND",
        defaults={
            "year": 2025,
            "title": "Bằng khen: mô hình câu lạc bộ đọc sách thiếu nhi tiêu biểu",
            "decision_date": dt.date(2025, 12, 15),
            "institution": library,
        },
    )
    created += made
    return created, 2 - created
