"""Random input never breaks the portal: query strings to every public listing, feed and API, and random
rows to every importer — no server error, no partial write, a message for each rejection."""

import datetime as dt
import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Attendance, EventPage
from institutions.importing import importers
from institutions.models import InstitutionPage, ServiceRecord, VisitCount
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
PARAMETERS = [
    "q",
    "from",
    "to",
    "kind",
    "audience",
    "topic",
    "campaign",
    "institution",
    "institution_kind",
    "area",
    "free",
    "level",
    "sector",
    "page",
    "page_size",
    "view",
    "month",
    "include_cancelled",
    "export",
    "limit",
]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(
        ["", "0", "-1", "1", "9" * 30, "2026-02-30", "2026-12", "443", "443@2025-06-30", "club", "\x00"]
    ),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), TEXT), st.lists(VALUES, max_size=3), max_size=6
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def public_urls():
    return [
        "/",
        "/co-so/",
        "/lich-hoat-dong/",
        reverse("institutions:api-list"),
        reverse("events:api-sessions"),
        reverse("events:feed"),
        reverse("events:institution-feed", args=["FUZZ"]),
        reverse("widget", args=["FUZZ"]),
    ]


@pytest.fixture
def fuzz_institution(db):
    return InstitutionPageFactory(code="FUZZ")


@pytest.mark.parametrize("url", public_urls())
@FUZZ
@given(query=QUERIES)
def test_random_query_strings_never_cause_a_server_error(client, fuzz_institution, url, query):
    response = client.get(url, query)
    assert response.status_code in (200, 304, 400, 404), (url, query)


CSV_CELLS = st.one_of(
    TEXT.filter(lambda text: "\n" not in text and "\r" not in text),
    st.sampled_from(
        ["FUZZ", "2025", "2025-03-01", "2025-03", "learning", "onsite", "1", "có", "-5", "library"]
    ),
)


@pytest.mark.parametrize("kind", ["institutions", "attendance", "visits", "services"])
@FUZZ
@given(
    rows=st.lists(st.lists(CSV_CELLS, min_size=1, max_size=16), min_size=1, max_size=5),
    header_cut=st.integers(0, 3),
)
def test_random_rows_are_rejected_cleanly_or_imported_whole(fuzz_institution, kind, rows, header_cut):
    importer_class = importers()[kind]
    header = list(importer_class.required_columns + importer_class.optional_columns)
    header = header[: len(header) - header_cut] if header_cut < len(header) else header
    lines = [",".join(header)] + [
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows
    ]
    before = counts()
    report = importer_class().run(("\n".join(lines) + "\n").encode())
    if not report.ok:
        assert counts() == before  # nothing was written
        assert all(error.message and error.line >= 1 for error in report.errors)


def counts():
    return (
        InstitutionPage.objects.count(),
        EventPage.objects.count(),
        Attendance.objects.count(),
        VisitCount.objects.count(),
        ServiceRecord.objects.count(),
    )


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_as_a_calendar_are_refused_cleanly(fuzz_institution, data):
    report = importers()["events"](institution="FUZZ").run(data)
    assert not report.ok or EventPage.objects.exists()
    if not report.ok:
        assert not EventPage.objects.exists()


def test_printable_garbage_in_every_parameter(client, fuzz_institution):
    garbage = string.punctuation + "ðŁ€\u202e"
    for url in public_urls():
        response = client.get(url, dict.fromkeys(PARAMETERS, garbage))
        assert response.status_code in (200, 400, 404), url


EXTREME = [
    ("/api/v1/sessions", {"from": "0001-01-01"}),
    ("/api/v1/sessions", {"to": "9999-12-31"}),
    ("/feeds/events.ics", {"from": "0001-01-01", "to": "0001-12-31"}),
    ("/feeds/events.ics", {"from": "9999-01-01", "to": "9999-12-31"}),
    ("/feeds/institutions/FUZZ.ics", {"from": "0001-01-01"}),
]


@pytest.mark.parametrize("url,query", EXTREME)
def test_dates_outside_the_supported_range_are_a_400_with_the_field_s_message(
    client, fuzz_institution, url, query
):
    response = client.get(url, query)
    assert response.status_code == 400
    assert "01/01/1900" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"view": "month", "month": "9999-12"},
        {"view": "month", "month": "0001-01"},
    ],
)
def test_the_listing_explains_dates_outside_the_supported_range(client, fuzz_institution, query):
    response = client.get("/lich-hoat-dong/", query)
    assert response.status_code == 200
    content = response.content.decode()
    assert "1900" in content and "2200" in content


def test_an_event_id_beyond_64_bits_is_not_found(client, db):
    assert client.get("/feeds/events/999999999999999999999.ics").status_code == 404
    assert client.get("/feeds/events/9223372036854775807.ics").status_code == 404


ANY_DAY = st.one_of(
    st.dates(),
    st.dates(max_value=dt.date(2, 12, 31)),  # the edges of Python's dates, where local time overflows
    st.dates(min_value=dt.date(9998, 1, 1)),
    st.sampled_from([dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(2200, 12, 31), dt.date(2201, 1, 1)]),
)
DATES = ANY_DAY.map(lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}")
MONTHS = ANY_DAY.map(lambda day: f"{day.year:04d}-{day.month:02d}")
INTEGERS = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64), st.sampled_from([2**63 - 1, 2**63, 2**64, -(2**63)])
).map(str)


@pytest.mark.parametrize("url", public_urls())
@FUZZ
@given(first=DATES, last=DATES, month=MONTHS, page=INTEGERS, page_size=INTEGERS)
def test_any_date_and_any_64_bit_integer_never_cause_a_server_error(
    client, fuzz_institution, url, first, last, month, page, page_size
):
    query = {"from": first, "to": last, "view": "month", "month": month, "page": page, "page_size": page_size}
    response = client.get(url, query)
    assert response.status_code in (200, 304, 400, 404), (url, query)
    response = client.get(url, {"from": first, "to": last})
    assert response.status_code in (200, 304, 400), (url, first, last)


@FUZZ
@given(number=st.integers(min_value=0, max_value=2**70))
def test_any_event_id_in_a_feed_address_is_answered(client, fuzz_institution, number):
    assert client.get(f"/feeds/events/{number}.ics").status_code == 404
