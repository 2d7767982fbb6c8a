"""Text helpers: search without diacritics, choice labels, rich text as plain text."""

from django.utils import translation

from core.text import choice_label, fold_text, plain_text
from events.choices import EventKind


def test_folding_drops_diacritics_and_case_so_typing_without_them_finds_a_name():
    assert fold_text("Thư viện Đồng Lộc") == "thu vien dong loc"
    assert fold_text("BẢO TÀNG") == "bao tang"


def test_a_choice_label_is_the_translated_label_and_an_unknown_value_is_shown_as_stored():
    with translation.override("vi"):
        assert choice_label(EventKind, "club") == str(EventKind.CLUB.label)
        assert choice_label(EventKind, "club") != "club"
    assert choice_label(EventKind, "no-such-kind") == "no-such-kind"


def test_rich_text_becomes_paragraphs_of_plain_text():
    html = "<p>Lớp <b>tin học</b> &amp; kỹ năng</p><p>Dòng một<br/>dòng hai</p>"
    assert plain_text(html) == "Lớp tin học & kỹ năng\n\nDòng một\ndòng hai"


def test_slugs_are_plain_ascii_with_d_for_the_vietnamese_d():
    from core.text import ascii_slug

    assert ascii_slug("Lớp đọc sách cho thiếu nhi") == "lop-doc-sach-cho-thieu-nhi"
    assert ascii_slug("Đường Trần Phú") == "duong-tran-phu"


def test_a_page_saved_without_a_slug_gets_an_ascii_one_and_a_page_with_one_keeps_it(db):
    import datetime as dt

    from events.models import EventPage
    from tests.events.factories import HANOI
    from tests.institutions.factories import InstitutionPageFactory

    institution = InstitutionPageFactory(title="Thư viện xã Đồng Lộc", slug="thư-viện-đồng-lộc")
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=HANOI)
    event = institution.add_child(
        instance=EventPage(title="Lớp đọc sách", slug="", start=start, end=start + dt.timedelta(hours=2))
    )
    second = institution.add_child(
        instance=EventPage(title="Lớp đọc sách", slug="", start=start, end=start + dt.timedelta(hours=2))
    )
    assert (event.slug, second.slug) == ("lop-doc-sach", "lop-doc-sach-2")
    institution.refresh_from_db()
    assert institution.slug == "thư-viện-đồng-lộc"  # an existing address does not change


def test_vietnamese_alphabetical_order_letters_first_then_tones():
    from core.text import collation_key

    shuffled = ["Yên Hòa", "Hương Xuân", "Đức Thọ", "Hoành Sơn", "Cạ", "Hương Đô", "Dương Thủy", "Cá",
                "Ân", "Hàm Nghi", "Ca", "Hà Huy Tập", "An", "Cà", "Ăn", "Cả", "Cã", "Đồng Lộc", "Can Lộc",
                "Cẩm Xuyên"]  # fmt: skip
    assert sorted(shuffled, key=collation_key) == [
        "An", "Ăn", "Ân",  # a ă â
        "Ca", "Cà", "Cả", "Cã", "Cá", "Cạ",  # the same letters: by tone, level to nặng
        "Can Lộc", "Cẩm Xuyên",
        "Dương Thủy", "Đồng Lộc", "Đức Thọ",  # đ right after d, not after y
        "Hà Huy Tập", "Hàm Nghi", "Hoành Sơn",  # a word before a longer word it begins
        "Hương Đô", "Hương Xuân",
        "Yên Hòa",
    ]  # fmt: skip
    assert collation_key("HÀ TĨNH") == collation_key("hà tĩnh")
    key = collation_key("Đồng Lộc 2")
    assert key.isascii() and key.isalnum() and key == key.lower()  # ordered as bytes by any database
