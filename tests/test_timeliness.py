"""The timeliness KPI on a hand-made set of dossiers, whose right answer is worked out below.

Period: 01/03/2026 – Fri 27/03/2026 (as_of). March 2026 has no public holiday,
so only weekends are off: Sat/Sun 07–08, 14–15, 21–22, 28–29.
"""

import io
import random
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime

import pytest

from bot.services.dossier_model import (
    Dossier,
    DossierStatus,
    UnknownStatusError,
    mask_name,
    parse_status,
    split_status_prefix,
    with_status,
)
from bot.services.report_chart import render_chart
from bot.services.timeliness import (
    Bucket,
    TimelinessCounts,
    classify,
    compute_report,
    deadline_info,
    due_date,
    render_report_text,
)
from bot.services.workdays import WorkCalendar

S = DossierStatus
AS_OF = date(2026, 3, 27)
START = date(2026, 3, 1)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def dossier(
    code: str,
    field: str,
    received: datetime,
    appointment: date | None,
    status: DossierStatus,
    finished: datetime | None = None,
    *,
    changed: datetime | None = None,
    waiting: int = 0,
    supplements: int = 0,
) -> Dossier:
    return Dossier(
        code=code,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field=field,
        applicant_name="Nguyễn Văn An",
        phone="0912345678",
        received_at=received,
        appointment_date=appointment,
        status=status,
        status_changed_at=changed or finished,
        finished_at=finished,
        waiting_days=waiting,
        supplement_requests=supplements,
    )


HT, CT, DD = "Hộ tịch", "Chứng thực", "Đất đai"

# (dossier, the bucket worked out by hand)
CASES: list[tuple[Dossier, Bucket | None]] = [
    # D1 finished Mon 02/03, appointment Tue 03/03: a day early → before.
    (dossier("D1", HT, datetime(2026, 3, 2, 9), date(2026, 3, 3), S.DA_TRA_KET_QUA, datetime(2026, 3, 2, 15)),
     Bucket.BEFORE),
    # D2 finished on the appointment day Wed 04/03 → on time.
    (dossier("D2", HT, datetime(2026, 3, 2, 9), date(2026, 3, 4), S.DA_XU_LY_XONG, datetime(2026, 3, 4, 16)),
     Bucket.ON_TIME),
    # D3 appointment Thu 05/03, finished Mon 09/03 → late.
    (dossier("D3", HT, datetime(2026, 3, 3, 9), date(2026, 3, 5), S.DA_XU_LY_XONG, datetime(2026, 3, 9, 8)),
     Bucket.LATE),
    # D4 appointment Thu 05/03 but 3 working days waiting for papers push the deadline to
    # Fri 06 (1), Mon 09 (2), Tue 10 (3) = 10/03. Finished Mon 09/03 → before (not late).
    (dossier("D4", HT, datetime(2026, 3, 2, 9), date(2026, 3, 5), S.DA_TRA_KET_QUA, datetime(2026, 3, 9, 8),
             waiting=3, supplements=1),
     Bucket.BEFORE),
    # D5 finished early (04/03 < 05/03 + 1 = 06/03) but papers were requested twice → late.
    (dossier("D5", HT, datetime(2026, 3, 2, 9), date(2026, 3, 5), S.DA_XU_LY_XONG, datetime(2026, 3, 4, 8),
             waiting=1, supplements=2),
     Bucket.LATE),
    # D6 same-day procedure received Wed 04/03 16:00, after the cut-off → appointment Thu 05/03;
    # finished Thu 05/03 → on time.
    (dossier("D6", CT, datetime(2026, 3, 4, 16), date(2026, 3, 5), S.DA_XU_LY_XONG, datetime(2026, 3, 5, 10)),
     Bucket.ON_TIME),
    # D7 stopped ("Dừng xử lý" = the office's refusal after review) on 11/03, appointment 12/03 → before.
    (dossier("D7", CT, datetime(2026, 3, 10, 9), date(2026, 3, 12), S.DUNG_XU_LY, datetime(2026, 3, 11, 9)),
     Bucket.BEFORE),
    # D8 withdrawn by the citizen: counted apart, not judged.
    (dossier("D8", CT, datetime(2026, 3, 9, 9), date(2026, 3, 13), S.RUT_HO_SO, datetime(2026, 3, 12, 9)),
     Bucket.WITHDRAWN),
    # D9 refused at intake (never received, no appointment): counted apart.
    (dossier("D9", DD, datetime(2026, 3, 5, 9), None, S.KHONG_DUOC_TIEP_NHAN,
             changed=datetime(2026, 3, 5, 10)),
     Bucket.NOT_ACCEPTED),
    # D10 in progress, appointment Mon 30/03 ≥ 27/03 → within the deadline.
    (dossier("D10", DD, datetime(2026, 3, 2, 9), date(2026, 3, 30), S.DANG_XU_LY), Bucket.OPEN_WITHIN),
    # D11 in progress, appointment Wed 25/03 < 27/03 → past the deadline.
    (dossier("D11", DD, datetime(2026, 3, 2, 9), date(2026, 3, 25), S.DANG_XU_LY), Bucket.OPEN_OVERDUE),
    # D12 waiting for the citizen's papers since 16/03 → paused (its deadline is moving).
    (dossier("D12", DD, datetime(2026, 3, 9, 9), date(2026, 3, 20), S.YEU_CAU_BO_SUNG,
             changed=datetime(2026, 3, 16, 9), supplements=1),
     Bucket.PAUSED),
    # D13 appointment Thu 26/03 (already past), but 2 waiting days → Fri 27 (1), Mon 30 (2) → within.
    (dossier("D13", DD, datetime(2026, 3, 3, 9), date(2026, 3, 26), S.DANG_XU_LY, waiting=2, supplements=1),
     Bucket.OPEN_WITHIN),
    # D14 finished 20/02, before the period → not in this report.
    (dossier("D14", HT, datetime(2026, 2, 10, 9), date(2026, 2, 24), S.DA_XU_LY_XONG,
             datetime(2026, 2, 20, 9)),
     None),
    # D15 received 30/03, after as_of → not in this report.
    (dossier("D15", HT, datetime(2026, 3, 30, 9), date(2026, 4, 2), S.DANG_XU_LY), None),
    # D16 finished 30/03, after as_of: on 27/03 it was still open, past its appointment 20/03.
    (dossier("D16", HT, datetime(2026, 3, 16, 9), date(2026, 3, 20), S.DA_TRA_KET_QUA,
             datetime(2026, 3, 30, 9)),
     Bucket.OPEN_OVERDUE),
    # D17 registered online, not yet received → awaiting intake.
    (dossier("D17", CT, datetime(2026, 3, 26, 9), None, S.MOI_DANG_KY), Bucket.AWAITING_INTAKE),
    # D18 finished but the export had no appointment date → incomplete, not guessed.
    (dossier("D18", "", datetime(2026, 3, 11, 9), None, S.DA_XU_LY_XONG, datetime(2026, 3, 12, 9)),
     Bucket.INCOMPLETE),
]  # fmt: skip


