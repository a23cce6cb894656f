"""Staff reload the knowledge base without a restart; a broken version is refused and the old one kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CITIZEN, STAFF_CHAT, running_bot, telegram_settings
from helpers import run_console

import knowledge

SHIPPED = Path(knowledge.__file__).parent


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(SHIPPED / "procedures", target / "procedures")
    shutil.copytree(SHIPPED / "referrals", target / "referrals")
    return target


async def test_reload_accepts_a_valid_change_and_refuses_a_broken_one(tmp_path, fake_tg):
    kb = copy_kb(tmp_path)
    settings = telegram_settings(tmp_path, fake_tg, knowledge_dir=kb)
    async with running_bot(settings):
        # A valid change: the clerk renames a document; /reload picks it up.
        card = kb / "procedures" / "1.001193.yaml"
        card.write_text(
            card.read_text(encoding="utf-8").replace("Giấy chứng sinh", "Giấy chứng sinh (bản mới)", 1),
            encoding="utf-8",
        )
        fake_tg.message(5001, "/reload", chat_id=STAFF_CHAT)
        ok = (await fake_tg.wait_for_messages(STAFF_CHAT, 1))[0]
        # A broken change: a non-numeric copy count.
        (kb / "procedures" / "1.000894.yaml").write_text("code: '1.000894'\nname: 42\n", encoding="utf-8")
        fake_tg.message(5001, "/reload", chat_id=STAFF_CHAT)
        refused = (await fake_tg.wait_for_messages(STAFF_CHAT, 2))[1]
        fake_tg.message(CITIZEN, "dang ky ket hon can giay to gi")
        fake_tg.message(CITIZEN, "lam giay khai sinh cho con")
        answers = await fake_tg.wait_for_messages(CITIZEN, 2)
    assert ok.text.startswith("Đã nạp lại cơ sở dữ liệu thủ tục: 42 thủ tục")
    assert refused.text.startswith("Bản mới không hợp lệ, vẫn dùng bản cũ")
    assert "1.000894.yaml" in refused.text
    assert "Đăng ký kết hôn" in answers[0].text  # the old version still answers
    assert "Giấy chứng sinh (bản mới)" in answers[1].text


def test_bot_refuses_to_start_on_an_invalid_knowledge_base(tmp_path):
    kb = copy_kb(tmp_path)
    (kb / "procedures" / "2.000815.yaml").write_text("code: '2.000815'\nname: Chứng thực\n", encoding="utf-8")
    result = run_console(tmp_path, ["/start"], "--no-demo", env={"KNOWLEDGE_DIR": str(kb)})
    assert result.returncode == 2
    assert "2.000815.yaml" in result.stderr
    assert "Xin chào" not in result.stdout
