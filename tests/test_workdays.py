"""Working-day arithmetic: Tết 2026 and 2027, swap Saturdays, weekends, local overrides, 15:00 rule.

Weekday reminders for the dates used below:
  2026: Thu 12/02, Fri 13/02, Mon 16/02 … Fri 20/02 (Tết), Mon 23/02;
        Fri 06/03, Sat 07/03, Mon 09/03, Tue 10/03, Fri 13/03, Sat 14/03;
        Fri 21/08, Sat 22/08 (swapped working day), Thu 27/08, Mon 31/08 – Wed 02/09 off, Thu 03/09.
  2027: Tue 02/02, Wed 03/02, Thu 04/02 … Wed 10/02 (Tết as the package computes it), Thu 11/02.
"""

import random
from datetime import date, datetime, time, timedelta

import holidays
import pytest

from bot.services.workdays import (
    DEFAULT_OVERRIDES_PATH,
    LocalOverrides,
    OverrideFileError,
    ProcessingTime,
    WorkCalendar,
    load_calendar,
    load_local_overrides,
    parse_local_overrides,
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# ---------------------------------------------------------------- package facts we rely on


def test_package_knows_tet_2026_and_2027():
    """If a `holidays` upgrade changes these, the deadline tests below need a fresh look."""
    vn = holidays.country_holidays("VN", years=[2026, 2027], language="vi")
    tet_2026 = [date(2026, 2, d) for d in range(16, 21)]  # Mon–Fri; the break ran Sat 14 – Sun 22
    assert all(d in vn for d in tet_2026)
    assert vn[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert date(2026, 2, 23) not in vn
    assert vn[date(2027, 2, 6)] == "Tết Nguyên Đán"  # a Saturday; observed days move around it
    assert all(date(2027, 2, d) in vn for d in (4, 5, 8, 9, 10))
    assert date(2026, 11, 24) in vn and date(2027, 11, 24) in vn  # Ngày Văn hóa Việt Nam
    assert date(2026, 8, 22) in vn.weekend_workdays  # swapped working Saturday
    assert date(2026, 8, 31) in vn


# ---------------------------------------------------------------- Tết


def test_counting_skips_tet_2026(cal):
    # Received Friday before Tết: Mon 16 – Fri 20 are Tết, the weekends around it are off.
    assert cal.add_working_days(datetime(2026, 2, 13, 10, 0), 1) == date(2026, 2, 23)
    # Thu 12: Fri 13 is day 1, then Tết, Mon 23 day 2, Tue 24 day 3.
    assert cal.add_working_days(datetime(2026, 2, 12, 9, 0), 3) == date(2026, 2, 24)
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(14, 23))
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    # Working days used by a dossier received 13/02 and finished 23/02: only the 23rd.
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_counting_skips_tet_2027(cal):
    # Wed 03/02/2027: Thu 04 – Wed 10 are off, so day 1 is Thu 11 and day 2 Fri 12.
    assert cal.add_working_days(datetime(2027, 2, 3, 9, 0), 2) == date(2027, 2, 12)
    assert cal.add_working_days(datetime(2027, 2, 2, 9, 0), 1) == date(2027, 2, 3)
    assert [cal.is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip


# ---------------------------------------------------------------- swap Saturday and weekends


def test_swapped_saturday_2026_counts_as_working_day(cal):
    assert cal.is_working_day(date(2026, 8, 22))  # Saturday worked in exchange for Mon 31/08
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.add_working_days(datetime(2026, 8, 21, 9, 0), 1) == date(2026, 8, 22)
    # Thu 27/08: Fri 28 is day 1; Sat 29, Sun 30, Mon 31 (swap), Tue 1/9 and Wed 2/9 (Quốc khánh) off.
    assert cal.add_working_days(datetime(2026, 8, 27, 9, 0), 2) == date(2026, 9, 3)


def test_weekend_is_skipped_and_saturday_receipt_counts_from_monday(cal):
    assert cal.add_working_days(datetime(2026, 3, 6, 9, 0), 1) == date(2026, 3, 9)
    # The office is open Saturday morning; the day of receipt is not counted anyway.
    assert cal.add_working_days(datetime(2026, 3, 7, 9, 0), 1) == date(2026, 3, 9)
    assert cal.add_working_days(datetime(2026, 3, 6, 9, 0), 5) == date(2026, 3, 13)
    assert not cal.is_working_day(date(2026, 3, 7))
    assert cal.holiday_name(date(2026, 3, 7)) is None  # a weekend, not a holiday


# ---------------------------------------------------------------- local overrides


def test_local_extra_holiday():
    cal = WorkCalendar(extra_holidays={date(2026, 3, 10): "Lễ hội truyền thống của xã"})
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.holiday_name(date(2026, 3, 10)) == "Lễ hội truyền thống của xã"
    assert cal.add_working_days(datetime(2026, 3, 9, 9, 0), 1) == date(2026, 3, 11)


def test_local_extra_working_day_on_saturday_and_on_a_package_holiday():
    cal = WorkCalendar(extra_working_days=[date(2026, 3, 14), date(2026, 8, 31)])
    assert cal.add_working_days(datetime(2026, 3, 13, 9, 0), 1) == date(2026, 3, 14)
    assert cal.is_working_day(date(2026, 8, 31))  # the override wins over the package


def test_same_day_in_both_override_lists_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar(extra_holidays=[date(2026, 3, 10)], extra_working_days=[date(2026, 3, 10)])


def test_override_file_round_trip(tmp_path):
    path = tmp_path / "holidays_local.yaml"
    path.write_text(
        "extra_holidays:\n"
        "  - date: 2026-03-10\n"
        "    name: Lễ hội truyền thống\n"
        "extra_working_days:\n"
        '  - date: "14/03/2026"\n'
        "    name: Làm bù\n",
        encoding="utf-8",
    )
    overrides = load_local_overrides(path)
    assert overrides == LocalOverrides(
        {date(2026, 3, 10): "Lễ hội truyền thống"}, {date(2026, 3, 14): "Làm bù"}
    )
    cal = load_calendar(path)
    assert cal.add_working_days(datetime(2026, 3, 9, 9, 0), 1) == date(2026, 3, 11)
    assert cal.add_working_days(datetime(2026, 3, 13, 9, 0), 1) == date(2026, 3, 14)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"extra_holidays": [{"date": "2026-02-30", "name": "x"}]}, "extra_holidays[0].date"),
        ({"extra_holidays": [{"date": "2026-03-10"}]}, "extra_holidays[0].name"),
        ({"extra_working_days": "2026-03-14"}, "danh sách"),
        ({"extra_holiday": []}, "khóa không hợp lệ"),
        (
            {
                "extra_holidays": [{"date": "2026-03-10", "name": "a"}],
                "extra_working_days": [{"date": "10/03/2026", "name": "b"}],
            },
            "10/03/2026",
        ),
    ],
)
def test_override_errors_name_the_file_and_entry(data, fragment):
    with pytest.raises(OverrideFileError) as info:
        parse_local_overrides(data, "tinh.yaml")
    assert "tinh.yaml" in str(info.value)
    assert fragment in str(info.value)


