"""Wording officials read in the staff group."""

from __future__ import annotations

STAFF_HELP = (
    "Lệnh cho cán bộ:\n"
    "/hoso MÃ — xem hồ sơ · /capnhat MÃ TRẠNG_THÁI [ghi chú] — đổi trạng thái\n"
    "/baocao [thang|quy|nam|TỪ ĐẾN] — báo cáo đúng hạn\n"
    "/phananh MÃ — xem phản ánh · /traloi MÃ nội dung — trả lời công dân (hoặc trả lời thẳng vào tin)\n"
    "/chan MÃ_NGƯỜI_DÙNG · /bochan MÃ_NGƯỜI_DÙNG — chặn, bỏ chặn\n"
    "/unanswered — câu hỏi bot chưa trả lời được · /reload — nạp lại cơ sở dữ liệu thủ tục\n"
    "/outbox — tình trạng hàng đợi tin nhắn"
)
STAFF_UNKNOWN_COMMAND = "Không có lệnh này. Gõ /trogiup để xem các lệnh."
OUTBOX_STATUS = "Hàng đợi tin nhắn: {pending} chờ gửi, {sent} đã gửi, {failed} gửi không được."
BAN_USAGE = "Cách dùng: /chan MÃ_NGƯỜI_DÙNG (ví dụ /chan 123456789 hoặc /chan zalo:abc123)."
UNBAN_USAGE = "Cách dùng: /bochan MÃ_NGƯỜI_DÙNG."
BANNED_OK = "Đã chặn người dùng {user}. Bot sẽ không nhận tin của người này nữa."
ALREADY_BANNED = "Người dùng {user} đã bị chặn từ trước."
UNBANNED_OK = "Đã bỏ chặn người dùng {user}."
NOT_BANNED = "Người dùng {user} không bị chặn."
