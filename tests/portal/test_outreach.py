"""The results and the data go out to everyone (SPEC §12): the public results page and the open data say
the staff dashboard's figures, parse back, carry no personal data, and stream a year without holding it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyld import jsonld

from events.models import Attendance
from events.registering import register
from portal.indicators import compute
from portal.open_data import DATASETS
from portal.yearly_report import build
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory
from tests.portal.test_yearly_report import year_of_work  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db

# Every column every download may have. Nothing here names, reaches or identifies a person; a new column
# must be added here on purpose.
COLUMNS = {
    "co-so": [
        "code", "name", "kind", "level", "sector", "area_code", "area_name", "address", "latitude",
        "longitude", "website", "opened_on", "closed_on", "url",
    ],
    "buoi-hoat-dong": [
        "session_id", "start", "end", "all_day", "status", "in_schedule", "event_uid", "event_title",
        "event_kind", "free", "campaign", "institution_code", "area_code", "attendance", "event_url",
    ],
    "so-lieu-co-so": [
        "institution_code", "institution_name", "kind", "area_code", "year", "sessions_held", "attendance",
        "visits_learning", "visits_other", "visits_onsite", "visits_virtual", "visits_outreach",
    ],
    "chi-so": [
        "indicator", "group", "year", "area", "kind", "value", "numerator", "denominator", "growth",
        "average_growth", "base_year", "target", "target_2025", "target_2030", "target_2030_from",
        "target_2030_to", "on_track",
    ],
}  # fmt: skip
PERSONAL = {"email", "phone", "name_of_person", "registrant", "recorded_by", "user", "token", "address_hash"}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response) -> list[dict[str, str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_results_page_shows_the_dashboards_figures(client, admin_client, year_of_work):  # noqa: F811
    response = client.get("/ket-qua/", {"year": 2025, "area": "443"})
    assert response.status_code == 200
    shown = [line[0] for _title, lines in response.context["objectives"] for line in lines]
    dashboard = admin_client.get("/admin/statistics/", {"year": 2025, "area": "443"}).context["rows"]
    figures = {(r.indicator, r.group): (r.value, r.on_track, r.target) for r in shown}
    assert len(figures) == len(dashboard) == 12
    assert figures == {(r.indicator, r.group): (r.value, r.on_track, r.target) for r, _chart in dashboard}
    content = response.content.decode()
    assert "50% <small>(1 / 2)</small>" in content  # one of Can Lộc's two district libraries
    assert '<svg role="img"' in content and '<table class="series">' in content
    assert "chưa có số liệu" in content  # a group without institutions: no data, not 0
    assert client.get("/en/ket-qua/", {"year": 2025}).status_code == 200


def test_the_results_page_is_answered_from_the_cache(client, year_of_work):  # noqa: F811
    client.get("/ket-qua/", {"year": 2025})
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ket-qua/", {"year": 2025}).status_code == 200
    assert len(queries) == 0


def test_the_results_page_says_a_bad_choice_and_shows_the_province(client, db):
    response = client.get("/ket-qua/", {"year": "1999", "area": "nowhere"})
    assert response.status_code == 400
    assert response.context["year"] == timezone.localdate().year - 1
    assert response.context["objectives"][0][1][0][0].area is None  # the province's figures
    assert 'role="alert"' in response.content.decode()


def test_a_stray_parameter_changes_nothing_and_is_not_kept(client, year_of_work):  # noqa: F811
    response = client.get("/ket-qua/", {"area": "443", "fbclid": "x1"})
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year - 1
    assert response.context["objectives"][0][1][0][0].area == "443"
    assert client.head("/ket-qua/").status_code == 200
    assert client.get("/du-lieu-mo/co-so.csv", {"year": "1999"}).status_code == 200  # no year to read


def test_open_indicators_are_the_commands_numbers_unrounded(client, admin_client, year_of_work):  # noqa: F811
    output = io.StringIO()
    call_command("indicators", "--year", "2025", "--area", "443", "--format", "json", stdout=output)
    printed = json.loads(output.getvalue())
    served = client.get("/du-lieu-mo/chi-so.json", {"year": 2025, "area": "443"}).json()
    assert served == printed
    dashboard = admin_client.get("/admin/statistics/", {"year": 2025, "area": "443"}).context["rows"]
    assert [(item["indicator"], item["group"], item["value"], item["on_track"]) for item in served] == [
        (row.indicator, row.group, None if row.value is None else float(row.value), row.on_track)
        for row, _chart in dashboard
    ]
    rows = read_csv(client.get("/du-lieu-mo/chi-so.csv", {"year": 2025, "area": "443"}))
    assert list(rows[0]) == COLUMNS["chi-so"]
    for line, item in zip(rows, served, strict=True):
        assert line["indicator"] == item["indicator"] and line["group"] == item["group"]
        for name in ("value", "growth", "average_growth", "target", "target_2030"):
            expected = item.get(name)
            assert (float(line[name]) if line[name] else None) == expected
    computed = {(row.indicator, row.group): row.value for row in compute(2025, None)}
    province = client.get("/du-lieu-mo/chi-so.json", {"year": 2025}).json()
    assert all(item["value"] == (None if computed[(item["indicator"], item["group"])] is None else
               float(computed[(item["indicator"], item["group"])])) for item in province)  # fmt: skip


def test_the_yearly_figures_are_the_reports(client, year_of_work):  # noqa: F811
    rows = {
        row["institution_code"]: row
        for row in read_csv(client.get("/du-lieu-mo/so-lieu-co-so.csv?year=2025"))
    }
    report = {line.pk: line for line in build(2025).institutions}
    library = report[year_of_work["library"].pk]
    assert rows["TV-1"]["sessions_held"] == str(library.sessions) == "4"
    assert rows["TV-1"]["attendance"] == str(library.attendance) == "60"
    assert rows["TV-1"]["visits_learning"] == "300" and rows["TV-1"]["visits_virtual"] == "300"
    assert rows["BT-1"]["visits_learning"] == "15000" and rows["BT-1"]["sessions_held"] == "0"
    assert rows["TV-2"]["attendance"] == "" and rows["TV-2"]["visits_learning"] == ""  # no data, not 0


def test_every_download_has_only_the_listed_columns_and_no_personal_data(client, year_of_work, frozen_now):  # noqa: F811
    event = publish(
        EventPageFactory(
            parent=year_of_work["library"],
            title="Lớp kỹ năng số",
            start=dt.datetime(2026, 12, 12, 8, 0, tzinfo=HANOI),
            registration_mode="required",
            capacity=5,
        )
    )
    register(
        event.sessions.first(), seats=1, name="Nguyễn Thị Lan", email="lan@example.com", phone="0912345678"
    )
    assert {slug: dataset.names for slug, dataset in DATASETS.items()} == COLUMNS
    for slug, columns in COLUMNS.items():
        assert not PERSONAL & set(columns)
        for fmt in ("csv", "json"):
            response = client.get(f"/du-lieu-mo/{slug}.{fmt}", {"year": 2026})
            assert response.status_code == 200, (slug, fmt)
            content = body(response).decode("utf-8")
            for secret in ("Nguyễn Thị Lan", "lan@example.com", "0912345678"):
                assert secret not in content
            if fmt == "csv":
                assert content.startswith("\ufeff") and content[1:].splitlines()[0].split(",") == columns
            else:
                items = json.loads(content)
                if slug == "chi-so":  # a share has no growth, a count no numerator: the others, in order
                    assert items and all(set(item) <= set(columns) for item in items)
                else:
                    assert all(list(item) == columns for item in items)


def test_csv_cells_that_look_like_formulas_stay_text(client, db):
    InstitutionPageFactory(code="TV-X", title='=HYPERLINK("http://x")', address="+84 phố", kind="library")
    rows = read_csv(client.get("/du-lieu-mo/co-so.csv"))
    line = next(row for row in rows if row["code"] == "TV-X")
    assert line["name"] == '\'=HYPERLINK("http://x")' and line["address"] == "'+84 phố"
    items = json.loads(body(client.get("/du-lieu-mo/co-so.json")))
    item = next(item for item in items if item["code"] == "TV-X")
    assert item["name"] == '=HYPERLINK("http://x")'  # JSON is read by programs: as it is


def test_a_year_of_sessions_streams_with_the_same_queries_however_many(client, year_of_work):  # noqa: F811
    def download() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/du-lieu-mo/buoi-hoat-dong.csv", {"year": 2025})
            assert response.streaming
            lines = body(response).decode("utf-8").splitlines()
        return len(lines) - 1, len(queries)

    download()  # the site and what routing reads are kept from the first request on
    few, queries_for_few = download()
    publish(
        EventPageFactory(
            parent=year_of_work["museum"], kind="talk", start=dt.datetime(2025, 1, 6, 9, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=40",
        )
    )  # fmt: skip
    many, queries_for_many = download()
    assert (few, many) == (4, 44)
    assert queries_for_many == queries_for_few
    rows = read_csv(client.get("/du-lieu-mo/buoi-hoat-dong.csv", {"year": 2025}))
    counted = [row["attendance"] for row in rows if row["institution_code"] == "TV-1"]
    assert sorted(counted) == ["", "20", "20", "20"]
    assert rows[0]["start"].endswith("+07:00")


def test_bad_parameters_get_a_clear_400(client, db):
    assert client.get("/du-lieu-mo/chi-so.csv", {"year": "20x5"}).status_code == 400
    response = client.get("/du-lieu-mo/chi-so.json", {"year": 2025, "area": "99999"})
    assert response.status_code == 400 and "99999" in response.content.decode()
    assert client.get("/du-lieu-mo/buoi-hoat-dong.xml").status_code == 404


def test_the_catalogue_is_json_ld_listing_every_download(client, year_of_work):  # noqa: F811
    response = client.get("/du-lieu-mo/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    expanded = jsonld.expand(json.loads(response.content))
    dcat = "http://www.w3.org/ns/dcat#"
    catalogue = expanded[0]
    assert catalogue["@type"] == [f"{dcat}Catalog"]
    datasets = catalogue[f"{dcat}dataset"]
    assert len(datasets) == len(DATASETS)
    for dataset in datasets:
        assert dataset["@type"] == [f"{dcat}Dataset"]
        urls = [d[f"{dcat}downloadURL"][0]["@id"] for d in dataset[f"{dcat}distribution"]]
        assert len(urls) == 2
        for url in urls:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_the_open_data_page_names_the_licence_and_each_download(client, db):
    content = client.get("/du-lieu-mo/").content.decode()
    assert "CC BY 4.0" in content and "https://creativecommons.org/licenses/by/4.0/" in content
    for slug in DATASETS:
        assert f"/du-lieu-mo/{slug}.csv" in content and f"/du-lieu-mo/{slug}.json" in content
    assert "<code>visits_learning</code>" in content
    assert client.get("/en/du-lieu-mo/").status_code == 200


def test_attendance_above_the_cap_is_left_out_as_the_statistics_do(client, year_of_work):  # noqa: F811
    session = year_of_work["library"].get_children().specific().first().sessions.order_by("start").last()
    Attendance.objects.create(session=session, attendees=5_000_000)
    rows = read_csv(client.get("/du-lieu-mo/buoi-hoat-dong.csv", {"year": 2025}))
    assert "5000000" not in [row["attendance"] for row in rows]