def test_shipped_override_file_is_valid_and_empty(tmp_path):
    assert DEFAULT_OVERRIDES_PATH.is_file()
    assert load_local_overrides() == LocalOverrides()
    assert load_local_overrides(tmp_path / "missing.yaml") == LocalOverrides()


# ---------------------------------------------------------------- same-day procedures, 15:00 rule


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2026, 3, 10, 14, 59), date(2026, 3, 10)),
        (datetime(2026, 3, 10, 15, 0), date(2026, 3, 10)),  # "after 15:00" means later than 15:00
        (datetime(2026, 3, 10, 15, 1), date(2026, 3, 11)),
        (datetime(2026, 3, 13, 16, 0), date(2026, 3, 16)),  # Friday afternoon → Monday
        (datetime(2026, 3, 7, 9, 0), date(2026, 3, 9)),  # Saturday morning → Monday
        (datetime(2026, 2, 13, 16, 0), date(2026, 2, 23)),  # Friday before Tết → after Tết
        (datetime(2026, 8, 22, 9, 0), date(2026, 8, 22)),  # swapped working Saturday
    ],
)
def test_same_day_cutoff(cal, received, due):
    assert cal.add_working_days(received, 0) == due
    assert cal.appointment_for(received, 0, "same_day") == due


def test_cutoff_is_configurable_and_only_for_same_day(cal):
    late = datetime(2026, 3, 10, 16, 30)
    assert cal.add_working_days(late, 0, cutoff=None) == date(2026, 3, 10)
    assert cal.add_working_days(late, 0, cutoff=time(17, 0)) == date(2026, 3, 10)
    assert cal.add_working_days(late, 1) == date(2026, 3, 11)  # n > 0: the cut-off plays no part
    assert cal.add_working_days(date(2026, 3, 10), 0) == date(2026, 3, 10)  # no time of day known


# ---------------------------------------------------------------- appointment_for and between


def test_appointment_for_units(cal):
    received = datetime(2026, 2, 10, 9, 0)  # Tuesday
    assert cal.appointment_for(received, 3, "working_days") == date(2026, 2, 13)
    # 5 calendar days ends Sun 15/02; the next working day is after Tết (BLDS Điều 148 khoản 5).
    assert cal.appointment_for(received, 5, "days") == date(2026, 2, 23)
    assert cal.appointment_for(received, 2, "days") == date(2026, 2, 12)
    assert cal.appointment_for(received, *ProcessingTime(0, "same_day", time(11, 0))) == date(2026, 2, 10)
    with pytest.raises(ValueError):
        cal.appointment_for(received, 3, "weeks")
    with pytest.raises(ValueError):
        cal.appointment_for(received, 1.5, "working_days")
    with pytest.raises(ValueError):
        cal.add_working_days(received, -1)


def test_working_days_between_is_half_open_and_antisymmetric(cal):
    monday, friday = date(2026, 3, 9), date(2026, 3, 13)
    assert cal.working_days_between(monday, friday) == 4  # Tue, Wed, Thu, Fri
    assert cal.working_days_between(friday, monday) == -4
    assert cal.working_days_between(monday, monday) == 0
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri → Mon
    assert cal.working_days_between(datetime(2026, 3, 9, 17, 0), datetime(2026, 3, 10, 8, 0)) == 1


def test_agrees_with_the_package_and_spans_years(cal):
    """Cross-check against holidays' own get_nth_working_day (which also counts from the day after)."""
    vn = holidays.country_holidays("VN", years=range(2024, 2030))
    rng = random.Random(4)
    for _ in range(400):
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        n = rng.randrange(1, 60)
        assert cal.add_working_days(start, n) == vn.get_nth_working_day(start, n), (start, n)
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
    far = cal.add_working_days(date(2026, 12, 30), 600)  # tables grow on demand
    assert far.year == 2029 and cal.is_working_day(far)
    assert cal.is_working_day(date(2020, 6, 1))  # and backwards
