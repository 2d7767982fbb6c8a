"""Administrative units: the province, districts, communes and villages, each with its period."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import collation_key

from ..choices import UnitLevel


def period_covers(first: dt.date | None, last: dt.date | None, day: dt.date) -> bool:
    """Whether `day` is within [first, last]; an empty bound is open."""
    return (first is None or first <= day) and (last is None or last >= day)


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        """Units that existed on `day` (open-ended bounds count as always)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def for_code(self, code: str, on: dt.date | None = None) -> AdministrativeUnit | None:
        """The unit a statistics code names on a day (today by default).

        Codes were reused in the 2025 reorganisation, so a code can name two units. The one valid on
        the day wins; a code that names no unit on that day falls back to its most recent unit, so a
        dissolved district (Can Lộc, 443) can still be looked up.
        """
        on = on or timezone.localdate()
        candidates = list(self.filter(code=code.strip()))
        if not candidates:
            return None
        for unit in candidates:
            if unit.is_valid_on(on):
                return unit
        return max(candidates, key=lambda unit: unit.valid_from or dt.date.min)

    def descendant_ids(self, unit: AdministrativeUnit, include_self: bool = True) -> set[int]:
        """Primary keys of every unit below `unit` (one query per level of the tree)."""
        found = {unit.pk} if include_self else set()
        frontier = [unit.pk]
        while frontier:
            frontier = list(self.filter(parent_id__in=frontier).values_list("pk", flat=True))
            found.update(frontier)
        return found


class AdministrativeUnit(models.Model):
    """A province, district, commune or village, with the period it existed in.

    (code, valid_from) identifies a unit: the 1 July 2025 reorganisation reused codes.
    """

    code = models.CharField(_("statistics code"), max_length=10, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(
        _("type"), max_length=30, help_text=_("tỉnh, huyện, thị xã, xã, phường, thị trấn, thôn…")
    )
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # For a commune or ward before 1 July 2025: today's unit it became part of (the one that took most
    # of it, when it was divided); from institutions/data/unit_successors.csv.
    successor = models.ForeignKey(
        "self",
        verbose_name=_("became part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    # Where the unit is (its centre), for "Gần tôi": from institutions/data/unit_centres.csv.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                condition=Q(valid_from__isnull=False),
                name="unit_code_valid_from_unique",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_from__isnull=True), name="unit_code_unique_original"
            ),
        ]

    def __str__(self) -> str:
        if self.valid_to and self.valid_to < timezone.localdate():
            return _("%(unit)s (until %(date)s)") % {
                "unit": self.label,
                "date": self.valid_to.strftime("%d/%m/%Y"),
            }
        return self.label

    @property
    def label(self) -> str:
        """Its type and name: "Phường Thành Sen"."""
        return f"{self.unit_type[:1].upper()}{self.unit_type[1:]} {self.name}"

    def is_valid_on(self, day: dt.date) -> bool:
        return period_covers(self.valid_from, self.valid_to, day)

    def area_value(self, code_is_shared: bool) -> str:
        """The `area` parameter that selects exactly this unit (see `parse_area`).

        A code shared with a unit of the other snapshot is dated when this unit is not today's.
        """
        if not code_is_shared or self.is_valid_on(timezone.localdate()):
            return self.code
        return f"{self.code}@{(self.valid_to or self.valid_from).isoformat()}"

    @classmethod
    def parse_area(cls, value: str) -> AdministrativeUnit | None:
        """Read an `area` parameter: `CODE`, or `CODE@YYYY-MM-DD` for the unit valid on that day."""
        code, _sep, day = value.strip().partition("@")
        on = None
        if day:
            try:
                on = dt.date.fromisoformat(day)
            except ValueError:
                return None
        if not code.isdigit():
            return None
        return cls.objects.for_code(code, on=on)


def units_for_choices(units: Iterable[AdministrativeUnit]) -> list:
    """Grouped <select> choices: today's units first, then the units before 1 July 2025; in each group
    by level as given, then by name in Vietnamese alphabetical order (`core.text.collation_key`)."""
    units = list(units)
    today = timezone.localdate()
    code_counts = Counter(unit.code for unit in units)
    level_order = {level: position for position, level in enumerate(dict.fromkeys(u.level for u in units))}
    successor_ids = {unit.successor_id for unit in units if unit.successor_id}
    successors = AdministrativeUnit.objects.in_bulk(successor_ids) if successor_ids else {}
    current, former = [], []
    for unit in sorted(units, key=lambda unit: (level_order[unit.level], collation_key(unit.name))):
        value = unit.area_value(code_counts[unit.code] > 1)
        if unit.is_valid_on(today):
            current.append((value, str(unit)))
        elif unit.successor_id in successors:
            # Who knows only the old name finds the new one.
            label = _("%(unit)s, now part of %(successor)s")
            former.append((value, label % {"unit": unit, "successor": successors[unit.successor_id].label}))
        else:
            former.append((value, str(unit)))
    return [(_("Current units"), current), (_("Before 1 July 2025"), former)]
