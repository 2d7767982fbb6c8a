"""The plan's yearly report (the plan, section V): the printable page and the Word document say the
dashboard's figures for the same year and area, "no data" where nothing was recorded, and list exactly
what is missing and whose it is."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from wagtail.models import ModelLogEntry

from core.text import number
from events.models import Attendance
from institutions.models import AdministrativeUnit, ServiceRecord, VisitCount
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("portal_yearly_report", args=[2025])


@pytest.fixture
def year_of_work(db):
    """Two district libraries of Can Lộc (one without its 2025 service record), a museum with study visits
    in 2024 and 2025, and a club with sessions and a headcount."""
    can_loc = AdministrativeUnit.objects.for_code("443")
    counted = InstitutionPageFactory(
        code="TV-1",
        title="Thư viện huyện Can Lộc",
        kind="library",
        level="district",
        sector="public",
        unit=can_loc,
    )
    InstitutionPageFactory(
        code="TV-2",
        title="Thư viện huyện Đức Thọ",
        kind="library",
        level="district",
        sector="public",
        unit=can_loc,
    )
    museum = InstitutionPageFactory(code="BT-1", title="Bảo tàng Can Lộc", kind="museum", unit=can_loc)
    ServiceRecord.objects.create(
        institution=counted, year=2025, lifelong_learning_services=True, digital_transformation=True
    )
    for year, visits in [(2024, 1000), (2025, 1250)]:
        for month in range(1, 13):
            VisitCount.objects.create(
                institution=museum,
                date=dt.date(year, month, 1),
                period="month",
                purpose="learning",
                visits=visits,
            )
        VisitCount.objects.create(
            institution=counted, date=dt.date(year, 3, 2), purpose="learning", visits=300, channel="virtual"
        )
    club = publish(
        EventPageFactory(
            parent=counted,
            title="Câu lạc bộ đọc sách",
            kind="club",
            start=dt.datetime(2025, 3, 5, 19, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    )
    for session in club.sessions.all()[:3]:
        Attendance.objects.create(session=session, attendees=20)
    return {"library": counted, "museum": museum}


def docx_tables(content: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(content))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_the_word_report_says_the_dashboard_s_figures(admin_client, year_of_work):
    dashboard = admin_client.get(reverse("portal_statistics"), {"year": 2025, "area": "443"})
    rows = [row for row, _chart in dashboard.context["rows"]]
    response = admin_client.get(URL, {"area": "443", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-2025-443.docx"'
    tables = docx_tables(response.content)
    # Section I: one line per indicator across the objectives' tables (in the plan's order).
    indicator_lines = [line for table in tables[1:4] for line in table[1:]]
    assert len(indicator_lines) == len(rows) == 12
    by_name = {f"{row.label} – {row.group_label}": row for row in rows}
    assert sorted(line[0] for line in indicator_lines) == sorted(by_name)
    for line in indicator_lines:
        row = by_name[line[0]]
        if row.value is None:
            assert line[1] == "chưa có số liệu"
        elif row.kind == "percent":
            assert line[1] == f"{number(row.value)}% ({number(row.numerator)}/{number(row.denominator)})"
        else:
            assert line[1] == number(row.value)
    museum = next(row for row in rows if row.indicator == "museum_study_visits")
    assert museum.value == 15000 and museum.growth == 25
    museum_line = next(line for line in indicator_lines if line[0].startswith(museum.label))
    assert museum_line[1] == "15.000" and museum_line[2] == "+25,0%"
    # Groups without any institution say "no data", never 0.
    armed = next(line for line in indicator_lines if "lực lượng vũ trang" in line[0])
    assert armed[1] == "chưa có số liệu"
    # The coverage behind the shares, and the visits by purpose and channel.
    coverage = next(table for table in tables if table[0][0] == "Nhóm")
    assert coverage[1][1:] == ["2", "1", "1"]  # district public libraries: active, lifelong, IT
    visits = next(table for table in tables if table[0][0] == "Mục đích")
    assert visits[1][1:] == ["15.000", "300", "chưa có số liệu", "15.300"]
    # Each institution's figures.
    institutions = next(table for table in tables if table[0][0] == "Cơ sở" and len(table[0]) == 8)
    library = next(line for line in institutions if line[0] == "Thư viện huyện Can Lộc")
    assert library[3:] == ["4", "60", "300", "có", "có"]
    other = next(line for line in institutions if line[0] == "Thư viện huyện Đức Thọ")
    assert other[3:] == ["0", "chưa có số liệu", "chưa có số liệu", "chưa có số liệu", "chưa có số liệu"]
    assert ModelLogEntry.objects.filter(action="portal.yearly_report").count() == 1


def test_the_missing_data_names_exactly_the_institutions_without_a_service_record(admin_client, year_of_work):
    page = admin_client.get(URL, {"area": "443"})
    assert page.status_code == 200
    tables = docx_tables(admin_client.get(URL, {"area": "443", "format": "docx"}).content)
    missing = next(table for table in tables if table[0][-1] == "Còn thiếu")
    without_record = [line[0] for line in missing[1:] if "báo cáo dịch vụ" in line[2]]
    assert without_record == ["Thư viện huyện Đức Thọ"]
    gaps = {line[0]: line[2] for line in missing[1:] if "số lượt" in line[2]}
    assert "Bảo tàng Can Lộc" not in gaps  # counted every month
    assert gaps["Thư viện huyện Can Lộc"].endswith("01, 02, 04, 05, 06, 07, 08, 09, 10, 11, 12")
    html = page.content.decode()
    assert "Thư viện huyện Đức Thọ" in html and "<svg" in html and "chưa có số liệu" in html


def test_the_findings_are_read_off_the_figures(admin_client, year_of_work):
    html = admin_client.get(URL, {"area": "443"}).content.decode()
    assert "Lượt khách tham quan bảo tàng để nghiên cứu, học tập (tất cả bảo tàng)" in html
    assert "Tăng nhiều nhất so với 2024" in html


def test_the_command_writes_the_same_report(tmp_path, year_of_work):
    output = tmp_path / "bao-cao.docx"
    call_command(
        "yearly_report", "--year", "2025", "--area", "443", "--format", "docx", "--output", str(output)
    )
    tables = docx_tables(output.read_bytes())
    assert any(line[1] == "15.000" for table in tables for line in table)
