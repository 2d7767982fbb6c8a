import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from institutions.models import ServiceRecord
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("portal_statistics")


@pytest.fixture
def libraries(db):
    first = InstitutionPageFactory(code="TV-1", kind="library", level="district", sector="public")
    InstitutionPageFactory(code="TV-2", kind="library", level="district", sector="public")
    ServiceRecord.objects.create(institution=first, year=2025, lifelong_learning_services=True)


def test_dashboard_shows_each_indicator_against_its_target(admin_client, libraries):
    response = admin_client.get(URL, {"year": 2025})
    content = response.content.decode()
    assert response.status_code == 200
    assert "50%" in content  # one of two libraries
    assert "<svg" in content and 'role="img"' in content
    assert len(response.context["rows"]) == 12


def test_dashboard_for_a_district(admin_client, libraries):
    response = admin_client.get(URL, {"year": 2025, "area": "443"})
    assert response.status_code == 200
    assert response.context["area"].code == "443"


def test_bad_selection_falls_back_without_error(admin_client, libraries):
    response = admin_client.get(URL, {"year": "abc", "area": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_xlsx_export_holds_the_numbers(admin_client, libraries):
    response = admin_client.get(URL, {"year": 2025, "export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 13  # header and 12 indicators
    assert values[1][4] == 50.0
    header = values[0]
    targets = [header.index(name) for name in ("Mục tiêu 2025", "Mục tiêu 2030 (từ)")]
    for row in values[1:]:
        assert all(isinstance(row[column], int | float) for column in targets), row  # numbers, never text
    assert sheet.cell(row=2, column=5).number_format == "#,##0.0"


def test_csv_export_has_a_bom(admin_client, libraries):
    response = admin_client.get(URL, {"year": 2025, "export": "csv"})
    assert response.content.startswith("\ufeff".encode())


def test_printable_report(admin_client, libraries):
    response = admin_client.get(URL, {"year": 2025, "print": 1})
    assert response.status_code == 200
    assert "<table>" in response.content.decode()


def test_drilldown_by_area(admin_client, libraries):
    response = admin_client.get(
        reverse("portal_statistics_areas"),
        {"year": 2025, "indicator": "lifelong_learning_services", "group": "library_district_public"},
    )
    assert response.status_code == 200
    assert [row[0].code for row in response.context["table"]] == ["443"]
    assert admin_client.get(reverse("portal_statistics_areas"), {"indicator": "x"}).status_code == 400


def test_staff_without_statistics_rights_cannot_see_it(client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="password")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(URL).status_code in (302, 403)


def test_the_command_prints_the_dashboard_numbers(admin_client, libraries):
    import json
    from io import StringIO

    from django.core.management import call_command

    output = StringIO()
    call_command("indicators", "--year", "2025", "--area", "443", "--format", "json", stdout=output)
    printed = [(item["indicator"], item["group"], item["value"]) for item in json.loads(output.getvalue())]
    rows = admin_client.get(URL, {"year": 2025, "area": "443"}).context["rows"]
    shown = [
        (row.indicator, row.group, float(row.value) if row.value is not None else None)
        for row, _chart in rows
    ]
    assert printed == shown


def test_an_officer_sees_their_own_area_chosen_and_only_the_units_inside_it(client, django_user_model):
    from institutions.models import AdministrativeUnit
    from institutions.roles import area_group

    officer = django_user_model.objects.create_user("can_bo", password="password")
    district = AdministrativeUnit.objects.for_code("443")
    officer.groups.add(area_group(district))
    client.force_login(officer)

    for query in ({}, {"year": 2025}):
        form = client.get(URL, query).context["form"]
        assert form["area"].value() == "443"
        offered = {value for _group, options in form.fields["area"].choices for value, _label in options}
        inside = AdministrativeUnit.objects.filter(
            pk__in=AdministrativeUnit.objects.descendant_ids(district)
        ).values_list("code", flat=True)
        assert "443" in offered and offered <= set(inside)
        assert "42" not in offered  # not the province


def test_the_officers_menu_is_not_the_one_kept_for_provincial_staff(client, admin_client, django_user_model):
    from institutions.models import AdministrativeUnit
    from institutions.roles import area_group

    assert 'value="18073"' in admin_client.get(URL).content.decode()  # the whole province's menu, cached
    officer = django_user_model.objects.create_user("can_bo", password="password")
    officer.groups.add(area_group(AdministrativeUnit.objects.for_code("443")))
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert 'value="443" selected' in page
    assert 'value="18073"' not in page  # Thành Sen is not in Can Lộc


def test_the_page_says_whether_its_year_is_complete_and_marks_missed_targets(admin_client, libraries):
    from django.utils import timezone

    this_year = timezone.localdate().year
    last = admin_client.get(URL, {"year": this_year - 1}).content.decode()
    assert f"Số liệu cả năm {this_year - 1}." in last
    assert f"year={this_year}" in last  # the year under way is one link away
    current = admin_client.get(URL, {"year": this_year}).content.decode()
    assert f"Năm {this_year} chưa kết thúc" in current
    rows = admin_client.get(URL, {"year": 2025}).context["rows"]
    missed = sum(1 for row, _chart in rows if row.on_track is False)
    assert missed and admin_client.get(URL, {"year": 2025}).content.decode().count("dưới mục tiêu") == missed


def test_one_vietnamese_number_format_in_the_table_and_the_charts(admin_client, libraries):
    from decimal import Decimal

    from django.utils import translation

    from core.text import number
    from portal.charts import bar_chart

    with translation.override("vi"):
        assert number(Decimal("66.7")) == "66,7"
        assert number(1234567) == "1.234.567"
        chart = bar_chart([(2024, Decimal("66.7")), (2025, None)], percent=True, title="x")
        assert "66,7%" in chart and "66.7" not in chart
        assert "12.345" in bar_chart([(2025, 12345)], percent=False, title="x")
    InstitutionPageFactory(code="TV-3", kind="library", level="district", sector="public")
    content = admin_client.get(URL, {"year": 2025}).content.decode()
    assert "33,3%" in content and "33.3" not in content  # one of three, table and chart alike
    with translation.override("en"):
        assert number(Decimal("66.7")) == "66.7"
