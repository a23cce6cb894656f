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


def test_a_quickly_restarted_console_is_not_taken_for_a_duplicate(tmp_path):
    """Two sessions begun within the same second once numbered their lines alike, so the second
    session's first line was dropped as a repeat of the first session's."""
    from bot.channels.console import ConsoleChannel

    first, second = ConsoleChannel(app=None), ConsoleChannel(app=None)  # type: ignore[arg-type]
    assert first.parse_line("/start\n").message_id != second.parse_line("/lienhe\n").message_id
