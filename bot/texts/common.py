"""Wording every citizen and official reads outside a specific flow.

All sentences live in bot/texts/, so a clerk can fix one without reading code.
Citizens are addressed as "Anh/Chị"; every dead end offers a next step.
"""

from __future__ import annotations

# Main menu labels (also used to recognise a typed menu choice).
MENU_PROCEDURES = "📋 Hỏi thủ tục"
MENU_DOSSIER = "🔎 Tra cứu hồ sơ"
MENU_FEEDBACK = "📝 Gửi phản ánh, kiến nghị"
MENU_CONTACT = "☎️ Liên hệ"
MENU_MY_FEEDBACK = "📂 Phản ánh của tôi"
MENU_BACK = "↩️ Menu chính"

GREETING = (
    "Xin chào Anh/Chị! Tôi là trợ lý trực tuyến của {commune}.\n"
    "Tôi có thể giúp Anh/Chị:\n"
    "• Hỏi giấy tờ, thời hạn, lệ phí của thủ tục hành chính\n"
    "• Tra cứu tình trạng hồ sơ đã nộp\n"
    "• Gửi phản ánh, kiến nghị tới cán bộ xã\n"
    "Anh/Chị chọn một mục bên dưới hoặc gõ câu hỏi, ví dụ: «làm giấy khai sinh cần gì»."
)
MENU_PROMPT = "Anh/Chị cần giúp gì? Chọn một mục hoặc gõ câu hỏi."
HELP = (
    "Anh/Chị có thể gõ câu hỏi bằng lời thường, có dấu hay không dấu đều được.\n"
    "Lệnh: /start — menu chính · /huy — hủy thao tác đang làm · /lienhe — liên hệ cán bộ."
)
CONTACT = (
    "{office}\n"
    "Giờ làm việc: {hours}\n"
    "{phone_line}"
    "Tổng đài Cổng Dịch vụ công quốc gia: 18001096.\n"
    "Anh/Chị cũng có thể gửi câu hỏi cho cán bộ qua mục «Gửi phản ánh, kiến nghị»."
)
CONTACT_PHONE = "Điện thoại: {phone}\n"
YOU_ARE_WELCOME = "Dạ, không có gì ạ. Anh/Chị cần hỏi gì thêm cứ nhắn cho tôi."
CANCELLED = "Đã hủy thao tác. Anh/Chị cần giúp gì tiếp?"
CHOOSE_BY_NUMBER = "Anh/Chị trả lời bằng số tương ứng (ví dụ: 1)."
CHOICE_OUT_OF_RANGE = "Số Anh/Chị chọn không có trong danh sách. Anh/Chị chọn lại giúp tôi nhé."

# Bad input
EMPTY_MESSAGE = "Tôi chưa nhận được nội dung. Anh/Chị gõ câu hỏi bằng chữ hoặc chọn một mục trong menu."
TOO_LONG = "Tin nhắn dài quá ({length} ký tự). Anh/Chị gửi ngắn gọn hơn, tối đa {limit} ký tự."
UNSUPPORTED_MEDIA = (
    "Xin lỗi, tôi chưa đọc được nhãn dán, tin nhắn thoại hay video. "
    "Anh/Chị gõ câu hỏi bằng chữ; ảnh và vị trí dùng được khi gửi phản ánh."
)
UNEXPECTED_PHOTO = (
    "Tôi đã nhận ảnh, nhưng ảnh chỉ dùng khi gửi phản ánh, kiến nghị. "
    "Anh/Chị chọn «Gửi phản ánh, kiến nghị» để gửi kèm ảnh."
)
STALE_BUTTON = "Nút này không còn dùng được. Anh/Chị chọn lại từ menu giúp tôi."
FLOODING = "Anh/Chị gửi nhanh quá. Xin chờ một phút rồi gửi tiếp giúp tôi."
BANNED = "Tài khoản của Anh/Chị đang bị tạm ngừng sử dụng dịch vụ này. Xin liên hệ trực tiếp UBND xã."
STAFF_ONLY = "Lệnh này chỉ dành cho cán bộ trong nhóm xử lý của xã."
UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /start để mở menu."
SOMETHING_WENT_WRONG = "Xin lỗi, hệ thống đang gặp sự cố. Anh/Chị thử lại sau ít phút hoặc gõ /start."
