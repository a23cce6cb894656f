"""Wording officials read in the staff group."""

from __future__ import annotations

STAFF_HELP = (
    "Lệnh cho cán bộ:\n"
    "Hồ sơ: /hoso MÃ — xem · /capnhat MÃ TRẠNG_THÁI [ghi chú] — đổi trạng thái, báo người theo dõi\n"
    "/baocao [thang|quy|nam|TỪ ĐẾN] — báo cáo đúng hạn kèm biểu đồ\n"
    "Phản ánh: /phananh MÃ — xem · /traloi MÃ nội dung — trả lời (hoặc trả lời thẳng vào tin của bot)\n"
    "/dangxuly MÃ · /dong MÃ [ghi chú] · /khongthamquyen MÃ lý do — đổi trạng thái\n"
    "/chan MÃ_PHẢN_ÁNH hoặc MÃ_NGƯỜI_DÙNG · /bochan … — chặn, bỏ chặn\n"
    "Thủ tục: /unanswered — câu hỏi bot chưa trả lời được · /reload — nạp lại cơ sở dữ liệu thủ tục\n"
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
