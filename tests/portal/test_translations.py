from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    (ROOT / folder / "vi" / "LC_MESSAGES" / name).with_suffix("")
    for folder in ("locale", "locale_admin")
    for name in ("django.po", "djangojs.po")
    if (ROOT / folder / "vi" / "LC_MESSAGES" / name).exists()
)


def name(catalogue):
    return f"{catalogue.parents[2].name}/{catalogue.name}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=name)
def test_every_string_has_a_vietnamese_translation(catalogue):
    catalogue = polib.pofile(f"{catalogue}.po")
    untranslated = [entry.msgid for entry in catalogue if not entry.translated()]
    assert untranslated == []
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=name)
def test_compiled_catalogue_matches_its_source(catalogue):
    """The committed .mo is what Django reads: it must hold every translation of the .po."""
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(f"{catalogue}.po")
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.mofile(f"{catalogue}.mo")
        if e.msgid
    }
    assert compiled == source


@pytest.mark.django_db
def test_admin_screens_read_in_vietnamese(superuser, frozen_now):
    """The share of strings the admin screens look up that have Vietnamese (README states the figure)."""
    from io import StringIO

    from django.core.management import call_command

    from tests.events.conftest import publish
    from tests.events.factories import EventPageFactory

    publish(EventPageFactory())
    output = StringIO()
    call_command("admin_translation_report", "--missing", stdout=output)
    lines = output.getvalue().splitlines()
    total = next(line for line in lines if line.startswith("all screens"))
    *_counts, share, english_seen = total.split()
    assert float(share.rstrip("%")) >= 99.0, output.getvalue()
    assert english_seen == "0", output.getvalue()  # in what a person sees of those screens
    assert all(
        " 200 " in line
        for line in lines
        if line[:18].strip() and not line.startswith(("all", "'", "screen", "English seen"))
    )


@pytest.mark.django_db
def test_english_left_on_a_screen_is_found_in_what_a_person_sees():
    from portal.admin_words import english_words, visible_text

    html = """<h1>Gốc</h1><nav aria-label="Actions"><a href="#e">Go to the first error</a></nav>
    <p hidden>None</p><div aria-hidden="true">Referenced 4 times</div>
    <p>Cột <code>address</code>, <code>phone</code>: Xã Hương Long, Thư viện Can Lộc, tệp CSV, Wagtail 8.</p>
    <script>const x = "English inside a script";</script><input type="submit" value="Save">"""
    text = visible_text(html)
    assert "None" not in text and "Referenced" not in text and "English inside" not in text
    # Labels read out count; code, place names and what translators keep (CSV) do not.
    assert english_words(text) == ["Actions", "the", "first", "error", "Save"]
    assert english_words("Root") == ["Root"]
