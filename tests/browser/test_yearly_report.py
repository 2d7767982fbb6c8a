"""The yearly report as the district's statistics officer makes it: the printable page passes axe and the
Nu HTML Checker, and the Word document opens in LibreOffice (Debian's, headless), which converts it to a
PDF with the report's title on page 1."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import log_in, require
from .test_registration_journeys import valid

pytestmark = pytest.mark.browser

REPORT = "/admin/statistics/bao-cao/2025/?area=443"


def test_the_officer_makes_the_yearly_report_and_prints_it(page, site, axe, vnu, tmp_path):
    log_in(page, site, "officer")
    page.goto(site.url + "/admin/statistics/?year=2025&area=443")
    page.get_by_role("link", name="Báo cáo năm 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BÁO CÁO")
    expect(page.locator("main")).to_contain_text("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU CỦA KẾ HOẠCH")
    assert page.locator("svg[role=img]").count() >= 2
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.request.get(site.url + REPORT).text())


def test_libreoffice_opens_the_word_report(page, site, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    require(
        shutil.which("pdftotext") is not None, "pdftotext is not installed (apt-get install poppler-utils)"
    )
    log_in(page, site, "officer")
    response = page.request.get(site.url + REPORT + "&format=docx")
    assert response.status == 200
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(response.body())
    converted = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert converted.returncode == 0 and pdf.exists(), converted.stderr
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(first_page.split())
    assert "BÁO CÁO" in words and "Quyết định 1520/QĐ-TTg" in words and "năm 2025" in words
