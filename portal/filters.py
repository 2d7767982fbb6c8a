"""The list of good models' one FilterSet: stories by the kind and area of their institutions, and by year.

A story belongs to the institutions it is linked to (the one it is written under and the others it
links): a filter on kind or area keeps the stories with at least one such institution.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.choices import InstitutionKind
from institutions.filters import AreaFilter
from institutions.models.pages import InstitutionPage

from .indicators import statistics_years

# The plan (Decision 1520/QĐ-TTg) runs from 2021: the year menu starts there.


def year_choices() -> list[tuple[str, str]]:
    years = statistics_years()
    return [("", str(_("Any year"))), *((str(year), str(year)) for year in years)]


class YearFilter(django_filters.TypedChoiceFilter):
    """A year from the menu; any other value is a form error, never a server error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", year_choices)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class StoryFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=InstitutionKind.choices,
        label=_("Kind of institution"),
        widget=forms.CheckboxSelectMultiple,
        method="of_kind",
    )
    area = AreaFilter(label=_("Area"), method="in_area")
    year = YearFilter(label=_("Year"), field_name="date", lookup_expr="year")

    def of_kind(self, queryset, name, value):
        return queryset.linked_to(InstitutionPage.objects.filter(kind__in=value))

    def in_area(self, queryset, name, unit):
        return queryset.linked_to(InstitutionPage.objects.in_area(unit))
