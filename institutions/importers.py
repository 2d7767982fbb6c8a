"""`import_data institutions FILE.csv`: create or update institution pages, keyed by `code`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from core.text import ascii_slug

from . import tallies
from .choices import InstitutionKind, InstitutionLevel, Sector, VisitChannel, VisitPeriod, VisitPurpose
from .importing import Change, CsvImporter, ImportFileError, RowError, form_errors, log_each, register
from .models import AdministrativeUnit, InstitutionIndexPage, InstitutionPage, ServiceRecord, VisitCount
from .record_rules import MAX_VISITS, CountField, validate_institution_day, validate_record_day

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
    opened_on = forms.DateField(input_formats=ISO_DATE, required=False, validators=[validate_institution_day])
    closed_on = forms.DateField(input_formats=ISO_DATE, required=False, validators=[validate_institution_day])

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

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        if self.user is not None:
            from .roles import is_provincial

            if not is_provincial(self.user):
                raise ImportFileError(_("Only provincial staff import institutions."))
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
        slug = ascii_slug(title)[:200] or slugify(code)
        siblings = directory.get_children()
        if siblings.filter(slug=slug).exists():
            slug = f"{slug}-{slugify(code)}"
        return slug


YES_NO = {
    "1": True,
    "yes": True,
    "có": True,
    "co": True,
    "0": False,
    "no": False,
    "không": False,
    "khong": False,
}


class YesNoField(forms.Field):
    """1/0, yes/no, có/không in any case (SPEC §7)."""

    def to_python(self, value):
        text = (value or "").strip().lower()
        if text not in YES_NO:
            raise forms.ValidationError(
                _("Use 1/0, yes/no or có/không, not “%(value)s”."), params={"value": value}
            )
        return YES_NO[text]


def institutions_by_code(rows) -> dict[str, InstitutionPage]:
    codes = {row.values.get("institution_code", "") for row in rows}
    return InstitutionPage.objects.in_bulk(codes, field_name="code")


def unknown_institution(line: int, code: str) -> RowError:
    return RowError(
        line, _("institution_code: there is no institution with the code “%(code)s”.") % {"code": code}
    )


class RecordImporter(CsvImporter):
    """Importers of rows that belong to an institution named by `institution_code`."""

    def checked_rows(self, rows, form_class, errors: list[RowError]):
        """(row, cleaned values, institution) of each row whose values are valid and whose institution
        exists and is the user's; every other row becomes a row error."""
        institutions = institutions_by_code(rows)
        allowed = self.allowed_institution_ids()
        for row in rows:
            form = form_class(row.values)
            if not form.is_valid():
                errors.extend(form_errors(row.line, form))
                continue
            institution = institutions.get(form.cleaned_data["institution_code"])
            if institution is None:
                errors.append(unknown_institution(row.line, form.cleaned_data["institution_code"]))
            elif allowed is not None and institution.pk not in allowed:
                errors.append(self.outside_scope(row.line, institution))
            else:
                yield row, form.cleaned_data, institution


class ServiceRowForm(forms.Form):
    institution_code = forms.CharField(max_length=32)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    lifelong_learning_services = YesNoField()
    digital_transformation = YesNoField()
    note = forms.CharField(required=False)


