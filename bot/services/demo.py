"""Clearly marked demo dossiers, so a newcomer can try a lookup in the console with no export at hand.

Codes start with ``DEMO-``, applicants are called "… Demo", and every demo
dossier is registered with the phone number 0912 345 678 (check digits 5678).
Dates are set relative to today so the answers show days left, a late
dossier, a missing paper, a fee and a result ready to collect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.services.dossier_model import Dossier, DossierStatus
from bot.services.dossiers import processing_time_lookup, upsert_dossiers, vn_today
from bot.services.workdays import WorkCalendar
from bot.storage import dossiers as store

if TYPE_CHECKING:
    from bot.services.registry import Services

DEMO_PREFIX = "DEMO-"
DEMO_PHONE = "0912345678"
DEMO_CHECK_DIGITS = DEMO_PHONE[-4:]


@dataclass(frozen=True)
class _DemoCase:
    procedure_code: str
    procedure_name: str
    field: str
    # Used when the knowledge base does not (or no longer) list the procedure.
    fallback_days: int
    applicant: str
    status: DossierStatus
    received_working_days_ago: int
    missing_documents: str | None = None
    fee_due: int | None = None
    result_location: str | None = None


CASES: tuple[_DemoCase, ...] = (
    _DemoCase(
        "1.004873",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Hộ tịch",
        3,
        "Nguyễn Văn Demo",
        DossierStatus.DANG_XU_LY,
        1,
    ),
    _DemoCase(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        "Hộ kinh doanh",
        3,
        "Trần Thị Demo",
        DossierStatus.YEU_CAU_BO_SUNG,
        2,
        missing_documents="Bản sao Căn cước của chủ hộ kinh doanh; giấy tờ chứng minh địa điểm kinh doanh",
    ),
    _DemoCase(
        "1.013978",
        "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu (hộ gia đình, cá nhân)",
        "Đất đai",
        20,
        "Lê Văn Demo",
        DossierStatus.YEU_CAU_NGHIA_VU_TAI_CHINH,
        6,
        fee_due=500_000,
    ),
    _DemoCase(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        0,
        "Phạm Thị Demo",
        DossierStatus.DA_XU_LY_XONG,
        0,
        result_location="Quầy số 2, Trung tâm Phục vụ hành chính công xã",
    ),
    _DemoCase(
        "1.001699",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        "Bảo trợ xã hội",
        25,
        "Hoàng Văn Demo",
        DossierStatus.DANG_XU_LY,
        30,
    ),
)


def _working_days_before(calendar: WorkCalendar, day: date, n: int) -> date:
    current = day
    while not calendar.is_working_day(current):
        current -= timedelta(days=1)
    for _ in range(n):
        current -= timedelta(days=1)
        while not calendar.is_working_day(current):
            current -= timedelta(days=1)
    return current


def demo_dossiers(services: Services, today: date | None = None) -> list[Dossier]:
    calendar = services.calendar
    today = today or vn_today()
    lookup = processing_time_lookup(services)
    result = []
    for number, case in enumerate(CASES, start=1):
        received = datetime.combine(
            _working_days_before(calendar, today, case.received_working_days_ago), time(9)
        )
        spec = lookup(case.procedure_code) or (
            case.fallback_days,
            "working_days" if case.fallback_days else "same_day",
        )
        appointment = calendar.appointment_for(received, spec[0], spec[1], *spec[2:3])
        changed = received + timedelta(hours=1)
        finished = changed if case.status.is_closed else None
        result.append(
            Dossier(
                code=f"{DEMO_PREFIX}{number:04d}",
                procedure_code=case.procedure_code,
                procedure_name=case.procedure_name,
                field=case.field,
                applicant_name=case.applicant,
                phone=DEMO_PHONE,
                received_at=received,
                appointment_date=appointment,
                status=case.status,
                status_changed_at=changed,
                finished_at=finished,
                missing_documents=case.missing_documents,
                fee_due=case.fee_due,
                result_location=case.result_location,
                supplement_requests=1 if case.status is DossierStatus.YEU_CAU_BO_SUNG else 0,
                note="Hồ sơ mẫu để dùng thử, không phải hồ sơ thật.",
            )
        )
    return result


async def seed_demo(services: Services, today: date | None = None) -> int:
    """Create the demo dossiers unless some already exist; returns how many were created."""
    if await store.codes_with_prefix(services.db, DEMO_PREFIX):
        return 0
    counts = await upsert_dossiers(services, demo_dossiers(services, today), source="demo")
    return counts.inserted


async def seed_demo_if_empty(services: Services) -> int:
    """Only into a database with no dossiers at all, so demo data never mixes with real exports."""
    if await store.count(services.db) > 0:
        return 0
    return await seed_demo(services)
