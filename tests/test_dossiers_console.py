"""A newcomer's first try: `motcua chat` on an empty database seeds demo dossiers she can look up."""

from __future__ import annotations

from helpers import console_chat


def test_demo_dossier_can_be_looked_up_and_followed_in_the_console(tmp_path):
    out = console_chat(
        tmp_path,
        [
            "/start",
            "2",  # 🔎 Tra cứu hồ sơ
            "DEMO-0002",
            "5678",
            "1",  # 🔔 Theo dõi hồ sơ này
            "staff: /capnhat DEMO-0002 4 Đã nhận đủ giấy tờ",
            "hồ sơ demo-0004 xong chưa",
            "1234",
        ],
    )
    assert "Anh/Chị nhập mã hồ sơ" in out
    assert "📄 Hồ sơ DEMO-0002" in out and "Tình trạng: Yêu cầu bổ sung giấy tờ" in out
    assert "📎 Giấy tờ cần bổ sung:" in out and "T. T. Demo" in out
    assert "Đã đăng ký theo dõi hồ sơ DEMO-0002" in out
    assert "Đã cập nhật hồ sơ DEMO-0002: Yêu cầu bổ sung giấy tờ → Đang xử lý." in out
    assert "🔔 Hồ sơ DEMO-0002" in out and "Tình trạng mới: Đang xử lý" in out
    assert "Không tìm thấy hồ sơ khớp" in out  # wrong digits for DEMO-0004


def test_no_demo_flag_leaves_the_database_empty(tmp_path):
    out = console_chat(tmp_path, ["/tracuu DEMO-0001", "5678"], "--no-demo")
    assert "Không tìm thấy hồ sơ khớp" in out
