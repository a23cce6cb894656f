"""Wording around procedure answers: browsing by field, next steps, the staff's knowledge-base tools."""

from __future__ import annotations

BROWSE_FIELDS = "Anh/Chị chọn lĩnh vực cần hỏi:"
BROWSE_PROCEDURES = "Các thủ tục lĩnh vực {field}. Anh/Chị chọn một thủ tục để xem giấy tờ, thời hạn, lệ phí:"
FIELD_GONE = "Danh sách thủ tục vừa được cập nhật. Anh/Chị chọn lại lĩnh vực giúp tôi."
PROCEDURE_GONE = "Thủ tục này không còn trong cơ sở dữ liệu. Anh/Chị chọn lại giúp tôi."
NONE_OF_THESE = "Không phải các thủ tục trên"
BTN_OTHER_QUESTION = "❓ Hỏi thủ tục khác"
BTN_BROWSE = "📚 Xem theo lĩnh vực"
BTN_ASK_OFFICIAL = "🙋 Gửi câu hỏi cho cán bộ"
ASK_AGAIN = "Anh/Chị gõ lại câu hỏi, nói rõ việc cần làm (ví dụ: «đăng ký kết hôn cần giấy tờ gì»), hoặc xem theo lĩnh vực."

# Staff tools
RELOAD_OK = (
    "Đã nạp lại cơ sở dữ liệu thủ tục: {procedures} thủ tục, {referrals} nội dung chuyển cơ quan khác."
)
RELOAD_FAILED = "Bản mới không hợp lệ, vẫn dùng bản cũ. Lỗi:\n{errors}"
UNANSWERED_HEADER = "Câu hỏi bot chưa trả lời chắc chắn ({days} ngày gần đây):"
UNANSWERED_LINE = "{count}× [{kind}] {question}"
UNANSWERED_EMPTY = "Chưa có câu hỏi nào bot không trả lời được trong {days} ngày gần đây."
KIND_LABELS = {"none": "không hiểu", "clarify": "phải hỏi lại", "no_card": "chưa có thủ tục"}


def unanswered_report(rows: list[tuple[str, str, int]], days: int) -> str:
    """The same list in the staff group (/unanswered) and on the command line (motcua kb unanswered)."""
    if not rows:
        return UNANSWERED_EMPTY.format(days=days)
    lines = [UNANSWERED_HEADER.format(days=days)]
    lines += [UNANSWERED_LINE.format(count=n, kind=KIND_LABELS.get(kind, kind), question=q) for q, kind, n in rows]
    return "\n".join(lines)
