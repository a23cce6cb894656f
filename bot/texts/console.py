"""Labels of the console chat (a developer's and a clerk's tool, still in Vietnamese)."""

from __future__ import annotations

BANNER = (
    "motcua-bot — trò chuyện thử trên máy (không cần Telegram).\n"
    "Gõ như công dân. Dòng bắt đầu bằng «staff:» là cán bộ trong nhóm xử lý; «staff@5:» là trả lời tin #5.\n"
    "Gửi ảnh: «[ảnh] mô tả»; vị trí: «[vị trí 21.03, 105.85]». Nút bấm: gõ số. Thoát: Ctrl+D."
)
PROMPT = "> "
TO_CITIZEN = "🤖 → công dân"
TO_STAFF = "🏛 → nhóm cán bộ"
ECHO_CITIZEN = "👤 công dân:"
ECHO_STAFF = "🧑‍💼 cán bộ:"
OFFICIAL_NAME = "Cán bộ (console)"
CITIZEN_NAME = "Công dân (console)"
