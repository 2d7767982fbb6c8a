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
