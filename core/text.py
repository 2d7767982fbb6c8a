"""Text helpers every app uses: folding for search, choice labels, rich text as plain text."""

from __future__ import annotations

import html as html_lib

from anyascii import anyascii
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines


def fold_text(text: str) -> str:
    """Lower case without diacritics: "Thư viện Đồng Lộc" -> "thu vien dong loc"."""
    return anyascii(text).lower()


def refresh_search_text(instance: models.Model, text: str, save_kwargs: dict, sources: set[str]) -> None:
    """Set `search_text` before a save that writes the fields it is made of (`sources`).

    A save that names other `update_fields` leaves it alone: Wagtail's `save_revision` saves a draft's
    bookkeeping on the page row while the page object holds the draft's title, and public search
    follows the published version only.
    """
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and not sources.intersection(update_fields):
        return
    instance.search_text = fold_text(text)
    if update_fields is not None and "search_text" not in update_fields:
        save_kwargs["update_fields"] = [*update_fields, "search_text"]


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """A stored choice's label, as `get_FOO_display()` gives it but without rebuilding the field's
    choices on each call: a listing or directory page shows dozens."""
    try:
        return choices(value).label
    except ValueError:
        return value


def plain_text(html: str) -> str:
    """Rich text as plain text: paragraphs become blank lines, tags go, entities are decoded."""
    text = html.replace("</p>", "\n\n").replace("<br/>", "\n").replace("<br>", "\n")
    return normalize_newlines(html_lib.unescape(strip_tags(text))).strip()
