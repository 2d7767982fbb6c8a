"""`import_data institutions FILE.csv`: create or update institution pages, keyed by `code`."""

from __future__ import annotations

from decimal import Decimal

from anyascii import anyascii
from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importing import Change, CsvImporter, RowError, form_errors, register
from .models import (
    AdministrativeUnit,
    InstitutionIndexPage,
    InstitutionKind,
    InstitutionLevel,
    InstitutionPage,
    Sector,
)

ISO_DATE = ["%Y-%m-%d"]


class InstitutionRowForm(forms.Form):
    """One CSV row. The column names are the field names, so errors name the column."""

    code = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
        max_length=32,
        error_messages={"invalid": gettext_lazy("Use letters, digits, '-', '_' or '.' only.")},
    )
    name = forms.CharField(max_length=255)
    kind = forms.ChoiceField(choices=InstitutionKind.choices)
    level = forms.ChoiceField(choices=InstitutionLevel.choices)
    sector = forms.ChoiceField(choices=Sector.choices)
    unit_code = forms.CharField(max_length=10)
    address = forms.CharField(max_length=255, required=False)
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    phone = forms.CharField(max_length=50, required=False)
    email = forms.EmailField(required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    opened_on = forms.DateField(input_formats=ISO_DATE, required=False)
    closed_on = forms.DateField(input_formats=ISO_DATE, required=False)

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"]
        unit = AdministrativeUnit.parse_area(code)
        if unit is None:
            raise forms.ValidationError(
                _("There is no administrative unit with the code “%(value)s”."), params={"value": code}
            )
        return unit

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if cleaned.get("longitude") is None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
        opened_on, closed_on = cleaned.get("opened_on"), cleaned.get("closed_on")
        if opened_on and closed_on and closed_on < opened_on:
            self.add_error("closed_on", _("The closing date is before the opening date."))
        return cleaned


# CSV column -> page field. `name` is the page title; `unit_code` the unit.
COLUMN_FIELDS = {
    "name": "title",
    "kind": "kind",
    "level": "level",
    "sector": "sector",
    "unit_code": "unit",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "opened_on": "opened_on",
    "closed_on": "closed_on",
}


def normalise(value):
    """Compare decimals as the database stores them (6 places)."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.000001"))
    return value


@register
class InstitutionImporter(CsvImporter):
    kind = "institutions"
    label = gettext_lazy("Institutions")
    order = 10
    required_columns = ("code", "name", "kind", "level", "sector", "unit_code")
    optional_columns = (
        "address",
        "latitude",
        "longitude",
        "phone",
        "email",
        "website",
        "opened_on",
        "closed_on",
    )

    def lock(self) -> None:
        # Every institution is created under the directory page: locking it serialises imports.
        list(InstitutionIndexPage.objects.select_for_update().values_list("pk", flat=True))

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        rows, errors = self.read_rows(data)
        directory = InstitutionIndexPage.objects.first()
        if directory is None:
            return [], [RowError(1, _("The site has no directory page to import institutions into."))]
        existing = {page.code: page for page in InstitutionPage.objects.select_related("unit")}
        seen: dict[str, int] = {}
        changes = []
        for row in rows:
            form = InstitutionRowForm(row.values)
            if not form.is_valid():
                errors.extend(form_errors(row.line, form))
                continue
            # Only the columns the file has: a file without `phone` leaves phones as they are.
            values = {
                COLUMN_FIELDS[column]: value
                for column, value in form.cleaned_data.items()
                if column in COLUMN_FIELDS and column in row.values
            }
            code = form.cleaned_data["code"]
            if code in seen:
                errors.append(
                    RowError(
                        row.line,
                        _("code: %(code)s is already on line %(line)d.") % {"code": code, "line": seen[code]},
                    )
                )
                continue
            seen[code] = row.line
            page = existing.get(code)
            label = f"{code} – {values['title']}"
            if page is None:
                changes.append(Change(row.line, "create", label, directory, {"code": code, **values}))
            elif any(normalise(getattr(page, f)) != normalise(v) for f, v in values.items()):
                warning = ""
                if page.live and page.has_unpublished_changes:
                    warning = _(
                        "%(code)s has unpublished changes in the admin: the file's values are published "
                        "over the live page, and those changes stay in the page's history."
                    ) % {"code": code}
                changes.append(Change(row.line, "update", label, page, values, warning))
            else:
                changes.append(Change(row.line, "unchanged", label, page, values))
        return changes, errors

    def apply_change(self, change: Change) -> None:
        values = change.values
        if change.action == "create":
            directory = change.target
            page = InstitutionPage(slug=self.free_slug(directory, values["title"], values["code"]), **values)
            directory.add_child(instance=page)
            page.save_revision(user=self.user, log_action=True).publish(user=self.user)
            return
        page = change.target
        for name, value in values.items():
            setattr(page, name, value)
        page.draft_title = page.title
        revision = page.save_revision(user=self.user, log_action=True)
        if page.live:
            revision.publish(user=self.user)
        else:
            # An unpublished institution stays unpublished; its row still takes the new values so
            # that importing the same file again finds nothing to change.
            page.save()

    @staticmethod
    def free_slug(directory: InstitutionIndexPage, title: str, code: str) -> str:
        """A readable, unused slug: the name without diacritics, then the code if it is taken."""
        slug = slugify(anyascii(title))[:200] or slugify(code)
        siblings = directory.get_children()
        if siblings.filter(slug=slug).exists():
            slug = f"{slug}-{slugify(code)}"
        return slug
