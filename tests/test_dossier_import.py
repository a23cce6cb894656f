"""Reading the one-stop export: good rows, bad rows with line numbers, statuses, phones, mappings."""

import io
import types
import unicodedata
from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.services.dossier_import import (
    BadRow,
    DossierImport,
    ImportFormatError,
    parse_date,
    parse_datetime,
    parse_money,
    read_text,
)
from bot.services.dossier_model import DossierStatus
from bot.services.workdays import ProcessingTime, WorkCalendar

FIXTURES = Path(__file__).parent / "fixtures"
S = DossierStatus

# What the knowledge base would answer: 2.000908 (chứng thực) is same-day with a 15:00 cut-off.
PROCESSING_TIMES = {"2.000908": (0, "same_day"), "1.001193": (3, "working_days")}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def run(source, cal, **kwargs):
    reader = DossierImport(source, calendar=cal, processing_time_for=PROCESSING_TIMES.get, **kwargs)
    dossiers = {d.code: d for d in reader}
    return reader, dossiers


# ---------------------------------------------------------------- CSV fixture


def test_csv_fixture_good_rows(cal):
    reader, dossiers = run(FIXTURES / "dossiers_export.csv", cal)
    assert list(dossiers) == [
        "H12.01-260105-0001",
        "H12.01-260105-0002",
        "H12.01-260107-0005",
        "H12.01-260107-0006",
        "H12.01-260108-0008",
        "H12.01-260108-0009",
    ]
    assert reader.rows_seen == 10  # records, not physical lines (one record spans two)

    first = dossiers["H12.01-260105-0001"]
    assert first.status is S.DA_TRA_KET_QUA  # status given as the number 10
    assert first.phone == "0912345678"  # from "+84 912 345 678"
    assert first.received_at == datetime(2026, 1, 5, 8, 30)
    assert first.appointment_date == date(2026, 1, 6)
    assert first.finished_at == datetime(2026, 1, 6, 10, 0)
    assert first.procedure_name == "Đăng ký khai sinh" and first.field == "Hộ tịch"
    assert first.result_location == "Quầy số 1, Trung tâm Phục vụ hành chính công xã"  # quoted comma

    # Lower-case code normalised; status by name; no appointment in the file, so it is
    # computed from the procedure's same-day time: received Mon 05/01 16:10, after 15:00 → Tue 06/01.
    second = dossiers["H12.01-260105-0002"]
    assert second.status is S.DA_XU_LY_XONG
    assert second.phone == "0987654321"
    assert second.appointment_date == date(2026, 1, 6)
    assert reader.appointments_computed == 1

    # Status by unaccented name; the missing-papers cell spans two physical lines.
    fifth = dossiers["H12.01-260107-0005"]
    assert fifth.status is S.YEU_CAU_BO_SUNG
    assert fifth.missing_documents == "Bản sao CCCD của hai bên\nGiấy xác nhận tình trạng hôn nhân"
    assert fifth.phone == "0351234567"  # "84 035-123-4567"

    sixth = dossiers["H12.01-260107-0006"]
    assert sixth.status is S.YEU_CAU_NGHIA_VU_TAI_CHINH
    assert sixth.fee_due == 150_000  # "150.000 đ"
    assert sixth.phone is None  # "12345" is not a phone number: loaded, with a warning

    eighth = dossiers["H12.01-260108-0008"]
    assert eighth.status is S.DA_TRA_KET_QUA  # "Da tra ket qua"
    assert eighth.received_at == datetime(2026, 1, 8, 9, 15)  # ISO
    assert eighth.finished_at == datetime(2026, 1, 9, 8, 0)  # ISO with +07:00, made naive
    assert eighth.phone == "0381234567"  # old 0168 prefix

    ninth = dossiers["H12.01-260108-0009"]
    assert ninth.appointment_date is None and ninth.phone is None and ninth.field == ""


def test_csv_fixture_bad_rows_with_line_numbers_and_reasons(cal):
    reader, _ = run(FIXTURES / "dossiers_export.csv", cal)
    assert [b.line_number for b in reader.bad_rows] == [4, 5, 6, 10]
    reasons = {b.line_number: b.reason for b in reader.bad_rows}
    assert reasons[4].startswith("ngày tiếp nhận không hợp lệ: '31/02/2026' (dùng dd/mm/yyyy")
    assert reasons[5].startswith("trạng thái không rõ: 'Đang chờ ký'")
    assert reasons[6] == "thiếu mã hồ sơ"
    # Line 10, not 9: the quoted cell on line 7 spans two lines, and people count both.
    assert reasons[10].startswith("ngày hẹn trả không hợp lệ: '2026-13-01'")
    # Loaded with a caveat: the unusable phone (reason never repeats it) and the missing appointment.
    assert [w.line_number for w in reader.warnings] == [9, 12]
    assert "12345" not in reader.warnings[0].reason
    assert "9.999999" in reader.warnings[1].reason


