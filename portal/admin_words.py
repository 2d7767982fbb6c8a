"""English words left on an admin screen, counted in what a person sees, not in catalogue entries.

A word is English when the English source strings of the catalogues the admin reads (Django's,
Wagtail's, the project's) use it and no Vietnamese translation in them does ("Root", "Go", "error"
are English; "CSV", "Email" or "Wagtail", which the translations keep, are not). Names in the data
("Can Lộc", "Long") would be taken for English now and then: `ALLOWED` lists the few that are not.
The admin translation report and the browser walk of the staff screens both ask `english_words`.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings

WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# Words that the screens show on purpose, or that are also Vietnamese names or terms.
ALLOWED = frozenset(
    {
        "Wagtail",  # the name of the software
        "Long",  # Hương Long, Thạch Long: the ASCII syllable of place names
    }
)
MIN_LENGTH = 3  # "OK", "to", "of": short tokens are too often codes, units or Vietnamese


def catalogue_files(language: str) -> list[Path]:
    """The .po files of `language` that the admin's strings come from."""
    import django
    import wagtail

    roots = [Path(django.__file__).parent, Path(wagtail.__file__).parent]
    found = [path for root in roots for path in root.glob(f"**/locale/{language}/LC_MESSAGES/django*.po")]
    for folder in settings.LOCALE_PATHS:
        found += Path(folder).glob(f"{language}/LC_MESSAGES/django*.po")
    return found


@functools.cache
def vocabularies() -> tuple[frozenset[str], frozenset[str]]:
    """(English words, Vietnamese words), lower-cased."""
    english: set[str] = set()
    vietnamese: set[str] = set()
    for path in catalogue_files("vi"):
        for entry in polib.pofile(str(path)):
            for text in (entry.msgid, entry.msgid_plural):
                english.update(word.lower() for word in WORD.findall(strip_placeholders(text)))
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                vietnamese.update(word.lower() for word in WORD.findall(strip_placeholders(text)))
    return frozenset(english), frozenset(vietnamese)


def strip_placeholders(text: str) -> str:
    return re.sub(r"%\(\w+\)[sd]|\{[^}]*\}|<[^>]*>", " ", text or "")


def english_words(text: str) -> list[str]:
    """The English words in `text` (a screen's visible text), in order, repeated as they occur."""
    english, vietnamese = vocabularies()
    found = []
    for match in re.finditer(r"(?<![\w.@/-])([A-Za-z]+)(?![\w@/-]|\.\w)", text):
        word = match.group(1)
        lower = word.lower()
        if len(word) < MIN_LENGTH or word in ALLOWED or word.isupper():
            continue
        if lower in english and lower not in vietnamese:
            found.append(word)
    return found


class VisibleText(HTMLParser):
    """The text of a page as a person meets it: its text, and the labels read out for controls
    (aria-label, title, placeholder, alt, button values); not scripts, styles, templates or hidden
    elements, nor code (column names of an import format are names, not words)."""

    SKIPPED = {"script", "style", "template", "noscript", "code", "kbd", "samp"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
    READ_OUT = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # the open elements, and whether each hides its text

    @property
    def hiding(self) -> bool:
        return any(hides for _tag, hides in self.open)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        hides = tag in self.SKIPPED or "hidden" in values or values.get("aria-hidden") == "true"
        if not (hides or self.hiding):
            self.parts.extend(values[name] for name in self.READ_OUT if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(values["value"])
        if tag not in self.VOID:
            self.open.append((tag, hides))

    def handle_endtag(self, tag):
        for position in range(len(self.open) - 1, -1, -1):  # closes what was left open inside it
            if self.open[position][0] == tag:
                del self.open[position:]
                return

    def handle_data(self, data):
        if not self.hiding:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