@register
class ServiceRecordImporter(RecordImporter):
    """`import_data services FILE.csv`: one service record per institution and year, replaced on re-import."""

    kind = "services"
    label = gettext_lazy("Service records")
    order = 50
    required_columns = ("institution_code", "year", "lifelong_learning_services", "digital_transformation")
    optional_columns = ("note",)

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        rows, errors = self.read_rows(data)
        checked = list(self.checked_rows(rows, ServiceRowForm, errors))
        existing = {
            (record.institution_id, record.year): record
            for record in ServiceRecord.objects.filter(institution__in={i for _r, _v, i in checked})
        }
        seen: dict[tuple, int] = {}
        changes = []
        for row, values, institution in checked:
            key = (institution.pk, values["year"])
            if key in seen:
                errors.append(
                    RowError(
                        row.line,
                        _("The same institution and year are on line %(line)d.") % {"line": seen[key]},
                    )
                )
                continue
            seen[key] = row.line
            fields = {name: values[name] for name in ("lifelong_learning_services", "digital_transformation")}
            if "note" in row.values:
                fields["note"] = values["note"]
            record = existing.get(key)
            label = f"{institution.code} – {values['year']}"
            if record is None:
                changes.append(
                    Change(row.line, "create", label, institution, {"year": values["year"], **fields})
                )
            elif any(getattr(record, name) != value for name, value in fields.items()):
                changes.append(Change(row.line, "update", label, record, fields))
            else:
                changes.append(Change(row.line, "unchanged", label, record, fields))
        return changes, errors

    def apply_change(self, change: Change) -> None:
        if change.action == "create":
            record = ServiceRecord.objects.create(institution=change.target, **change.values)
            log(record, "wagtail.create", user=self.user)
        else:
            record = change.target
            for name, value in change.values.items():
                setattr(record, name, value)
            record.save()
            log(record, "wagtail.edit", user=self.user)


class VisitRowForm(forms.Form):
    institution_code = forms.CharField(max_length=32)
    date = forms.CharField(max_length=10)
    visits = CountField(maximum=MAX_VISITS)
    purpose = forms.ChoiceField(choices=VisitPurpose.choices)
    channel = forms.ChoiceField(choices=VisitChannel.choices)

    def clean_date(self):
        text = self.cleaned_data["date"].strip()
        for pattern, period in (("%Y-%m-%d", VisitPeriod.DAY), ("%Y-%m", VisitPeriod.MONTH)):
            try:
                day = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            validate_record_day(day)
            return day, period
        raise forms.ValidationError(
            _("Use YYYY-MM-DD for a day or YYYY-MM for a month, not “%(value)s”."), params={"value": text}
        )


@register
class VisitImporter(RecordImporter):
    """`import_data visits FILE.csv`: door counts by day or month, replaced on re-import."""

    kind = "visits"
    label = gettext_lazy("Visit counts")
    order = 40
    required_columns = ("institution_code", "date", "visits", "purpose", "channel")

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        rows, errors = self.read_rows(data)
        checked = list(self.checked_rows(rows, VisitRowForm, errors))
        existing = {
            (c.institution_id, c.period, c.date, c.purpose, c.channel): c
            for c in VisitCount.objects.filter(institution__in={i for _r, _v, i in checked})
        }
        seen: dict[tuple, int] = {}
        changes = []
        for row, values, institution in checked:
            day, period = values["date"]
            key = (institution.pk, period, day, values["purpose"], values["channel"])
            if key in seen:
                errors.append(
                    RowError(row.line, _("The same count is on line %(line)d.") % {"line": seen[key]})
                )
                continue
            seen[key] = row.line
            label = f"{institution.code} {row.values['date']} {values['purpose']}/{values['channel']}"
            count = existing.get(key)
            if count is None:
                fields = {
                    "institution": institution,
                    "period": period,
                    "date": day,
                    "purpose": values["purpose"],
                    "channel": values["channel"],
                    "visits": values["visits"],
                }
                changes.append(Change(row.line, "create", label, None, fields))
            elif count.visits != values["visits"]:
                changes.append(Change(row.line, "update", label, count, {"visits": values["visits"]}))
            else:
                changes.append(Change(row.line, "unchanged", label, count, {}))
        return changes, errors

    def apply_changes(self, changes: list[Change]) -> None:
        created = VisitCount.objects.bulk_create(
            [VisitCount(**change.values) for change in changes if change.action == "create"], batch_size=1000
        )
        updated = []
        for change in changes:
            if change.action == "update":
                change.target.visits = change.values["visits"]
                updated.append(change.target)
        VisitCount.objects.bulk_update(updated, ["visits"], batch_size=1000)
        # Bulk writes send no signals: the years they touched are counted again here.
        tallies.changed(tallies.key_of(count) for count in [*created, *updated])
        log_each(created, "wagtail.create", self.user)
        log_each(updated, "wagtail.edit", self.user)
