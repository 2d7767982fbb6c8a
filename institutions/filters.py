"""The directory's one FilterSet, shared by the directory page and the JSON API.

The directory page renders it, so it imports the modules of the models it needs, not the models package.
"""

import hashlib

import django_filters
from django import forms
from django.db.models import F
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.public_cache import choices_version, content_version, page_cache

from .choices import InstitutionKind, InstitutionLevel, Sector
from .geography import squared_distance, unit_centres
from .models.units import AdministrativeUnit, units_for_choices


class QuickSelectMixin:
    """A <select> written out in Python, straight from its choices. Django renders each <option>
    through the template engine, and builds a dictionary for each first, which for the few hundred
    administrative units and the topics and campaigns costs milliseconds on every listing."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group: (its name, its choices)
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self.option(inner_value, inner, chosen) for inner_value, inner in label)
                parts.append("</optgroup>")
            else:
                parts.append(self.option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("\n".join(parts))

    def option(self, value, label, chosen: set[str]) -> str:
        return select_option(value, label, chosen)


def select_option(value, label, chosen: set[str]) -> str:
    value = "" if value is None else str(value)
    selected = " selected" if value in chosen else ""
    return format_html('<option value="{}"{}>{}</option>', value, selected, label)


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class AreaSelect(QuickSelect):
    """The area menu, kept in the cache as written for each chosen value and set of choices (an officer
    is offered only their area)."""

    def render(self, name, value, attrs=None, renderer=None):
        offered = set()
        for option, label in self.choices:
            inner = [choice for choice, _text in label] if isinstance(label, list | tuple) else [option]
            offered.update(str(choice) for choice in inner)
        if value not in ("", None) and str(value) not in offered:
            # A value no option has (typed into an address): written out, not kept.
            return super().render(name, value, attrs, renderer)
        key = (
            "area-select:"
            + hashlib.sha256(
                repr((get_language(), name, value, attrs, list(self.choices))).encode()
            ).hexdigest()
        )
        html = page_cache().get(key)
        if html is None:
            html = str(super().render(name, value, attrs, renderer))
            page_cache().set(key, html, timeout=60 * 60)
        return mark_safe(html)


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


class RowsField(django_filters.fields.ModelMultipleChoiceField):
    """The chosen rows, as a list, and an empty list when none is chosen.

    Django answers an empty choice with `queryset.none()`, and a filter's `if not value` then compiles
    that queryset: a millisecond for the published institutions, on every listing and API request.
    """

    def clean(self, value):
        if not value and not self.required:
            return []
        return super().clean(value)


class RowsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = RowsField


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Several choices of one column as one `IN` condition, not django-filter's `OR` of a condition for
    each: PostgreSQL reads an index for `= ANY` where it would join two bitmap scans and then visit the
    table (the listing's free classes and clubs for adults, default dataset: its query 6.0 → 5.1 ms)."""

    def filter(self, qs, value):
        if not value:
            return qs
        qs = self.get_method(qs)(**{f"{self.field_name}__in": sorted(set(value))})
        return qs.distinct() if self.distinct else qs


class AreaField(forms.ChoiceField):
    """An administrative unit by statistics code (`CODE` or `CODE@YYYY-MM-DD`), cleaned to the unit.

    Its choices are only the <select>'s options: any existing code validates, so a link made by hand
    with a commune's code works as well as the form does.
    """

    default_error_messages = {
        "unknown": _("There is no administrative unit with the code “%(value)s”."),
    }

    widget = AreaSelect

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self.unit_choices)
        super().__init__(*args, **kwargs)

    @staticmethod
    def unit_choices():
        """Every unit, grouped; kept in the cache per language and day until a unit changes."""
        key = f"area-choices:{choices_version()}:{get_language()}:{timezone.localdate()}"
        choices = page_cache().get(key)
        if choices is None:
            units = AdministrativeUnit.objects.order_by("level", "name")
            groups = [(str(label), options) for label, options in units_for_choices(units)]
            choices = [("", str(_("All of Hà Tĩnh"))), *groups]
            page_cache().set(key, choices, timeout=60 * 60)
        return choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        unit = AdministrativeUnit.parse_area(str(value))
        if unit is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return unit

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class AreaFilter(django_filters.Filter):
    """Rows whose administrative unit is the unit or any unit below it.

    `unit_path` is the lookup from the filtered model to the unit: `unit` for institutions,
    `institution__unit` for what belongs to an institution.
    """

    field_class = AreaField

    def __init__(self, *args, unit_path: str = "unit", **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_path = unit_path

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.unit_path}_id__in": AdministrativeUnit.objects.descendant_ids(value)})


