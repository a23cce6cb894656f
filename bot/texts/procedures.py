"""What a citizen reads about a procedure: the card, referrals, clarify and not-understood messages.

Plain text only (Telegram and Zalo both get it verbatim), full diacritics,
"Anh/Chị", and short lines that read well on a phone. The functions are pure so
a clerk's wording change can be checked by a unit test without a bot.
"""

from __future__ import annotations

import datetime as dt

from bot.texts.browse import BTN_ASK_OFFICIAL
from bot.texts.common import MENU_DOSSIER
from knowledge.model import Document, Fee, Procedure, ProcessingTime, Referral

CHANNEL_NAMES = {"in_person": "trực tiếp", "online": "trực tuyến", "post": "qua bưu chính"}

CLARIFY_BESIDE = "Nếu Anh/Chị hỏi thủ tục của xã, Anh/Chị chọn một thủ tục dưới đây để xem giấy tờ cần chuẩn bị."
CLARIFY_PROMPT = "Anh/Chị đang hỏi thủ tục nào dưới đây? Anh/Chị chọn một thủ tục để xem giấy tờ cần chuẩn bị."
NOT_UNDERSTOOD = (
    "Xin lỗi, tôi chưa hiểu Anh/Chị hỏi thủ tục nào.\n"
    "Anh/Chị có thể:\n"
    "• Gõ lại ngắn gọn, ví dụ: «đăng ký kết hôn cần gì»\n"
    "• Chọn «Hỏi thủ tục» để xem thủ tục theo lĩnh vực\n"
    "• Gửi câu hỏi cho cán bộ xã qua mục «Gửi phản ánh, kiến nghị»"
)
ASKS_NOTHING = (
    "Cảm ơn Anh/Chị đã nhắn. Tôi chỉ giúp tra cứu thủ tục hành chính của xã.\n"
    "• Góp ý, phản ánh: Anh/Chị chọn «Gửi phản ánh, kiến nghị» để cán bộ xã xem.\n"
    "• Hỏi thủ tục: Anh/Chị gõ câu hỏi, ví dụ «đăng ký kết hôn cần gì»."
)
UNCERTAIN_NOTE = "Một số thông tin trên đang được cán bộ kiểm tra lại; Anh/Chị nên hỏi Trung tâm trước khi đi nộp."
CARD_FOOTER = "Anh/Chị cần hỏi thêm thì gõ câu hỏi hoặc liên hệ Trung tâm Phục vụ hành chính công của xã."


def format_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def format_vnd(amount: int | None) -> str:
    """Vietnamese thousands separator; None means the province sets it, 0 means free."""
    if amount is None:
        return "theo mức HĐND tỉnh quy định"
    if amount == 0:
        return "miễn phí"
    return f"{amount:,}".replace(",", ".") + " đồng"


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


def processing_time_text(t: ProcessingTime) -> str:
    """The written text when the clerk gave one; the 15:00 rule is added if the text forgot it."""
    if t.text:
        text = t.text.rstrip(".")
    elif t.unit == "same_day":
        text = "Trong ngày"
    elif t.unit == "working_days":
        text = f"{_number(t.value)} ngày làm việc"
    else:
        text = f"{_number(t.value)} ngày"
    if t.cutoff and t.cutoff.split(":")[0] not in text:
        text += f" (nộp sau {t.cutoff} thì tính từ ngày làm việc tiếp theo)"
    return text


def _counts(d: Document) -> str:
    parts = []
    if d.originals:
        parts.append(f"{d.originals} bản chính")
    if d.copies:
        parts.append(f"{d.copies} bản sao")
    return " + ".join(parts)


def _document_lines(i: int, d: Document) -> list[str]:
    counts = _counts(d)
    line = f"{i}. {d.name}" + (f": {counts}" if counts else "")
    lines = [line]
    if d.form:
        # Clerks write either "Mẫu số 01 …" or just the circular; never print "Mẫu: Mẫu …".
        lines.append(f"   {d.form}" if d.form.casefold().startswith("mẫu") else f"   Mẫu: {d.form}")
    if d.note:
        lines.append(f"   {d.note}")
    return lines


def _fee_line(f: Fee) -> str:
    if f.in_person == f.online:
        amount = format_vnd(f.in_person)
    else:
        amount = f"nộp trực tiếp {format_vnd(f.in_person)}, nộp trực tuyến {format_vnd(f.online)}"
    unit = f"/{f.unit}" if f.unit and f.in_person else ""
    return f"• {f.name}: {amount}{unit}"


def _status_banner(p: Procedure, replacement: Procedure | None) -> list[str]:
    if p.status == "abolished":
        since = f" từ ngày {format_date(p.effective_date)}" if p.effective_date else ""
        lines = [f"⚠️ THỦ TỤC NÀY ĐÃ BỊ BÃI BỎ{since}."]
        if p.replaced_by:
            name = f" «{replacement.name}»" if replacement is not None else ""
            lines.append(f"Thay thế bằng thủ tục{name} (mã {p.replaced_by}).")
        if p.status_note:
            lines.append(p.status_note)
        return lines
    if p.status == "amended":
        since = f" ngày {format_date(p.amended_on)}" if p.amended_on else ""
        lines = [f"ℹ️ Thủ tục đã được sửa đổi, bổ sung{since}."]
        if p.status_note:
            lines.append(p.status_note)
        return lines
    return []


