import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Revision

from institutions.importers import InstitutionImporter
from institutions.models import InstitutionPage

pytestmark = pytest.mark.django_db

HEADER = (
    "code,name,kind,level,sector,unit_code,address,latitude,longitude,phone,email,website,opened_on,closed_on"
)
GOOD_ROWS = [
    "TV-CL,Thư viện huyện Can Lộc,library,district,public,443,Thị trấn Nghèn,18.44,105.77,0239 3855 111,"
    "tvcl@example.vn,https://tvcl.example.vn,2001-05-19,",
    'BT-ND,"Khu lưu niệm Nguyễn Du, Tiên Điền",museum,province,public,18373,"Thôn Tiên Điền, xã Tiên Điền"'
    ",,,,,,,",
]


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def run(data: bytes, **kwargs):
    with translation.override("en"):
        return InstitutionImporter().run(data, **kwargs)


def test_good_file_creates_published_pages_under_the_directory(directory):
    report = run(csv_bytes(*GOOD_ROWS))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    library = InstitutionPage.objects.get(code="TV-CL")
    assert library.live
    assert library.get_parent().pk == directory.pk
    assert library.title == "Thư viện huyện Can Lộc"
    assert library.unit.name == "Can Lộc"
    assert str(library.latitude) == "18.440000"
    assert library.opened_on.isoformat() == "2001-05-19"
    assert library.slug == "thu-vien-huyen-can-loc"
    museum = InstitutionPage.objects.get(code="BT-ND")
    assert museum.title == "Khu lưu niệm Nguyễn Du, Tiên Điền"
    assert museum.latitude is None
    assert museum.unit.name == "Tiên Điền"


