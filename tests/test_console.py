"""The console chat scripted through a pipe: citizen and official in one terminal, no token."""

from __future__ import annotations

import os
import subprocess
import sys


def chat(tmp_path, lines: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env["DATABASE_PATH"] = str(tmp_path / "console.db")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_piped_conversation_prints_both_sides_and_exits(tmp_path):
    out = chat(tmp_path, ["/start", "1", "lam giay khai sinh cho con can gi", "staff: /outbox"])
    assert "Xin chào Anh/Chị" in out
    assert "[1] 📋 Hỏi thủ tục" in out
    assert "Anh/Chị chọn lĩnh vực" in out  # "1" pressed the first button
    assert "Đăng ký khai sinh" in out and "Giấy chứng sinh" in out
    assert "🏛 → nhóm cán bộ" in out and "Hàng đợi tin nhắn" in out


def test_state_survives_a_restart_of_the_console(tmp_path):
    first = chat(tmp_path, ["/start"])
    second = chat(tmp_path, ["/lienhe"])
    assert "Xin chào" in first and "Giờ làm việc" in second