@pytest.mark.parametrize(("item", "expected"), CASES, ids=[d.code for d, _ in CASES])
def test_classify_each_dossier(cal, item, expected):
    assert classify(item, AS_OF, cal, START) == expected


def test_report_matches_hand_count(cal):
    report = compute_report((d for d, _ in CASES), cal, AS_OF, START)
    o = report.overall
    # Resolved: before D1, D4, D7 = 3; on time D2, D6 = 2; late D3, D5 = 2 → 7 resolved.
    assert (o.before, o.on_time, o.late, o.resolved) == (3, 2, 2, 7)
    # Open: within D10, D13; past D11, D16; paused D12.
    assert (o.open_within, o.open_overdue, o.paused, o.in_progress) == (2, 2, 1, 5)
    assert (o.withdrawn, o.not_accepted, o.awaiting_intake, o.incomplete) == (1, 1, 1, 1)
    # Received 01/03–27/03: all but D14 (10/02) and D15 (30/03) = 16.
    assert o.received == 16
    # 3 of 7 before the deadline = 42.857…% — not more than 50%: target missed.
    assert o.before_pct == pytest.approx(300 / 7)
    assert o.late_pct == pytest.approx(200 / 7)
    assert o.open_overdue_pct == pytest.approx(50.0)  # 2 of the 4 open, paused ones aside
    assert report.target_met is False

    assert list(report.by_field) == [CT, DD, HT, ""]  # by name, unknown field last
    ht, ct, dd = report.by_field[HT], report.by_field[CT], report.by_field[DD]
    # Hộ tịch: before D1, D4; on D2; late D3, D5; open past D16; received D1–D5, D16.
    assert ht == TimelinessCounts(before=2, on_time=1, late=2, open_overdue=1, received=6)
    assert ht.before_pct == pytest.approx(40.0)
    # Chứng thực: before D7, on D6 → exactly 50%, which is not "more than 50%".
    assert ct == TimelinessCounts(before=1, on_time=1, withdrawn=1, awaiting_intake=1, received=4)
    assert ct.before_pct == pytest.approx(50.0) and not ct.meets_target()
    # Đất đai: nothing resolved, so no percentage and no pass.
    assert dd == TimelinessCounts(open_within=2, open_overdue=1, paused=1, not_accepted=1, received=5)
    assert dd.before_pct is None and not dd.meets_target()
    assert report.by_field[""] == TimelinessCounts(incomplete=1, received=1)