def procedure_card(p: Procedure, replacement: Procedure | None = None) -> str:
    """Everything needed to go to the desk once; pass `replacement` to name what replaced an abolished one."""
    lines = [f"📋 {p.name}", f"Mã thủ tục: {p.code} · Lĩnh vực: {p.field}"]
    banner = _status_banner(p, replacement)
    if banner:
        lines += ["", *banner]

    lines += ["", "📄 Giấy tờ cần nộp:"]
    if p.documents:
        for i, d in enumerate(p.documents, 1):
            lines += _document_lines(i, d)
    else:
        lines.append("Không cần giấy tờ kèm theo.")

    lines += ["", f"⏱ Thời hạn giải quyết: {processing_time_text(p.processing_time)}"]

    fee_lines: list[str] = []
    if p.fees_text:
        fee_lines.append(f"💰 Lệ phí: {p.fees_text}")
        fee_lines += [_fee_line(f) for f in p.fees if f.in_person != f.online]
    elif p.fees:
        fee_lines.append("💰 Lệ phí:")
        fee_lines += [_fee_line(f) for f in p.fees]
    else:
        fee_lines.append("💰 Lệ phí: Anh/Chị hỏi cán bộ khi nộp hồ sơ.")
    lines += fee_lines

    how = ", ".join(CHANNEL_NAMES[c] for c in p.channels if c in CHANNEL_NAMES)
    lines += ["", f"🏢 Nơi nộp: {p.where}"]
    if how:
        lines.append(f"Cách nộp: {how}")
    if p.online_url and "online" in p.channels:
        lines.append(f"Nộp trực tuyến: {p.online_url}")

    lines += [
        "",
        f"✅ Kết quả: {p.result}",
        f"Cơ quan giải quyết: {p.deciding_body}",
    ]
    if p.legal_basis:
        lines.append("Căn cứ pháp lý:")
        lines += [f"• {b}" for b in p.legal_basis]
    lines += ["", f"Cập nhật: {format_date(p.checked_on)}"]
    if p.uncertain:
        lines.append(UNCERTAIN_NOTE)
    lines.append(CARD_FOOTER)
    return "\n".join(lines)


def referral_text(r: Referral) -> str:
    """Name the agency and where to go, so the citizen does not make a wasted trip to the commune."""
    if r.at_commune:
        return _uncovered_text(r)
    lines = [
        f"Việc «{r.topic}» không do Trung tâm Phục vụ hành chính công của xã giải quyết.",
        f"🏢 Cơ quan giải quyết: {r.agency}",
        f"Nơi nộp: {r.where}",
        *_referral_details(r),
        "Anh/Chị cần hỏi thủ tục khác của xã thì gõ câu hỏi hoặc chọn «Hỏi thủ tục».",
    ]
    return "\n".join(lines)


def _uncovered_text(r: Referral) -> str:
    """A commune matter without a card: where to go, and an official for the papers, rather than the
    card of a look-alike procedure."""
    lines = [
        f"Việc «{r.topic}» do xã giải quyết, nhưng hướng dẫn này chưa có thủ tục đó.",
        f"🏢 Nơi nộp: {r.where}",
        f"Cơ quan giải quyết: {r.agency}",
        *_referral_details(r),
        f"Anh/Chị bấm «{BTN_ASK_OFFICIAL}» để cán bộ hướng dẫn giấy tờ cụ thể.",
    ]
    return "\n".join(lines)


def _referral_details(r: Referral) -> list[str]:
    lines = []
    if r.online_url:
        lines.append(f"Trực tuyến: {r.online_url}")
    if r.note:
        lines.append(r.note)
    lines.append(f"Cập nhật: {format_date(r.checked_on)}")
    return lines


def clarify_prompt(beside: Referral | None = None) -> str:
    """`beside`: another office's matter the question named, yet it reads like one of ours. Both
    ways on, the office first, so that neither citizen makes a wasted trip."""
    if beside is None:
        return CLARIFY_PROMPT
    return f"Nếu Anh/Chị hỏi việc «{beside.topic}»: việc này do {beside.agency} giải quyết.\n\n{CLARIFY_BESIDE}"


def not_understood() -> str:
    return NOT_UNDERSTOOD


ASKS_PROGRESS = (
    "Anh/Chị muốn biết hồ sơ đã nộp được giải quyết đến đâu?\n"
    f"Anh/Chị chọn «{MENU_DOSSIER}» rồi nhập mã hồ sơ in trên «Giấy tiếp nhận hồ sơ và hẹn trả kết quả»."
)


def asks_progress() -> str:
    """For a question about how far the citizen's own dossier has got: the lookup answers it."""
    return ASKS_PROGRESS


def asks_nothing() -> str:
    """For thanks, complaints, statistics and opinions: understood, but nothing to look up."""
    return ASKS_NOTHING


def split_for_limit(text: str, limit: int) -> list[str]:
    """Cut a long message for a channel's size limit (4096 Telegram, 2000 Zalo) between lines.

    A message is cut mid-line only when a single line is longer than the limit, and then at a space
    when there is one, so a card never loses or garbles a line.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        pieces = _split_long_line(line, limit) if len(line) > limit else [line]
        for piece in pieces:
            extra = len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = len(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    out = [c.strip("\n") for c in chunks]
    return [c for c in out if c.strip()]


def _split_long_line(line: str, limit: int) -> list[str]:
    parts: list[str] = []
    rest = line
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut <= limit // 2:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
