"""Every sentence of the feedback flow (phản ánh, kiến nghị): citizen side, staff group, summary, export.

Plain text for Telegram, Zalo and the console; full diacritics; the citizen is
"Anh/Chị"; lines short enough for a phone. The functions only format what they
are given, so a clerk can change a sentence without touching the flow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.feedback import Event, Report

STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "in_progress": "Đang xử lý",
    "resolved": "Đã xử lý",
    "rejected": "Không thuộc thẩm quyền",
}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}
# The category a procedure question goes under (a question is not a kiến nghị, contact is optional).
QUESTION_CATEGORY = "Hỏi đáp thủ tục"

# --- Buttons ----------------------------------------------------------------------------
BTN_CONTINUE = "➡️ Tiếp tục"
BTN_CANCEL = "✖️ Hủy"
BTN_SKIP = "⏭ Bỏ qua"
BTN_SEND = "✅ Gửi"
BTN_EDIT = "✏️ Sửa"
BTN_EDIT_TEXT = "Nội dung"
BTN_EDIT_CATEGORY = "Lĩnh vực"
BTN_EDIT_CONTACT = "Liên hệ"
BTN_BACK = "↩️ Quay lại"
BTN_ADD = "➕ Bổ sung"
BTN_DONE = "✔️ Xong"
BTN_MINE = "📂 Phản ánh của tôi"
BTN_NEW = "📝 Gửi phản ánh mới"
BTN_RATE = "⭐ Đánh giá"
BTN_VIEW = "Xem {code}"
RATING_LABELS = ("1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐")
STAFF_STATUS_BUTTONS = {
    "in_progress": "🔄 Đang xử lý",
    "resolved": "✅ Đã xử lý",
    "rejected": "⛔ Không thuộc thẩm quyền",
}

# --- Citizen: filing a report ----------------------------------------------------------------
CHOOSE_CATEGORY = "📝 Gửi phản ánh, kiến nghị\nAnh/Chị chọn lĩnh vực:"
CHOOSE_CATEGORY_AGAIN = "Anh/Chị chọn lĩnh vực bằng nút bên dưới giúp tôi."
DESCRIBE = (
    "Lĩnh vực: {category}.\n"
    "Anh/Chị mô tả sự việc: ở đâu, từ khi nào, ảnh hưởng thế nào (tối đa {limit} ký tự).\n"
    "Có thể gửi kèm ảnh và vị trí."
)
DESCRIBE_QUESTION = "Anh/Chị gõ câu hỏi gửi cán bộ xã (tối đa {limit} ký tự)."
DESCRIBE_AGAIN = "Anh/Chị gõ lại nội dung. Ảnh và vị trí đã gửi vẫn được giữ."
GOT_PARTS = "Đã nhận: {parts}.\nAnh/Chị gửi thêm ảnh, vị trí hoặc bấm «Tiếp tục»."
PART_TEXT = "nội dung {length} ký tự"
PART_PHOTOS = "{count} ảnh"
PART_LOCATION = "vị trí"
EMPTY_REPORT = "Anh/Chị chưa mô tả sự việc. Xin gõ vài dòng nội dung; ảnh và vị trí gửi kèm nếu có."
TOO_LONG = (
    "Nội dung dài quá: tổng cộng {length} ký tự, tối đa {limit}. "
    "Anh/Chị gửi ngắn gọn hơn giúp tôi; phần đã gửi trước vẫn được giữ."
)
UNSUPPORTED = (
    "Tôi chỉ nhận chữ, ảnh và vị trí. Nhãn dán, tin nhắn thoại, video và tệp chưa dùng được; "
    "Anh/Chị gõ nội dung bằng chữ giúp tôi."
)
TOO_MANY_PHOTOS = "Mỗi phản ánh gửi được tối đa {limit} ảnh. Ảnh vừa gửi chưa được thêm."
CONTACT_REQUIRED = (
    "Kiến nghị về thủ tục hành chính cần họ tên và số điện thoại người gửi (Nghị định 20/2008/NĐ-CP).\n"
    "Anh/Chị gõ theo mẫu: Nguyễn Văn A, 0912345678\n"
    "Thông tin này chỉ cán bộ xã xem được."
)
CONTACT_OPTIONAL = (
    "Anh/Chị có thể để lại họ tên và số điện thoại để cán bộ liên hệ khi cần (không bắt buộc).\n"
    "Gõ theo mẫu: Nguyễn Văn A, 0912345678 — hoặc bấm «Bỏ qua».\n"
    "Thông tin này chỉ cán bộ xã xem được."
)
CONTACT_INVALID = "Tôi chưa đọc được họ tên và số điện thoại. Anh/Chị gõ theo mẫu: Nguyễn Văn A, 0912345678"
CONTACT_CANNOT_SKIP = "Kiến nghị về thủ tục hành chính bắt buộc có họ tên và số điện thoại. Anh/Chị gõ theo mẫu: Nguyễn Văn A, 0912345678"
CONFIRM_HEADER = "Anh/Chị kiểm tra lại trước khi gửi:"
CONFIRM_CATEGORY = "Lĩnh vực: {category}"
CONFIRM_BODY = "Nội dung: {body}"
CONFIRM_PHOTOS = "Ảnh: {count}"
CONFIRM_LOCATION = "Vị trí: đã gửi"
CONFIRM_CONTACT = "Liên hệ: {name}, {phone} (chỉ cán bộ xem được)"
CONFIRM_NO_CONTACT = "Liên hệ: không để lại"
CONFIRM_QUESTION_HEADER = "Anh/Chị gửi câu hỏi này cho cán bộ xã?"
EDIT_WHAT = "Anh/Chị muốn sửa phần nào?"
DRAFT_CANCELLED = "Đã hủy phản ánh đang soạn. Anh/Chị cần giúp gì tiếp?"
NOTHING_TO_SEND = (
    "Không có phản ánh nào đang chờ gửi (có thể đã gửi hoặc đã hủy). Anh/Chị xem «Phản ánh của tôi»."
)
STEP_GONE = "Bước này không còn dùng được. Anh/Chị bắt đầu lại từ «Gửi phản ánh, kiến nghị» giúp tôi."
LIMIT_REACHED = (
    "Mỗi ngày Anh/Chị gửi được tối đa {limit} phản ánh và hôm nay đã gửi đủ. "
    "Xin gửi tiếp vào ngày mai, hoặc liên hệ trực tiếp UBND xã nếu việc gấp."
)
ACK = (
    "✅ Đã tiếp nhận phản ánh của Anh/Chị.\n"
    "Mã theo dõi: {code}\n"
    "Cán bộ xã sẽ trả lời Anh/Chị tại đây. Muốn bổ sung thông tin hay ảnh, "
    "Anh/Chị trả lời vào tin này hoặc gõ /bosung {code}."
)
ACK_QUESTION = (
    "✅ Đã chuyển câu hỏi của Anh/Chị tới cán bộ xã.\nMã theo dõi: {code}\nCán bộ sẽ trả lời Anh/Chị tại đây."
)
NO_LAST_QUESTION = "Anh/Chị gõ câu hỏi gửi cán bộ xã (tối đa {limit} ký tự)."

# --- Citizen: her reports ----------------------------------------------------------------------
MINE_HEADER = "Phản ánh của Anh/Chị (mới nhất trước):"
MINE_LINE = "• {code} · {category} · {status} · {date}"
MINE_EMPTY = "Anh/Chị chưa gửi phản ánh nào."
NOT_FOUND = "Không tìm thấy phản ánh {code} của Anh/Chị. Anh/Chị kiểm tra lại mã hoặc xem «Phản ánh của tôi»."
NOT_FOUND_NO_CODE = "Không tìm thấy phản ánh này trong danh sách của Anh/Chị. Anh/Chị xem «Phản ánh của tôi»."
LOOKUP_USAGE = "Anh/Chị gõ /phananh kèm mã, ví dụ /phananh PA-2026-000123, hoặc xem «Phản ánh của tôi»."
VIEW_HEADER = "📄 {code} · {category}"
VIEW_STATUS = "Trạng thái: {status}"
VIEW_NOTE = "Ghi chú: {note}"
VIEW_SENT = "Gửi lúc: {time}"
VIEW_BODY = "Nội dung: {body}"
VIEW_RATING = "Anh/Chị đã đánh giá: {rating}/5"
VIEW_HISTORY = "Diễn biến:"
HISTORY_CITIZEN = {
    "reply": "Cán bộ trả lời: {body}",
    "status": "Chuyển trạng thái: {status}",
    "addition": "Anh/Chị bổ sung: {body}",
}

# --- Citizen: adding details ------------------------------------------------------------------------
ADD_PROMPT = "Anh/Chị gửi nội dung, ảnh hoặc vị trí bổ sung cho {code}. Xong thì bấm «Xong»."
ADD_FORWARDED = "Đã chuyển phần bổ sung tới cán bộ ({code}). Anh/Chị gửi thêm hoặc bấm «Xong»."
ADD_FORWARDED_ONCE = "Đã chuyển phần bổ sung tới cán bộ ({code})."
ADD_CLOSED = "Phản ánh {code} đã đóng, không bổ sung được nữa. Nếu sự việc vẫn còn, Anh/Chị gửi phản ánh mới."
ADD_DONE = "Cảm ơn Anh/Chị. Cán bộ sẽ xem phần bổ sung."
ADD_EXPIRED = "Phần bổ sung cho {code} đã khép lại vì lâu không dùng. Anh/Chị gửi lại tin nhắn giúp tôi."
ADD_USAGE = (
    "Anh/Chị gõ /bosung kèm mã phản ánh, ví dụ /bosung PA-2026-000123, hoặc trả lời vào tin của phản ánh đó."
)

# --- Citizen: what officials do ------------------------------------------------------------------------
RELAY = "💬 Cán bộ xã trả lời phản ánh {code}:\n{text}"
RELAY_PHOTOS_ONLY = "💬 Cán bộ xã gửi ảnh về phản ánh {code}."
RELAY_STATUS = "Trạng thái: {status}."
RELAY_PHOTOS_HIDDEN = (
    "(Cán bộ có gửi kèm {count} ảnh nhưng kênh này không hiển thị được; Anh/Chị liên hệ UBND xã nếu cần xem.)"
)
STATUS_NOTICE = {
    "received": "📥 Phản ánh {code} được chuyển về trạng thái: Đã tiếp nhận.",
    "in_progress": "🔄 Phản ánh {code} đang được xử lý.",
    "resolved": "✅ Phản ánh {code} đã được xử lý.",
    "rejected": "⛔ Phản ánh {code} không thuộc thẩm quyền giải quyết của xã.",
}
REOPENED_NOTICE = "🔄 Phản ánh {code} được mở lại để xử lý tiếp."
NOTICE_NOTE = "Ghi chú của cán bộ: {note}"
NOTICE_REASON = "Lý do: {note}"
ASK_RATING = "Anh/Chị đánh giá việc giải quyết (1 = rất không hài lòng, 5 = rất hài lòng):"
RATED = "Cảm ơn Anh/Chị đã đánh giá {rating}/5. Anh/Chị có thể gõ thêm nhận xét, hoặc bấm «Bỏ qua»."
ALREADY_RATED = "Anh/Chị đã đánh giá phản ánh {code} ({rating}/5). Cảm ơn Anh/Chị!"
NOT_RATABLE = "Phản ánh {code} chưa đóng nên chưa đánh giá được."
COMMENT_TEXT_ONLY = "Anh/Chị gõ nhận xét bằng chữ, hoặc bấm «Bỏ qua»."
COMMENT_EXPIRED = "Phần nhận xét đã khép lại vì lâu không dùng. Anh/Chị gửi lại tin nhắn giúp tôi."
COMMENT_THANKS = "Cảm ơn Anh/Chị đã góp ý. Ý kiến đã được chuyển tới cán bộ xã."
COMMENT_SKIPPED = "Cảm ơn Anh/Chị!"

# --- Staff group ----------------------------------------------------------------------------------------
CARD_NEW = "📝 PHẢN ÁNH MỚI · {code}"
CARD_NEW_QUESTION = "❓ CÂU HỎI MỚI · {code}"
CARD_OVERDUE = "⏰ QUÁ HẠN, CHƯA TRẢ LỜI ({hours} giờ làm việc) · {code}"
CARD_VIEW = "📄 {code}"
CARD_CATEGORY = "Lĩnh vực: {category}"
CARD_STATUS = "Trạng thái: {status}"
CARD_STATUS_NOTE = "Trạng thái: {status} — {note}"
CARD_SENT = "Gửi lúc: {time} · qua {channel}"
CARD_BODY = "Nội dung:\n{body}"
CARD_PHOTOS = "📷 {count} ảnh"
CARD_LOCATION = "📍 Vị trí: {lat:.5f}, {lon:.5f} · https://maps.google.com/?q={lat:.6f},{lon:.6f}"
CARD_CONTACT = "👤 Liên hệ: {name} · {phone}"
CARD_NO_CONTACT = "👤 Không để lại liên hệ"
CARD_RATING = "⭐ Đánh giá: {rating}/5"
CARD_RATING_COMMENT = "⭐ Đánh giá: {rating}/5 — {comment}"
CARD_HOWTO = "↩️ Trả lời tin này để trả lời công dân, hoặc gõ /traloi {code} nội dung."
CARD_HISTORY = "Lịch sử:"
HISTORY_STAFF = {
    "created": "Công dân gửi",
    "reply": "{who} trả lời: {body}",
    "status": "{who} chuyển «{status}»",
    "addition": "Công dân bổ sung: {body}",
    "rating": "Công dân đánh giá {body}/5",
    "comment": "Công dân nhận xét: {body}",
    "reminder": "Nhắc quá hạn trong nhóm",
}
HISTORY_NOTE = " — {note}"
HISTORY_PHOTOS = " (+{count} ảnh)"
HISTORY_LINE = "• {time} {text}"
OFFICIAL = "Cán bộ"
SYSTEM = "Hệ thống"

RELAYED = "✅ Đã chuyển trả lời tới công dân ({code})."
RELAYED_STATUS = " Trạng thái: {status}."
RELAYED_PHOTOS_LOST = "⚠️ {count} ảnh không gửi được sang {channel}: công dân chỉ nhận phần chữ."
RELAY_EMPTY = "Tin trả lời trống: không có gì để chuyển tới công dân ({code})."
RELAY_UNSUPPORTED = "Chỉ chuyển được chữ, ảnh và vị trí tới công dân ({code})."
STATUS_CHANGED = "{code}: đã chuyển sang «{status}». Công dân đã được báo."
SAME_STATUS = "{code} đã ở trạng thái «{status}»."
ASK_REASON = (
    "Lý do «Không thuộc thẩm quyền» của {code}? Anh/Chị trả lời vào tin này bằng lý do "
    "(ví dụ: thuộc thẩm quyền của Công an huyện), hoặc gõ /khongthamquyen {code} lý do."
)
REASON_REQUIRED = "Cần ghi lý do. Cách dùng: /khongthamquyen MÃ lý do."
STAFF_NOT_FOUND = "Không có phản ánh mã {code}."
STAFF_NEED_CODE = "Thiếu mã phản ánh (dạng PA-2026-000123)."
REPLY_USAGE = (
    "Cách dùng: /traloi MÃ nội dung (ví dụ /traloi PA-2026-000123 Xã đã cử người kiểm tra), "
    "hoặc trả lời thẳng vào tin của phản ánh trong nhóm."
)
CLOSE_USAGE = "Cách dùng: /dong MÃ [ghi chú kết quả] — chuyển «Đã xử lý» và mời công dân đánh giá."
PROGRESS_USAGE = "Cách dùng: /dangxuly MÃ [ghi chú]."
REJECT_USAGE = "Cách dùng: /khongthamquyen MÃ lý do."
STAFF_COMMANDS = (
    "Lệnh phản ánh: /phananh MÃ — xem, kèm lịch sử · /traloi MÃ nội dung — trả lời công dân\n"
    "/dangxuly MÃ [ghi chú] · /dong MÃ [ghi chú] · /khongthamquyen MÃ lý do — đổi trạng thái\n"
    "/chan MÃ · /bochan MÃ — chặn, bỏ chặn người gửi phản ánh"
)
ADDITION_CARD = "➕ BỔ SUNG · {code}"
RATING_CARD = "⭐ {code}: công dân đánh giá {rating}/5."
COMMENT_CARD = "💬 {code}: nhận xét của công dân: {comment}"
AUTHOR_BANNED = "Đã chặn người gửi phản ánh {code}. Bot sẽ không nhận tin của người này nữa."
AUTHOR_ALREADY_BANNED = "Người gửi phản ánh {code} đã bị chặn từ trước."
AUTHOR_UNBANNED = "Đã bỏ chặn người gửi phản ánh {code}."
AUTHOR_NOT_BANNED = "Người gửi phản ánh {code} không bị chặn."

# --- Daily summary -------------------------------------------------------------------------------------------
SUMMARY_EMPTY = "📊 Không có phản ánh nào đang mở."
SUMMARY_HEADER = "📊 Phản ánh đang mở: {total}"
SUMMARY_BUCKETS = (
    "Trong ngày: {today} · 1–2 ngày: {short} · 3–5 ngày: {medium} · Trên 5 ngày làm việc: {long}"
)
SUMMARY_OLDEST = "Cũ nhất:"
SUMMARY_LINE = "• {code} · {category} · {status} · {age} ngày làm việc{unanswered}"
SUMMARY_UNANSWERED = " · chưa trả lời"
SUMMARY_MORE = "… và {count} phản ánh khác. Gõ /phananh MÃ để xem."

# --- Export (CSV headers, for the commune's records) ----------------------------------------------------------
EXPORT_HEADERS = (
    "Mã",
    "Loại",
    "Ngày gửi",
    "Lĩnh vực",
    "Nội dung",
    "Số ảnh",
    "Vĩ độ",
    "Kinh độ",
    "Họ tên",
    "Điện thoại",
    "Kênh",
    "Trạng thái",
    "Ghi chú / lý do",
    "Trả lời đầu tiên",
    "Số lần trả lời",
    "Trả lời gần nhất",
    "Ngày đóng",
    "Đánh giá",
    "Nhận xét",
)
KIND_LABELS = {"report": "Phản ánh", "question": "Câu hỏi"}
EXPORT_DONE = "Đã xuất {count} phản ánh ({start} – {end}) ra {out}."
EXPORT_BAD_DATE = "Ngày không hợp lệ: {value} (dùng YYYY-MM-DD)."
EXPORT_BAD_RANGE = "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."


# --- Formatting helpers ------------------------------------------------------------------------------------------
def fmt_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%H:%M %d/%m/%Y")


def fmt_date(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d/%m/%Y")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parts_received(length: int, photos: int, has_location: bool) -> str:
    parts = []
    if length:
        parts.append(PART_TEXT.format(length=length))
    if photos:
        parts.append(PART_PHOTOS.format(count=photos))
    if has_location:
        parts.append(PART_LOCATION)
    return ", ".join(parts)


def location_line(lat: float, lon: float) -> str:
    return CARD_LOCATION.format(lat=lat, lon=lon)


def staff_card(report: Report, header: str, *, with_howto: bool = True) -> str:
    """The one message officials work from: everything about the report, contact included."""
    lines = [header, CARD_CATEGORY.format(category=report.category)]
    status = status_label(report.status)
    if report.status_note:
        lines.append(CARD_STATUS_NOTE.format(status=status, note=report.status_note))
    else:
        lines.append(CARD_STATUS.format(status=status))
    channel = CHANNEL_NAMES.get(report.channel, report.channel)
    lines.append(CARD_SENT.format(time=fmt_time(report.created_at), channel=channel))
    lines.append(CARD_BODY.format(body=report.body))
    if report.photos:
        lines.append(CARD_PHOTOS.format(count=len(report.photos)))
    if report.latitude is not None and report.longitude is not None:
        lines.append(location_line(report.latitude, report.longitude))
    if report.contact_name or report.contact_phone:
        lines.append(CARD_CONTACT.format(name=report.contact_name or "—", phone=report.contact_phone or "—"))
    else:
        lines.append(CARD_NO_CONTACT)
    if report.rating is not None:
        if report.rating_comment:
            lines.append(CARD_RATING_COMMENT.format(rating=report.rating, comment=report.rating_comment))
        else:
            lines.append(CARD_RATING.format(rating=report.rating))
    if with_howto:
        lines.append(CARD_HOWTO.format(code=report.code))
    return "\n".join(lines)


def staff_history(events: Sequence[Event]) -> str:
    lines = [CARD_HISTORY]
    for e in events:
        template = HISTORY_STAFF.get(e.kind)
        if template is None:
            continue
        who = e.actor_name or OFFICIAL
        text = template.format(who=who, status=status_label(e.status or ""), body=excerpt(e.body or "", 200))
        if e.kind == "status" and e.body:
            text += HISTORY_NOTE.format(note=excerpt(e.body, 200))
        if e.photos:
            text += HISTORY_PHOTOS.format(count=e.photos)
        lines.append(HISTORY_LINE.format(time=fmt_time(e.at), text=text))
    return "\n".join(lines)


def citizen_view(report: Report, events: Sequence[Event]) -> str:
    """What the author sees: no contact echo, no officials' names, the officials' answers in order."""
    lines = [
        VIEW_HEADER.format(code=report.code, category=report.category),
        VIEW_STATUS.format(status=status_label(report.status)),
    ]
    if report.status_note:
        lines.append(VIEW_NOTE.format(note=report.status_note))
    lines.append(VIEW_SENT.format(time=fmt_time(report.created_at)))
    lines.append(VIEW_BODY.format(body=excerpt(report.body, 600)))
    shown = []
    for e in events:
        template = HISTORY_CITIZEN.get(e.kind)
        if template is None:
            continue
        text = template.format(status=status_label(e.status or ""), body=excerpt(e.body or "", 400))
        if e.photos:
            text += HISTORY_PHOTOS.format(count=e.photos)
        shown.append(HISTORY_LINE.format(time=fmt_time(e.at), text=text))
    if shown:
        lines += [VIEW_HISTORY, *shown]
    if report.rating is not None:
        lines.append(VIEW_RATING.format(rating=report.rating))
    return "\n".join(lines)


def mine_list(reports: Sequence[Report]) -> str:
    lines = [MINE_HEADER]
    lines += [
        MINE_LINE.format(
            code=r.code,
            category=r.category,
            status=status_label(r.status),
            date=fmt_date(r.created_at),
        )
        for r in reports
    ]
    return "\n".join(lines)
