"""The console chat scripted through a pipe: citizen and official in one terminal, no token."""

from __future__ import annotations

from helpers import console_chat


def test_piped_conversation_prints_both_sides_and_exits(tmp_path):
    out = console_chat(tmp_path, ["/start", "1", "lam giay khai sinh cho con can gi", "staff: /outbox"])
    assert "Xin chào Anh/Chị" in out
    assert "[1] 📋 Hỏi thủ tục" in out
    assert "Anh/Chị chọn lĩnh vực" in out  # "1" pressed the first button
    assert "Đăng ký khai sinh" in out and "Giấy chứng sinh" in out
    assert "🏛 → nhóm cán bộ" in out and "Hàng đợi tin nhắn" in out


def test_state_survives_a_restart_of_the_console(tmp_path):
    first = console_chat(tmp_path, ["/start"])
    second = console_chat(tmp_path, ["/lienhe"])
    assert "Xin chào" in first and "Giờ làm việc" in second