# ---------------------------------------------------------------- JSON fixture


def test_json_fixture(cal):
    reader, dossiers = run(FIXTURES / "dossiers_export.json", cal)
    assert list(dossiers) == [
        "H12.01-260105-0101",
        "H12.01-260105-0102",
        "H12.01-260107-0105",
        "H12.01-260107-0106",
    ]
    assert dossiers["H12.01-260105-0101"].status is S.DA_TRA_KET_QUA  # JSON number 10
    assert dossiers["H12.01-260105-0101"].phone == "0912345678"
    second = dossiers["H12.01-260105-0102"]
    assert second.status is S.DA_XU_LY_XONG
    assert second.appointment_date == date(2026, 1, 6)  # null → computed, received 16:10
    assert second.finished_at == datetime(2026, 1, 6)
    assert dossiers["H12.01-260107-0105"].phone == "0351234567"
    assert dossiers["H12.01-260107-0106"].fee_due == 150_000  # JSON number
    # Each bad object is reported at the line where it starts.
    assert [(b.line_number, b.reason.split(":")[0]) for b in reader.bad_rows] == [
        (27, "ngày tiếp nhận không hợp lệ"),
        (33, "trạng thái không rõ"),
        (40, "thiếu mã hồ sơ"),
        (60, "phần tử không phải một đối tượng JSON {...}"),
    ]


def test_json_lines_and_broken_json(cal):
    text = (
        '{"Mã hồ sơ": "A1", "Trạng thái": 2, "Ngày tiếp nhận": "02/03/2026", "Ngày hẹn trả": "05/03/2026"}\n'
        "\n"
        '{"Mã hồ sơ": "A2", "Trạng thái": 2,\n'
        '{"code": "A3", "status": "Đang xử lý", "received_at": "2026-03-02",'
        ' "appointment_date": "2026-03-05"}\n'
    )
    reader = read_text(text)
    assert [d.code for d in reader] == ["A1", "A3"]  # our own field names work as keys too
    assert [b.line_number for b in reader.bad_rows] == [3]

    broken = '[\n {"Mã hồ sơ": "B1", "Trạng thái": 2, "Ngày tiếp nhận": "02/03/2026"},\n {"Mã hồ sơ": \n]'
    reader = read_text(broken, fmt="json")
    assert [d.code for d in reader] == ["B1"]  # rows before the damage still load
    assert reader.bad_rows[0].line_number == 4 and "dừng đọc" in reader.bad_rows[0].reason


# ---------------------------------------------------------------- mapping and format


def test_custom_column_mapping_and_semicolon_delimiter(cal):
    text = (
        "Số biên nhận;Ngày nhận;Tình trạng hồ sơ;ĐT liên hệ;Hạn trả;Ghi chú\n"
        "X-1;02/03/2026 08:00;Đang xử lý;0912 345 678;05/03/2026;không in ra\n"
    )
    columns = {
        "code": "Số biên nhận",
        "received_at": "Ngày nhận",
        "status": "Tình trạng hồ sơ",
        "phone": ["ĐT liên hệ", "Điện thoại"],
        "appointment_date": "Hạn trả",
        "note": None,  # ignore this column
    }
    reader = read_text(text, columns=columns, fmt="csv")
    (d,) = list(reader)
    assert (d.code, d.status, d.phone, d.appointment_date, d.note) == (
        "X-1", S.DANG_XU_LY, "0912345678", date(2026, 3, 5), None,
    )  # fmt: skip
    with pytest.raises(ValueError):
        DossierImport(io.StringIO(text), columns={"nonsense": "X"})


def test_headers_match_without_case_or_diacritics_and_with_bom(cal):
    text = "\ufeffMÃ HỒ SƠ,ngay tiep nhan,Trạng Thái,Ngày hẹn trả\nC1,02/03/2026,9,03/03/2026\n"
    assert [d.code for d in read_text(text)] == ["C1"]


def test_missing_required_column_stops_with_a_clear_message():
    with pytest.raises(ImportFormatError) as info:
        list(read_text("Mã hồ sơ,Ngày tiếp nhận\nC1,02/03/2026\n"))
    assert "trạng thái" in str(info.value)


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "cp1258.csv"
    # "Đang xử lý" in the Windows Vietnamese code page (cp1258) is not valid UTF-8.
    path.write_bytes(b"Ma ho so,Ngay tiep nhan,Trang thai\nC1,02/03/2026,\xd0ang x\xfd l\xfd\n")
    with pytest.raises(ImportFormatError) as info:
        list(DossierImport(path))
    assert "UTF-8" in str(info.value)


