"""Citizen-facing procedure text: complete, polite, plain, and split safely for each channel."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.texts.procedures import (
    asks_nothing,
    clarify_prompt,
    format_vnd,
    not_understood,
    procedure_card,
    referral_text,
    split_for_limit,
)
from knowledge.loader import load_knowledge_base

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def small():
    return load_knowledge_base(FIXTURES / "kb_small")


def test_card_has_everything_a_citizen_needs(small) -> None:
    card = procedure_card(small.procedures["1.001193"])
    assert card.startswith("📋 Đăng ký khai sinh\nMã thủ tục: 1.001193")
    assert "1. Tờ khai đăng ký khai sinh theo mẫu: 1 bản chính" in card
    assert "\n   Mẫu ban hành kèm Thông tư 04/2024/TT-BTP\n" in card
    assert "Mẫu: Mẫu" not in card
    assert "Trong ngày (nộp sau 15:00 thì tính từ ngày làm việc tiếp theo)" in card
    assert "Lệ phí: Miễn lệ phí nếu đăng ký đúng hạn." in card
    assert "Cách nộp: trực tiếp, trực tuyến, qua bưu chính" in card
    assert "Nộp trực tuyến: https://dichvucong.gov.vn" in card
    assert "Kết quả: Giấy khai sinh (bản chính)" in card
    assert "Cơ quan giải quyết: Ủy ban nhân dân cấp xã" in card
    assert "• Luật Hộ tịch số 60/2014/QH13" in card
    assert "Cập nhật: 27/11/2026" in card


def test_card_copies_and_originals(small) -> None:
    card = procedure_card(small.procedures["2.000815"])
    assert "1. Bản chính giấy tờ cần chứng thực: 1 bản chính" in card
    assert "2. Bản chụp từ bản chính: 1 bản sao" in card
    assert "Nộp trực tuyến" not in card


def test_card_abolished_banner_with_replacement(small) -> None:
    old = small.procedures["9.000123"]
    card = procedure_card(old, small.procedures["9.000124"])
    assert "⚠️ THỦ TỤC NÀY ĐÃ BỊ BÃI BỎ từ ngày 01/07/2025." in card
    assert "Thay thế bằng thủ tục «Đăng ký nuôi con nuôi trong nước» (mã 9.000124)." in card
    assert procedure_card(small.procedures["9.000124"]).count("BÃI BỎ") == 0


def test_card_amended_banner_and_uncertain_note(small) -> None:
    card = procedure_card(small.procedures["1.000894"])
    assert "Thủ tục đã được sửa đổi, bổ sung ngày 01/07/2025." in card
    assert "Không còn yêu cầu xuất trình sổ hộ khẩu." in card
    assert "kiểm tra lại" in card


def test_cards_are_plain_text_and_polite() -> None:
    kb = load_knowledge_base()
    for p in kb.procedures.values():
        card = procedure_card(p, kb.procedures.get(p.replaced_by or ""))
        assert not re.search(r"</?[a-z]+>|\*\*|__|\[[^\]]+\]\(", card), p.code
        assert p.name in card and p.code in card
        assert "Cập nhật: " in card
        assert all(len(chunk) <= 2000 for chunk in split_for_limit(card, 2000))
    for r in kb.referrals.values():
        text = referral_text(r)
        assert r.agency in text


def test_referral_text(small) -> None:
    text = referral_text(small.referrals["ho-chieu"])
    assert "Phòng Quản lý xuất nhập cảnh Công an tỉnh" in text
    assert "https://dichvucong.bocongan.gov.vn" in text
    assert "Anh/Chị" in text


def test_a_commune_matter_without_a_card_is_not_sent_elsewhere(small) -> None:
    # The other-agency wording ("không do ... của xã giải quyết") would send her away from the office
    # that does it; she is told it is the commune's and how to reach an official.
    r = dataclasses.replace(small.referrals["ly-hon"], topic="Ghi chú ly hôn", at_commune=True)
    text = referral_text(r)
    assert "Việc «Ghi chú ly hôn» do xã giải quyết" in text and "không do" not in text
    assert r.where in text and r.agency in text and "Gửi câu hỏi cho cán bộ" in text
    assert "không do Trung tâm" in referral_text(small.referrals["ly-hon"])


def test_prompts_offer_a_next_step() -> None:
    assert "Anh/Chị" in clarify_prompt()
    text = not_understood()
    assert "Anh/Chị" in text and "Hỏi thủ tục" in text and "cán bộ" in text
    remark = asks_nothing()
    assert "Anh/Chị" in remark and "Gửi phản ánh, kiến nghị" in remark


def test_money() -> None:
    assert format_vnd(8000) == "8.000 đồng"
    assert format_vnd(1_200_000) == "1.200.000 đồng"
    assert format_vnd(0) == "miễn phí"
    assert "HĐND" in format_vnd(None)


def test_split_at_line_boundaries() -> None:
    lines = [f"dòng {i:03d} " + "x" * 40 for i in range(200)]
    text = "\n".join(lines)
    for limit in (4096, 2000, 500):
        chunks = split_for_limit(text, limit)
        assert all(len(c) <= limit for c in chunks)
        assert "\n".join(chunks) == text
        assert "\n".join(chunks).split("\n") == lines


def test_split_long_single_line_and_short_text() -> None:
    assert split_for_limit("ngắn", 4096) == ["ngắn"]
    assert split_for_limit("", 10) == []
    long_line = " ".join(["chữ"] * 1000)
    chunks = split_for_limit("đầu\n" + long_line + "\ncuối", 100)
    assert all(len(c) <= 100 for c in chunks)
    assert chunks[0].startswith("đầu")
    assert chunks[-1].endswith("cuối")
    assert "".join(c.replace("\n", " ") for c in chunks).count("chữ") == 1000
    with pytest.raises(ValueError):
        split_for_limit("x", 0)