class NearSelect(QuickSelect):
    """Options with `data-lat` and `data-lon`: the centre of each area; and the words near-me.js shows."""

    def __init__(self, attrs=None, choices=()):
        attrs = {
            "data-near-me-label": _("Use my location"),
            "data-near-me-waiting": _("Finding where you are… (your position stays on your device)"),
            "data-near-me-failed": _("Your location is not available: choose the area from the list."),
            **(attrs or {}),
        }
        super().__init__(attrs, choices)

    def option(self, value, label, chosen: set[str]) -> str:
        if not isinstance(label, tuple):  # "Anywhere"
            return select_option(value, label, chosen)
        text, latitude, longitude = label
        selected = " selected" if str(value) in chosen else ""
        return format_html(
            '<option value="{}" data-lat="{}" data-lon="{}"{}>{}</option>',
            value,
            latitude,
            longitude,
            selected,
            text,
        )


class NearField(AreaField):
    """An area to measure distances from: one whose institutions have a place on the map. Its options
    carry their centres, for the browser to choose the nearest one to the resident (near-me.js)."""

    default_error_messages = {
        "unplaced": _("No institution in %(area)s has a place on the map yet: choose a neighbouring area."),
    }

    widget = NearSelect

    @staticmethod
    def unit_choices():
        key = f"near-choices:{content_version()}:{get_language()}:{timezone.localdate()}"
        choices = page_cache().get(key)
        if choices is None:
            centres = unit_centres()
            units = list(AdministrativeUnit.objects.filter(pk__in=centres).order_by("level", "name"))
            by_value = {unit.code: unit for unit in units} | {unit.area_value(True): unit for unit in units}
            groups = [
                (str(label), [(value, (text, *centres[by_value[value].pk])) for value, text in options])
                for label, options in units_for_choices(units)
            ]
            choices = [("", str(_("Anywhere"))), *groups]
            page_cache().set(key, choices, timeout=60 * 60)
        return choices

    def to_python(self, value):
        unit = super().to_python(value)
        if unit is not None and unit.pk not in unit_centres():
            raise forms.ValidationError(
                self.error_messages["unplaced"], code="unplaced", params={"area": unit}
            )
        return unit


class NearFilter(django_filters.Filter):
    """Orders rows by distance from the chosen area's centre, nearest first, rows without a place last.
    `path` leads from the filtered model to the institution."""

    field_class = NearField

    def __init__(self, *args, path: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.path = path

    def filter(self, qs, value):
        if value is None:
            return qs
        origin = unit_centres()[value.pk]
        return qs.annotate(near_distance=squared_distance(origin, self.path)).order_by(
            F("near_distance").asc(nulls_last=True), *qs.query.order_by
        )


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)
    # Fields of the institution itself: no row can repeat, so no DISTINCT.
    kind = ChoicesFilter(
        choices=InstitutionKind.choices, label=_("Kind"), widget=forms.CheckboxSelectMultiple, distinct=False
    )
    level = ChoicesFilter(
        choices=InstitutionLevel.choices,
        label=_("Level"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    sector = ChoicesFilter(
        choices=Sector.choices, label=_("Sector"), widget=forms.CheckboxSelectMultiple, distinct=False
    )
    area = AreaFilter(label=_("Area"))
    near = NearFilter(label=_("Nearest to"))

    def search(self, queryset, name, value):
        return queryset.matching(value)