def test_extra_cells_duplicates_counts_and_nfd_text(cal):
    nfd_name = unicodedata.normalize("NFD", "Hộ tịch")
    text = (
        "Mã hồ sơ,Ngày tiếp nhận,Trạng thái,Lĩnh vực,Số ngày chờ bổ sung,Số lần yêu cầu bổ sung\n"
        f"D1,02/03/2026,4,{nfd_name},2,1\n"
        "D2,02/03/2026,4,Hộ tịch,1,1,thừa\n"
        "D1,03/03/2026,9,Hộ tịch,,\n"
        "D3,02/03/2026,4,Hộ tịch,-1,hai\n"
        "D4,02/03/2026,4,Hộ tịch,,,\n"  # a trailing empty cell from a spreadsheet is fine
    )
    reader = read_text(text)
    dossiers = list(reader)
    assert [d.code for d in dossiers] == ["D1", "D1", "D4"]
    assert dossiers[0].field == "Hộ tịch"  # NFD from the file, NFC in the record
    assert (dossiers[0].waiting_days, dossiers[0].supplement_requests) == (2, 1)
    assert [b.line_number for b in reader.bad_rows] == [3, 5]
    assert "thừa dấu phân cách" in reader.bad_rows[0].reason
    assert reader.bad_rows[1].reason.count("số nguyên không âm") == 2  # every problem, in one reason
    assert any(w.line_number == 4 and "dòng 2" in w.reason for w in reader.warnings)


def test_processing_time_with_own_cutoff(cal):
    text = (
        "Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Trạng thái\n"
        "E1,1.0,10/03/2026 11:30,2\n"
        "E2,2.0,10/03/2026 11:30,2\n"
    )
    lookup = {"1.0": ProcessingTime(0, "same_day", time(11, 0)), "2.0": (2, "days")}.get
    reader = DossierImport(io.StringIO(text), calendar=cal, processing_time_for=lookup)
    got = {d.code: d.appointment_date for d in reader}
    assert got == {"E1": date(2026, 3, 11), "E2": date(2026, 3, 12)}


def test_reader_streams(cal):
    rows = "".join(f"S{i},02/03/2026 08:00,4,05/03/2026\n" for i in range(5000))
    reader = read_text("Mã hồ sơ,Ngày tiếp nhận,Trạng thái,Ngày hẹn trả\n" + rows)
    iterator = iter(reader)
    assert isinstance(iterator, types.GeneratorType)
    assert next(iterator).code == "S0" and reader.rows_seen == 1  # one row read, not the whole file
    assert sum(1 for _ in iterator) == 4999


# ---------------------------------------------------------------- value parsers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2026", datetime(2026, 1, 5)),
        ("5/1/2026", datetime(2026, 1, 5)),
        ("05-01-2026", datetime(2026, 1, 5)),
        ("05/01/2026 08:30", datetime(2026, 1, 5, 8, 30)),
        ("05/01/2026 08:30:15", datetime(2026, 1, 5, 8, 30, 15)),
        ("08:30 05/01/2026", datetime(2026, 1, 5, 8, 30)),
        ("08h30 05/01/2026", datetime(2026, 1, 5, 8, 30)),
        ("2026-01-05", datetime(2026, 1, 5)),
        ("2026-01-05T08:30:00", datetime(2026, 1, 5, 8, 30)),
        ("2026-01-05T01:30:00Z", datetime(2026, 1, 5, 8, 30)),  # UTC → Vietnam time
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "01/05/26", "hôm qua", "05/01/2026 25:00"])
def test_parse_datetime_rejects(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_parse_date_and_money():
    assert parse_date("16:00 20/03/2026") == date(2026, 3, 20)
    assert [parse_money(t) for t in ("150000", "150.000", "1,500,000 đ", "150.000 VNĐ", "0")] == [
        150_000, 150_000, 1_500_000, 150_000, 0,
    ]  # fmt: skip
    for bad in ("-150", "1,5", "mười nghìn"):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_bad_row_shape():
    assert BadRow(4, "x") == BadRow(line_number=4, reason="x")


def test_caller_mapping_wins_over_default_headers():
    # "Số hồ sơ" is a default header for the code; this product uses it for something else.
    text = "Mã biên nhận,Số hồ sơ,Ngày tiếp nhận,Trạng thái\nK1,42,02/03/2026,2\n"
    (d,) = list(read_text(text, columns={"code": "Mã biên nhận", "note": "Số hồ sơ"}))
    assert (d.code, d.note) == ("K1", "42")