def test_target_is_strictly_more_than_half():
    assert TimelinessCounts(before=4, on_time=3).meets_target()
    assert not TimelinessCounts(before=3, on_time=3).meets_target()
    assert not TimelinessCounts().meets_target()


def test_report_without_period_counts_everything_up_to_as_of(cal):
    report = compute_report((d for d, _ in CASES), cal, AS_OF)
    # D14 (finished 20/02, before) now counts too: before = 4 of 8 = 50% → still not met.
    assert report.overall.before == 4 and report.overall.resolved == 8
    assert report.target_met is False
    assert report.overall.received == 17  # all but D15


def test_compute_report_agrees_with_classify_on_random_dossiers(cal):
    """The fast loop inlines classify(); they must never drift apart."""
    rng = random.Random(7)
    dossiers = []
    for i in range(3000):
        received = datetime(2026, rng.randint(1, 4), rng.randint(1, 28), rng.randint(7, 17))
        appointment = None if rng.random() < 0.05 else cal.add_working_days(received, rng.randint(0, 15))
        status = DossierStatus(rng.randint(1, 10))
        finished = None
        if status.is_closed and rng.random() < 0.95:
            finished = received.replace(day=rng.randint(received.day, 28))
        dossiers.append(
            dossier(f"R{i}", rng.choice([HT, CT, DD, ""]), received, appointment, status, finished,
                    changed=finished or received, waiting=rng.choice([0, 0, 1, 3]),
                    supplements=rng.choice([0, 1, 1, 2]))
        )  # fmt: skip
    for period_start in (None, date(2026, 3, 1)):
        report = compute_report(dossiers, cal, AS_OF, period_start)
        expected = Counter(classify(d, AS_OF, cal, period_start) for d in dossiers)
        o = report.overall
        got = {
            Bucket.BEFORE: o.before, Bucket.ON_TIME: o.on_time, Bucket.LATE: o.late,
            Bucket.OPEN_WITHIN: o.open_within, Bucket.OPEN_OVERDUE: o.open_overdue, Bucket.PAUSED: o.paused,
            Bucket.WITHDRAWN: o.withdrawn, Bucket.NOT_ACCEPTED: o.not_accepted,
            Bucket.AWAITING_INTAKE: o.awaiting_intake, Bucket.INCOMPLETE: o.incomplete,
        }  # fmt: skip
        assert got == {b: expected.get(b, 0) for b in Bucket}


# ---------------------------------------------------------------- lookup answer pieces


def test_deadline_info_for_lookups(cal):
    by_code = {d.code: d for d, _ in CASES}
    # D10 due Mon 30/03: one working day left on Fri 27/03.
    info = deadline_info(by_code["D10"], AS_OF, cal)
    assert (info.due, info.working_days_left, info.overdue) == (date(2026, 3, 30), 1, False)
    # D11 due Wed 25/03: late by Thu 26 and Fri 27.
    info = deadline_info(by_code["D11"], AS_OF, cal)
    assert (info.due, info.working_days_left, info.overdue) == (date(2026, 3, 25), -2, True)
    # D12 waiting since Mon 16/03: 9 working days so far (17–20, 23–27), so the appointment
    # 20/03 moves by 9 working days: 23, 24, 25, 26, 27, 30, 31/03, 01/04, 02/04.
    info = deadline_info(by_code["D12"], AS_OF, cal)
    assert (info.due, info.working_days_left, info.overdue) == (date(2026, 4, 2), 4, False)
    # Closed dossiers carry their deadline but no countdown.
    info = deadline_info(by_code["D4"], AS_OF, cal)
    assert (info.due, info.working_days_left) == (date(2026, 3, 10), None)
    assert due_date(by_code["D9"], cal) is None


# ---------------------------------------------------------------- status changes keep the books