def test_importing_the_same_file_twice_changes_nothing():
    data = csv_bytes(*GOOD_ROWS)
    run(data)
    revisions = Revision.objects.count()
    report = run(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Revision.objects.count() == revisions


def test_a_changed_row_updates_the_page_and_publishes_a_revision():
    run(csv_bytes(*GOOD_ROWS))
    changed = GOOD_ROWS[0].replace("Thị trấn Nghèn", '"Khối 6, thị trấn Nghèn"')
    report = run(csv_bytes(changed, GOOD_ROWS[1]))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    library = InstitutionPage.objects.get(code="TV-CL")
    assert library.address == "Khối 6, thị trấn Nghèn"
    assert library.live_revision.content["address"] == "Khối 6, thị trấn Nghèn"


def test_columns_missing_from_the_file_are_left_as_they_are():
    run(csv_bytes(*GOOD_ROWS))
    short_header = "code,name,kind,level,sector,unit_code"
    report = run(csv_bytes("TV-CL,Thư viện huyện Can Lộc,library,district,public,443", header=short_header))
    assert report.unchanged == 1
    assert InstitutionPage.objects.get(code="TV-CL").phone == "0239 3855 111"


def test_file_with_a_byte_order_mark_imports():
    report = run(csv_bytes(*GOOD_ROWS, bom=True))
    assert report.ok
    assert report.created == 2


def test_dry_run_reports_and_writes_nothing():
    report = run(csv_bytes(*GOOD_ROWS), dry_run=True)
    assert report.ok
    assert report.created == 2
    assert not InstitutionPage.objects.exists()


BAD_ROWS = [
    ("X1,Thư viện,libary,district,public,443,,,,,,,,", "kind"),
    ("X2,Thư viện,library,county,public,443,,,,,,,,", "level"),
    ("X3,Thư viện,library,district,private,443,,,,,,,,", "sector"),
    ("X4,Thư viện,library,district,public,99999,,,,,,,,", "unit_code"),
    ("X5,Thư viện,library,district,public,443,,95,105,,,,,", "latitude"),
    ("X6,Thư viện,library,district,public,443,,18.4,,,,,,", "longitude"),
    ("X7,Thư viện,library,district,public,443,,,,,not-an-email,,,", "email"),
    ("X8,Thư viện,library,district,public,443,,,,,,,19/05/2001,", "opened_on"),
    ("X9,Thư viện,library,district,public,443,,,,,,,2020-01-01,2019-01-01", "closed_on"),
    ("X10,,library,district,public,443,,,,,,,,", "name"),
    ("X 11,Thư viện,library,district,public,443,,,,,,,,", "code"),
    ("X12,Thư viện,library,district,public", "5 cells where the header has 14"),
    ("X13,Thư viện,library,district,public,443,,abc,105,,,,,", "latitude"),
]


@pytest.mark.parametrize("row, reason", BAD_ROWS, ids=[reason for _row, reason in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(row, reason):
    report = run(csv_bytes(GOOD_ROWS[0], row, GOOD_ROWS[1]))
    assert not report.ok
    assert [error.line for error in report.errors] == [3]
    assert reason in str(report.errors[0])
    with translation.override("en"):
        assert str(report.errors[0]).startswith("line 3: ")
    assert not InstitutionPage.objects.exists()


def test_every_bad_row_is_reported_not_only_the_first():
    report = run(csv_bytes(BAD_ROWS[0][0], GOOD_ROWS[0], BAD_ROWS[1][0]))
    assert [error.line for error in report.errors] == [2, 4]


def test_a_code_twice_in_one_file_is_an_error_on_the_second_line():
    report = run(csv_bytes(GOOD_ROWS[0], GOOD_ROWS[0]))
    assert [error.line for error in report.errors] == [3]
    assert "line 2" in report.errors[0].message


def test_row_errors_read_in_vietnamese_by_default():
    report = InstitutionImporter().run(csv_bytes(GOOD_ROWS[0], BAD_ROWS[3][0]))
    assert str(report.errors[0]) == "dòng 3: unit_code: Không có đơn vị hành chính nào có mã “99999”."


def test_a_quoted_cell_with_a_line_break_keeps_later_line_numbers_right():
    multiline = 'Y1,"Nhà văn hóa\nthôn Yên Lạc",cultural_centre,village,community,18406,,,,,,,,'
    report = run(csv_bytes(multiline, BAD_ROWS[0][0]))
    assert [error.line for error in report.errors] == [4]


def test_missing_columns_are_reported_on_line_one():
    report = run(csv_bytes("TV-CL,Thư viện", header="code,name"))
    assert [error.line for error in report.errors] == [1]
    assert "kind" in report.errors[0].message


def test_unknown_columns_are_reported():
    report = run(csv_bytes("TV-CL,Thư viện,library,district,public,443,1", header=HEADER[:47] + ",colour"))
    assert [error.line for error in report.errors] == [1]


def test_a_file_that_is_not_utf8_is_refused():
    data = HEADER.encode() + "\nTV-CL,Thư,library,district,public,443\n".encode("cp1258")
    report = run(data)
    assert not report.ok
    assert "UTF-8" in report.errors[0].message


def test_an_empty_file_is_refused():
    assert not run(b"").ok


def test_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "institutions.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    call_command("import_data", "institutions", str(path))
    assert InstitutionPage.objects.count() == 2


def test_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "institutions.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    call_command("import_data", "institutions", str(path), "--dry-run")
    assert not InstitutionPage.objects.exists()


def test_command_fails_with_every_row_error_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "institutions.csv"
    path.write_bytes(csv_bytes(BAD_ROWS[0][0], GOOD_ROWS[0], BAD_ROWS[3][0]))
    with pytest.raises(CommandError):
        call_command("import_data", "institutions", str(path))
    err = capsys.readouterr().err
    assert "2:" in err and "4:" in err
    assert not InstitutionPage.objects.exists()


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_data", "institutions", str(tmp_path / "missing.csv"))


def test_an_unpublished_institution_is_updated_but_stays_unpublished():
    run(csv_bytes(*GOOD_ROWS))
    library = InstitutionPage.objects.get(code="TV-CL")
    library.unpublish()
    changed = GOOD_ROWS[0].replace("Thị trấn Nghèn", "Khối 7")
    assert run(csv_bytes(changed)).updated == 1
    library.refresh_from_db()
    assert not library.live
    assert library.address == "Khối 7"
    assert run(csv_bytes(changed)).unchanged == 1


def test_updating_a_page_with_unpublished_changes_warns_and_keeps_them_in_history():
    run(csv_bytes(*GOOD_ROWS))
    library = InstitutionPage.objects.get(code="TV-CL")
    library.accessibility = "Có lối đi cho xe lăn"
    draft = library.save_revision()
    report = run(csv_bytes(GOOD_ROWS[0].replace("Thị trấn Nghèn", "Khối 7")))
    assert report.updated == 1
    assert [warning.line for warning in report.warnings] == [2]
    assert "TV-CL" in report.warnings[0].message
    library.refresh_from_db()
    assert library.address == "Khối 7"
    assert Revision.objects.filter(pk=draft.pk).exists()
