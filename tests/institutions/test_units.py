import datetime as dt

import pytest
from django.urls import reverse

from institutions.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_both_snapshots_of_ha_tinh_ship_with_the_project():
    units = AdministrativeUnit.objects
    assert units.filter(level="province").count() == 1
    assert units.filter(level="district").count() == 13
    assert units.filter(level="commune", valid_to=dt.date(2025, 6, 30)).count() == 216
    assert units.filter(level="commune", valid_from=dt.date(2025, 7, 1)).count() == 69


def test_district_descendants_are_its_communes_and_itself():
    can_loc = AdministrativeUnit.objects.for_code("443")
    ids = AdministrativeUnit.objects.descendant_ids(can_loc)
    names = set(AdministrativeUnit.objects.filter(pk__in=ids).values_list("name", flat=True))
    assert can_loc.pk in ids
    assert "Nghèn" in names
    assert len(ids) == 1 + AdministrativeUnit.objects.filter(parent=can_loc).count()
    assert "Thành Sen" not in names


def test_province_descendants_are_every_unit():
    province = AdministrativeUnit.objects.for_code("42")
    assert len(AdministrativeUnit.objects.descendant_ids(province)) == AdministrativeUnit.objects.count()


def test_new_communes_hang_directly_under_the_province():
    thanh_sen = AdministrativeUnit.objects.for_code("18073")
    assert thanh_sen.parent.code == "42"


def test_loc_ha_communes_keep_loc_ha_as_parent_until_the_reorganisation():
    loc_ha = AdministrativeUnit.objects.get(code="448")
    assert loc_ha.valid_to == dt.date(2024, 12, 31)
    assert loc_ha.children.count() == 12


def test_a_reused_code_names_the_unit_valid_today():
    unit = AdministrativeUnit.objects.for_code("18073")
    assert unit.name == "Thành Sen"


def test_a_reused_code_names_the_earlier_unit_on_an_earlier_date():
    unit = AdministrativeUnit.objects.for_code("18073", on=dt.date(2025, 6, 30))
    assert unit.name == "Nam Hà"


def test_a_dissolved_district_code_still_names_it():
    unit = AdministrativeUnit.objects.for_code("443")
    assert unit.name == "Can Lộc"
    assert unit.level == "district"


@pytest.mark.parametrize(
    "value, expected",
    [("18073", "Thành Sen"), ("18073@2025-01-01", "Nam Hà"), (" 443 ", "Can Lộc")],
)
def test_area_parameter_reads_code_and_optional_date(value, expected):
    assert AdministrativeUnit.parse_area(value).name == expected


@pytest.mark.parametrize("value", ["", "abc", "99999", "443@yesterday", "443@2025-13-01", "'; drop"])
def test_area_parameter_rejects_what_names_no_unit(value):
    assert AdministrativeUnit.parse_area(value) is None


def test_units_are_browsable_and_searchable_in_the_admin(admin_client):
    url = reverse("wagtailsnippets_institutions_administrativeunit:list")
    response = admin_client.get(url, {"q": "Can Lộc"})
    assert response.status_code == 200
    assert "Can Lộc" in response.content.decode()


def test_a_former_unit_says_which_of_todays_units_it_became_part_of(db):
    from institutions.models.units import units_for_choices

    ky_loi = AdministrativeUnit.objects.filter(name="Kỳ Lợi").exclude(valid_to=None).get()
    assert ky_loi.successor.label == "Phường Vũng Áng"  # divided: the ward that took most of it
    (_current_label, current), (former_label, former) = units_for_choices(AdministrativeUnit.objects.all())
    assert str(former_label) == "Trước 01/07/2025"
    labels = dict(former)
    assert labels["18073@2025-06-30"] == "Phường Nam Hà (đến 30/06/2025), nay thuộc Phường Thành Sen"
    linked = AdministrativeUnit.objects.filter(level="commune").exclude(valid_to=None)
    assert linked.exclude(successor=None).count() == 211  # of 216: five are not in the source
    assert all(unit.successor.valid_to is None for unit in linked.exclude(successor=None))
