"""Distances for "Gần tôi" (issue 27): the directory and the listing ordered by distance from an area.

An area's centre is where the unit is (`AdministrativeUnit.latitude`/`longitude`, shipped for 293 of the
299 units in institutions/data/unit_centres.csv); for a unit without one, the mean position of the
institutions in it and below it that have coordinates. Distances on the scale of a province are measured
on the flat (equirectangular), which is within a few metres of the great circle over 100 km.

A resident's own position never reaches the server: in the browser, `static/js/near-me.js` picks the
area whose centre is nearest and sends only that area's code.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.apps import apps
from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Cast

from core.public_cache import content_version, page_cache

KM_PER_DEGREE = 111.32


def unit_centres() -> dict[int, tuple[float, float]]:
    """Unit id -> (latitude, longitude) of its centre (see above); kept until a page changes."""
    key = f"unit-centres:{content_version()}"
    centres = page_cache().get(key)
    if centres is None:
        centres = compute_centres()
        page_cache().set(key, centres, timeout=60 * 60)
    return centres


def compute_centres() -> dict[int, tuple[float, float]]:
    unit_model = apps.get_model("institutions", "AdministrativeUnit")
    institution_model = apps.get_model("institutions", "InstitutionPage")
    parents = dict(unit_model.objects.values_list("pk", "parent_id"))
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    located = institution_model.objects.live().exclude(latitude=None).exclude(unit=None)
    for unit_id, latitude, longitude in located.values_list("unit_id", "latitude", "longitude"):
        while unit_id is not None:  # the unit, and each unit above it
            points[unit_id].append((float(latitude), float(longitude)))
            unit_id = parents.get(unit_id)
    centres = {
        unit_id: (
            round(sum(point[0] for point in found) / len(found), 6),
            round(sum(point[1] for point in found) / len(found), 6),
        )
        for unit_id, found in points.items()
    }
    placed = unit_model.objects.exclude(latitude=None).values_list("pk", "latitude", "longitude")
    centres.update({pk: (float(latitude), float(longitude)) for pk, latitude, longitude in placed})
    return centres


def distance_km(origin: tuple[float, float], latitude, longitude) -> float | None:
    if latitude is None or longitude is None:
        return None
    north = float(latitude) - origin[0]
    east = (float(longitude) - origin[1]) * math.cos(math.radians(origin[0]))
    return math.hypot(north, east) * KM_PER_DEGREE


def squared_distance(origin: tuple[float, float], path: str = ""):
    """An expression ordering rows by distance from `origin`, on any database: `path` leads from the
    rows to the institution (`institution__` for sessions). Rows without coordinates give NULL."""
    scale = math.cos(math.radians(origin[0]))
    north = Cast(F(f"{path}latitude"), FloatField()) - Value(origin[0], output_field=FloatField())
    east = (Cast(F(f"{path}longitude"), FloatField()) - Value(origin[1], output_field=FloatField())) * Value(
        scale, output_field=FloatField()
    )
    return ExpressionWrapper(north * north + east * east, output_field=FloatField())
