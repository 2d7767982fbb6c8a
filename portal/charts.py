"""Charts drawn on the server as SVG, for pages that work without JavaScript: the staff dashboard and the
public results. Each bar has its figure as text, and each chart a title; the pages show the same figures
in a table beside it."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.text import number


def bar_chart(points: list[tuple[int, Decimal | int | None]], percent: bool, title: str) -> str:
    """A small server-rendered SVG bar chart; each bar has a text label, and the chart a title."""
    width, height, bar = 40 * max(len(points), 1) + 20, 120, 28
    known = [value for _year, value in points if value is not None]
    top = 100 if percent else max([*known, 1])
    bars = []
    for index, (year, value) in enumerate(points):
        x = 10 + index * 40
        label = _("no data") if value is None else number(value) + ("%" if percent else "")
        size = 0 if value is None else int(Decimal(value) / Decimal(top) * 80)
        bars.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" fill="#0b5d3b"></rect>'
                '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>'
                '<text x="{}" y="116" font-size="10" text-anchor="middle">{}</text></g>',
                year,
                label,
                x,
                95 - size,
                bar,
                size,
                x + bar // 2,
                92 - size,
                label,
                x + bar // 2,
                year,
            )
        )
    return format_html(
        '<svg role="img" aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg>',
        title,
        width,
        height,
        width,
        height,
        format_html_join("", "{}", ((b,) for b in bars)),
    )