def test_with_status_books_supplements_waiting_and_first_finish(cal):
    d = dossier("W1", HT, datetime(2026, 3, 2, 9), date(2026, 3, 5), S.DANG_XU_LY,
                changed=datetime(2026, 3, 2, 9))  # fmt: skip
    d = with_status(d, S.YEU_CAU_BO_SUNG, datetime(2026, 3, 3, 10), cal)  # Tue
    assert d.supplement_requests == 1 and d.waiting_days == 0
    d = with_status(d, S.YEU_CAU_NGHIA_VU_TAI_CHINH, datetime(2026, 3, 4, 10), cal)  # Wed: +1 (Wed)
    d = with_status(d, S.DANG_XU_LY, datetime(2026, 3, 9, 10), cal)  # Mon: +3 (Thu, Fri, Mon)
    assert d.waiting_days == 4 and d.supplement_requests == 1  # same as one wait from Tue to Mon
    d = with_status(d, S.DA_XU_LY_XONG, datetime(2026, 3, 10, 10), cal)
    assert d.finished_at == datetime(2026, 3, 10, 10)
    d = with_status(d, S.DA_TRA_KET_QUA, datetime(2026, 3, 12, 10), cal)
    assert d.finished_at == datetime(2026, 3, 10, 10)  # the first finish counts
    assert d.status_changed_at == datetime(2026, 3, 12, 10)
    assert with_status(d, S.DA_TRA_KET_QUA, datetime(2026, 3, 13, 10), cal) is d  # repeat: no change
    # Deadline 05/03 + 4 waiting days = Fri 06, Mon 09, Tue 10, Wed 11 → finished 10/03 is before.
    assert classify(d, AS_OF, cal) == Bucket.BEFORE


def test_parse_status_by_number_and_name():
    assert parse_status("9") is S.DA_XU_LY_XONG
    assert parse_status(9) is S.DA_XU_LY_XONG
    assert parse_status("09") is S.DA_XU_LY_XONG
    assert parse_status("da xu ly xong") is S.DA_XU_LY_XONG
    assert parse_status("Đã xử lý xong") is S.DA_XU_LY_XONG
    assert parse_status("  ĐÃ  XỬ LÝ XONG ") is S.DA_XU_LY_XONG
    assert parse_status(unicodedata.normalize("NFD", "Yêu cầu bổ sung giấy tờ")) is S.YEU_CAU_BO_SUNG
    assert parse_status("YEU_CAU_BO_SUNG") is S.YEU_CAU_BO_SUNG
    assert parse_status("rút hồ sơ") is S.RUT_HO_SO
    for bad in ("11", "0", "đang chờ ký", "", "da"):
        with pytest.raises(UnknownStatusError):
            parse_status(bad)
    assert [s.label for s in S][:3] == ["Mới đăng ký", "Được tiếp nhận", "Không được tiếp nhận"]
    assert S(10).label == "Đã trả kết quả"
    assert all(s.citizen_text for s in S)


def test_split_status_prefix_for_staff_commands():
    assert split_status_prefix("Yêu cầu bổ sung giấy tờ Thiếu bản sao CCCD") == (
        S.YEU_CAU_BO_SUNG, "Thiếu bản sao CCCD",
    )  # fmt: skip
    assert split_status_prefix("5 thiếu CCCD") == (S.YEU_CAU_BO_SUNG, "thiếu CCCD")
    assert split_status_prefix("da xu ly xong") == (S.DA_XU_LY_XONG, "")
    with pytest.raises(UnknownStatusError):
        split_status_prefix("không rõ gì cả")


def test_mask_name():
    assert mask_name("Nguyễn Văn An") == "N. V. An"
    assert mask_name("An") == "A."
    assert mask_name("") == ""


# ---------------------------------------------------------------- rendering


def test_report_text_in_vietnamese(cal):
    text = render_report_text(compute_report((d for d, _ in CASES), cal, AS_OF, START))
    assert "Kỳ báo cáo: 01/03/2026 – 27/03/2026" in text
    assert "Đã giải quyết: 7" in text
    assert "• Trước hạn: 3 (42,9%)" in text
    assert "• Quá hạn: 2 (28,6%)" in text
    assert "Đang giải quyết: 4 (trong hạn 2, quá hạn 2)" in text
    assert "CHƯA ĐẠT (42,9%)" in text
    assert "• Đất đai: giải quyết 0 — trước hạn 0 (–)" in text
    assert "Chưa rõ lĩnh vực" in text


def test_chart_renders_png_with_vietnamese_glyphs(cal, tmp_path):
    report = compute_report((d for d, _ in CASES), cal, AS_OF, START)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning in matplotlib
        render_chart(report, buffer)
    assert buffer.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "report.png"
    render_chart(compute_report([], cal, AS_OF), path)  # empty report still draws
    assert path.read_bytes().startswith(b"\x89PNG")


def test_report_accepts_light_rows_with_int_status(cal):
    """Storage feeds NamedTuples from SQL rows instead of building Dossier objects."""
    from bot.storage.dossiers import KpiRow as Row

    rows = [
        Row(d.field, d.received_at, d.appointment_date, int(d.status), d.status_changed_at, d.finished_at,
            d.waiting_days, d.supplement_requests)
        for d, _ in CASES
    ]  # fmt: skip
    assert compute_report(rows, cal, AS_OF, START) == compute_report([d for d, _ in CASES], cal, AS_OF, START)
