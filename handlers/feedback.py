"""Feedback conversations: a citizen files, follows, adds to and rates a report; officials answer it.

Citizen side: "fb:new" → category → description (text, photos, location) →
name and phone (required for a kiến nghị about administrative rules, optional
otherwise) → confirmation (Gửi / Sửa / Hủy) → "Đã tiếp nhận" with the code.
The draft lives in the conversation state, so a restart mid-way loses nothing.

Staff side: status buttons on the report's message, a reply to any message of
a report, or commands (/traloi, /dong, /dangxuly, /khongthamquyen, /phananh).
The rules, and every message sent to someone else, are in
bot/services/feedback.py; this module only reads the conversation and picks
the words.
"""

from __future__ import annotations

import datetime as dt
import time

from bot.core import CHANNELS_WITHOUT_BUTTONS, Attachment, Button, Reply, buttons
from bot.menus import FEEDBACK_NEW, MAIN_MENU_BUTTON, MY_FEEDBACK, main_menu
from bot.router import Audience, Context, Router
from bot.services import feedback as fb
from bot.services.feedback import FeedbackService, Official, service_for
from bot.services.jobs import Job
from bot.services.registry import Services
from bot.storage.feedback import NewReport, Report
from bot.texts import feedback as texts
from knowledge.normalize import fold

FLOW = "fb"
ADD_FLOW = "fb_add"
COMMENT_FLOW = "fb_comment"
# An open "add details" or "comment" conversation closes itself after this long without use, so a
# procedure question typed much later is not mistaken for more details or for a comment.
ADD_WINDOW_SECONDS = 15 * 60
UNSUPPORTED_KINDS = frozenset({"sticker", "voice", "video", "document", "other"})
SKIP_WORDS = frozenset({"bo qua", "khong", "ko", "k", "skip"})
MINE_LIMIT = 10

Keyboard = tuple[tuple[Button, ...], ...]


def _svc(ctx: Context) -> FeedbackService:
    return service_for(ctx.services)


def _unsupported(ctx: Context) -> bool:
    return any(a.kind in UNSUPPORTED_KINDS for a in ctx.message.attachments)


def _official(ctx: Context) -> Official:
    return Official(ctx.message.user_id, ctx.message.display_name)


def _offer(ctx: Context, keyboard: Keyboard) -> None:
    """For replies queued by the service (not returned): on Zalo a digit must still pick a button."""
    if ctx.message.channel in CHANNELS_WITHOUT_BUTTONS:
        ctx.state.choices = [b.payload for row in keyboard for b in row]


def _menu_row() -> list[tuple[str, str]]:
    return [(texts.BTN_MINE, MY_FEEDBACK), MAIN_MENU_BUTTON]


def _cancel_row() -> list[tuple[str, str]]:
    return [(texts.BTN_CANCEL, "fb:cancel")]


def _stale() -> list[Reply]:
    return [Reply(texts.STEP_GONE, buttons=main_menu())]


def _limit(limit: int) -> list[Reply]:
    return [Reply(texts.LIMIT_REACHED.format(limit=limit), buttons=buttons(_menu_row()))]


# --- citizen: the draft ------------------------------------------------------------------------------


def _draft(ctx: Context) -> dict | None:
    return ctx.state.data if ctx.state.flow == FLOW else None


def _categories(ctx: Context, text: str = texts.CHOOSE_CATEGORY) -> list[Reply]:
    cats = ctx.services.settings.feedback_categories
    rows = [[(name, f"fb:cat:{i}")] for i, name in enumerate(cats)]
    return [Reply(text, buttons=buttons(*rows, _cancel_row()))]


def _describe_prompt(ctx: Context, again: bool = False) -> list[Reply]:
    data = ctx.state.data
    limit = ctx.services.settings.feedback_max_length
    if again:
        text = texts.DESCRIBE_AGAIN
    elif data.get("kind") == "question":
        text = texts.DESCRIBE_QUESTION.format(limit=limit)
    else:
        text = texts.DESCRIBE.format(category=data.get("category", ""), limit=limit)
    return [Reply(text, buttons=buttons(_cancel_row()))]


def _contact_prompt(ctx: Context) -> list[Reply]:
    data = ctx.state.data
    if FeedbackService.contact_required(data.get("kind", "report"), data.get("category", "")):
        return [Reply(texts.CONTACT_REQUIRED, buttons=buttons(_cancel_row()))]
    return [Reply(texts.CONTACT_OPTIONAL, buttons=buttons([(texts.BTN_SKIP, "fb:skip")], _cancel_row()))]


def _confirm(ctx: Context) -> list[Reply]:
    data = ctx.state.data
    ctx.state.step = "confirm"
    data["reviewing"] = True
    question = data.get("kind") == "question"
    lines = [texts.CONFIRM_QUESTION_HEADER if question else texts.CONFIRM_HEADER]
    if not question:
        lines.append(texts.CONFIRM_CATEGORY.format(category=data.get("category", "")))
    lines.append(texts.CONFIRM_BODY.format(body=texts.excerpt(data.get("body", ""), 800)))
    if data.get("photos"):
        lines.append(texts.CONFIRM_PHOTOS.format(count=len(data["photos"])))
    if data.get("location"):
        lines.append(texts.CONFIRM_LOCATION)
    if not question:
        if data.get("contact_phone"):
            lines.append(texts.CONFIRM_CONTACT.format(name=data["contact_name"], phone=data["contact_phone"]))
        else:
            lines.append(texts.CONFIRM_NO_CONTACT)
    keyboard = buttons(
        [(texts.BTN_SEND, "fb:send"), (texts.BTN_EDIT, "fb:edit"), (texts.BTN_CANCEL, "fb:cancel")]
    )
    return [Reply("\n".join(lines), buttons=keyboard)]


def _after_description(ctx: Context) -> list[Reply]:
    data = ctx.state.data
    if data.get("kind") == "question" or data.get("contact_done"):
        return _confirm(ctx)
    ctx.state.step = "contact"
    return _contact_prompt(ctx)


async def start_report(ctx: Context) -> list[Reply]:
    left = await _svc(ctx).reports_left_today(ctx.message.channel, ctx.message.user_id)
    if left <= 0:
        return _limit(ctx.services.settings.feedback_per_day)
    ctx.state.start(FLOW, "category", kind="report", body="", photos=[], location=None)
    return _categories(ctx)


async def ask_official(ctx: Context) -> list[Reply]:
    """The procedures dead end: send the citizen's last question to the officials as a ticket."""
    question = str(ctx.state.data.get("last_question") or "").strip()
    left = await _svc(ctx).reports_left_today(ctx.message.channel, ctx.message.user_id)
    if left <= 0:
        return _limit(ctx.services.settings.feedback_per_day)
    limit = ctx.services.settings.feedback_max_length
    ctx.state.start(
        FLOW,
        "describe",
        kind="question",
        category=texts.QUESTION_CATEGORY,
        body=question[:limit],
        photos=[],
        location=None,
        contact_done=True,
    )
    if question:
        return _confirm(ctx)
    return [Reply(texts.NO_LAST_QUESTION.format(limit=limit), buttons=buttons(_cancel_row()))]


def choose_category(ctx: Context, index: str) -> list[Reply]:
    data = _draft(ctx)
    cats = ctx.services.settings.feedback_categories
    if data is None or ctx.state.step != "category" or not index.isdigit() or int(index) >= len(cats):
        return _stale()
    data["category"] = cats[int(index)]
    if data.get("reviewing"):
        required = FeedbackService.contact_required(data.get("kind", "report"), data["category"])
        if required and not data.get("contact_phone"):
            data["contact_done"] = False
            ctx.state.step = "contact"
            return _contact_prompt(ctx)
        return _confirm(ctx)
    ctx.state.step = "describe"
    return _describe_prompt(ctx)


def describe(ctx: Context) -> list[Reply]:
    """Each message adds to the draft; a message that would break a rule changes nothing."""
    data = ctx.state.data
    message = ctx.message
    limit = ctx.services.settings.feedback_max_length
    if _unsupported(ctx):
        return [Reply(texts.UNSUPPORTED, buttons=buttons(_cancel_row()))]
    text = message.text.strip()
    photos = [p.to_dict() for p in message.photos]
    location = message.location
    if not text and not photos and location is None:
        return [Reply(texts.EMPTY_REPORT, buttons=buttons(_cancel_row()))]
    body = data.get("body", "")
    new_body = f"{body}\n{text}" if body and text else (body or text)
    if len(new_body) > limit:
        too_long = texts.TOO_LONG.format(length=len(new_body), limit=limit)
        return [Reply(too_long, buttons=buttons(_cancel_row()))]
    if len(data.get("photos", [])) + len(photos) > fb.MAX_PHOTOS:
        return [Reply(texts.TOO_MANY_PHOTOS.format(limit=fb.MAX_PHOTOS), buttons=buttons(_cancel_row()))]
    data["body"] = new_body
    data["photos"] = [*data.get("photos", []), *photos]
    if location is not None:
        data["location"] = location.to_dict()
    parts = texts.parts_received(len(new_body), len(data["photos"]), bool(data.get("location")))
    keyboard = buttons([(texts.BTN_CONTINUE, "fb:next")], _cancel_row())
    return [Reply(texts.GOT_PARTS.format(parts=parts), buttons=keyboard)]


def description_done(ctx: Context) -> list[Reply]:
    data = _draft(ctx)
    if data is None or ctx.state.step != "describe":
        return _stale()
    if not data.get("body", "").strip():
        return [Reply(texts.EMPTY_REPORT, buttons=buttons(_cancel_row()))]
    return _after_description(ctx)


def contact(ctx: Context) -> list[Reply]:
    data = ctx.state.data
    required = FeedbackService.contact_required(data.get("kind", "report"), data.get("category", ""))
    text = ctx.message.text.strip()
    parsed = fb.parse_contact(text)
    if parsed is None:
        if not required and fold(text) in SKIP_WORDS:
            return skip_contact(ctx)
        return [Reply(texts.CONTACT_INVALID, buttons=_contact_prompt(ctx)[0].buttons)]
    data["contact_name"], data["contact_phone"] = parsed
    data["contact_done"] = True
    return _confirm(ctx)


def skip_contact(ctx: Context) -> list[Reply]:
    data = _draft(ctx)
    if data is None or ctx.state.step != "contact":
        return _stale()
    if FeedbackService.contact_required(data.get("kind", "report"), data.get("category", "")):
        return [Reply(texts.CONTACT_CANNOT_SKIP, buttons=buttons(_cancel_row()))]
    data["contact_name"] = data["contact_phone"] = None
    data["contact_done"] = True
    return _confirm(ctx)


def edit_menu(ctx: Context, what: str) -> list[Reply]:
    data = _draft(ctx)
    if data is None or ctx.state.step != "confirm":
        return _stale()
    if what == "text" or (data.get("kind") == "question" and what == ""):
        data["body"] = ""
        ctx.state.step = "describe"
        return _describe_prompt(ctx, again=data.get("kind") != "question")
    if what == "cat":
        ctx.state.step = "category"
        return _categories(ctx)
    if what == "contact":
        data["contact_done"] = False
        ctx.state.step = "contact"
        return _contact_prompt(ctx)
    keyboard = buttons(
        [
            (texts.BTN_EDIT_TEXT, "fb:edit:text"),
            (texts.BTN_EDIT_CATEGORY, "fb:edit:cat"),
            (texts.BTN_EDIT_CONTACT, "fb:edit:contact"),
        ],
        [(texts.BTN_BACK, "fb:review")],
    )
    return [Reply(texts.EDIT_WHAT, buttons=keyboard)]


async def send_draft(ctx: Context) -> list[Reply]:
    """The report and its "Đã tiếp nhận" are written in this message's transaction, or neither is."""
    data = _draft(ctx)
    if data is None or ctx.state.step != "confirm":
        return [Reply(texts.NOTHING_TO_SEND, buttons=buttons(_menu_row()))]
    message = ctx.message
    location = Attachment.from_dict(data["location"]) if data.get("location") else None
    new = NewReport(
        kind=data.get("kind", "report"),
        channel=message.channel,
        user_id=message.user_id,
        chat_id=message.chat_id,
        category=data.get("category", ""),
        body=data.get("body", "").strip(),
        photos=tuple(Attachment.from_dict(p) for p in data.get("photos", [])),
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        contact_name=data.get("contact_name"),
        contact_phone=data.get("contact_phone"),
    )
    try:
        report = await _svc(ctx).submit(new)
    except fb.LimitReached as exc:
        ctx.state.clear()
        return _limit(exc.limit)
    except fb.EmptyReport:
        ctx.state.step = "describe"
        return [Reply(texts.EMPTY_REPORT, buttons=buttons(_cancel_row()))]
    ctx.state.clear()
    _offer(ctx, fb.citizen_followup_buttons(report))
    return []


def cancel_draft(ctx: Context) -> list[Reply]:
    if ctx.state.flow in (FLOW, ADD_FLOW, COMMENT_FLOW):
        ctx.state.clear()
    return [Reply(texts.DRAFT_CANCELLED, buttons=main_menu())]


async def draft_flow(ctx: Context) -> list[Reply]:
    step = ctx.state.step
    if step == "describe":
        return describe(ctx)
    if _unsupported(ctx):
        return [Reply(texts.UNSUPPORTED, buttons=buttons(_cancel_row()))]
    if step == "contact":
        return contact(ctx)
    if step == "category":
        return _categories(ctx, texts.CHOOSE_CATEGORY_AGAIN)
    if step == "confirm":
        return _confirm(ctx)
    ctx.state.clear()
    return _stale()


# --- citizen: her reports --------------------------------------------------------------------------


def _view_buttons(report: Report) -> Keyboard:
    rows: list[list[tuple[str, str]]] = []
    if report.is_open:
        rows.append([(texts.BTN_ADD, f"fb:add:{report.id}")])
    elif report.rating is None:
        rows.append([(label, f"fb:rate:{report.id}:{i}") for i, label in enumerate(texts.RATING_LABELS, 1)])
    rows.append(_menu_row())
    return buttons(*rows)


async def _view(ctx: Context, report: Report) -> list[Reply]:
    events = await _svc(ctx).history(report)
    return [Reply(texts.citizen_view(report, events), buttons=_view_buttons(report))]


async def my_reports(ctx: Context) -> list[Reply]:
    reports = await _svc(ctx).mine(ctx.message.channel, ctx.message.user_id, MINE_LIMIT)
    new_row = [(texts.BTN_NEW, FEEDBACK_NEW), MAIN_MENU_BUTTON]
    if not reports:
        return [Reply(texts.MINE_EMPTY, buttons=buttons(new_row))]
    rows = [[(texts.BTN_VIEW.format(code=r.code), f"fb:view:{r.id}")] for r in reports]
    return [Reply(texts.mine_list(reports), buttons=buttons(*rows, new_row))]


async def _own(ctx: Context, raw_id: str) -> Report | None:
    if not raw_id.isdigit():
        return None
    return await _svc(ctx).get_own(ctx.message.channel, ctx.message.user_id, int(raw_id))


async def view_report(ctx: Context, raw_id: str) -> list[Reply]:
    report = await _own(ctx, raw_id)
    if report is None:
        return [Reply(texts.NOT_FOUND_NO_CODE, buttons=buttons(_menu_row()))]
    return await _view(ctx, report)


async def lookup(ctx: Context) -> list[Reply]:
    """`/phananh CODE`: officials see everything; a citizen sees only her own reports."""
    if ctx.is_staff:
        return await staff_lookup(ctx)
    code = fb.find_code(ctx.message.command_args)
    if code is None:
        return [Reply(texts.LOOKUP_USAGE, buttons=buttons(_menu_row()))]
    report = await _svc(ctx).find_own(ctx.message.channel, ctx.message.user_id, code)
    if report is None:
        return [Reply(texts.NOT_FOUND.format(code=code), buttons=buttons(_menu_row()))]
    return await _view(ctx, report)


async def code_typed(ctx: Context) -> list[Reply]:
    """A bare code typed as a message: "Bổ sung PA-… nội dung" adds to it, a code alone shows it."""
    text = ctx.message.text.strip()
    code, rest = fb.split_code(text)
    if code is None:
        return _stale()
    report = await _svc(ctx).find_own(ctx.message.channel, ctx.message.user_id, code)
    if report is None:
        return [Reply(texts.NOT_FOUND.format(code=code), buttons=buttons(_menu_row()))]
    if fold(text).startswith("bo sung"):
        rest = rest[len("bổ sung") :].strip(" :,-–") if fold(rest).startswith("bo sung") else rest
        return await _add_now_or_open(ctx, report, rest)
    return await _view(ctx, report)


def _is_code_message(text: str) -> bool:
    code, rest = fb.split_code(text)
    if code is None:
        return False
    return not fold(rest) or fold(text).startswith("bo sung")


# --- citizen: adding details -------------------------------------------------------------------------


def _add_keyboard() -> Keyboard:
    return buttons([(texts.BTN_DONE, "fb:done")])


def _closed_reply(report: Report) -> list[Reply]:
    return [
        Reply(
            texts.ADD_CLOSED.format(code=report.code),
            buttons=buttons([(texts.BTN_NEW, FEEDBACK_NEW), MAIN_MENU_BUTTON]),
        )
    ]


async def _append(ctx: Context, report: Report, text: str) -> list[Reply] | None:
    """Add this message to the report; None when it was added, else the reason it was not."""
    if _unsupported(ctx):
        return [Reply(texts.UNSUPPORTED)]
    try:
        await _svc(ctx).add_details(report, text, ctx.message.photos, ctx.message.location)
    except fb.ReportClosed:
        return _closed_reply(report)
    except fb.EmptyReport:
        return [Reply(texts.ADD_PROMPT.format(code=report.code), buttons=_add_keyboard())]
    except fb.TooLong as exc:
        return [Reply(texts.TOO_LONG.format(length=exc.length, limit=exc.limit))]
    return None


def _open_add(ctx: Context, report: Report) -> list[Reply]:
    ctx.state.start(ADD_FLOW, "collect", report_id=report.id, until=time.time() + ADD_WINDOW_SECONDS)
    return [Reply(texts.ADD_PROMPT.format(code=report.code), buttons=_add_keyboard())]


async def _add_now_or_open(ctx: Context, report: Report, text: str) -> list[Reply]:
    if not report.is_open:
        return _closed_reply(report)
    if not text.strip() and not ctx.message.photos and ctx.message.location is None:
        return _open_add(ctx, report)
    refused = await _append(ctx, report, text)
    if refused is not None:
        return refused
    keyboard = buttons([(texts.BTN_ADD, f"fb:add:{report.id}")], _menu_row())
    return [Reply(texts.ADD_FORWARDED_ONCE.format(code=report.code), buttons=keyboard)]


async def add_button(ctx: Context, raw_id: str) -> list[Reply]:
    report = await _own(ctx, raw_id)
    if report is None:
        return [Reply(texts.NOT_FOUND_NO_CODE, buttons=buttons(_menu_row()))]
    if not report.is_open:
        return _closed_reply(report)
    return _open_add(ctx, report)


async def add_command(ctx: Context) -> list[Reply]:
    """`/bosung CODE [nội dung]` (a photo's caption works too)."""
    code, rest = fb.split_code(ctx.message.command_args)
    if code is None:
        return [Reply(texts.ADD_USAGE, buttons=buttons(_menu_row()))]
    report = await _svc(ctx).find_own(ctx.message.channel, ctx.message.user_id, code)
    if report is None:
        return [Reply(texts.NOT_FOUND.format(code=code), buttons=buttons(_menu_row()))]
    return await _add_now_or_open(ctx, report, rest)


async def add_flow(ctx: Context) -> list[Reply]:
    data = ctx.state.data
    report = await _svc(ctx).get_own(ctx.message.channel, ctx.message.user_id, int(data.get("report_id", 0)))
    if report is None:
        ctx.state.clear()
        return [Reply(texts.NOT_FOUND_NO_CODE, buttons=main_menu())]
    if time.time() > float(data.get("until", 0)):
        ctx.state.clear()
        return [Reply(texts.ADD_EXPIRED.format(code=report.code), buttons=main_menu())]
    refused = await _append(ctx, report, ctx.message.text)
    if refused is not None:
        if not report.is_open:
            ctx.state.clear()
        return refused
    data["until"] = time.time() + ADD_WINDOW_SECONDS
    return [Reply(texts.ADD_FORWARDED.format(code=report.code), buttons=_add_keyboard())]


def add_done(ctx: Context) -> list[Reply]:
    if ctx.state.flow == ADD_FLOW:
        ctx.state.clear()
    return [Reply(texts.ADD_DONE, buttons=main_menu())]


async def citizen_reply(ctx: Context) -> list[Reply] | None:
    """A reply to one of the bot's messages about her report adds to it; anything else is not ours."""
    message = ctx.message
    if message.reply_to_message_id is None:
        return None
    found = await _svc(ctx).located(message.channel, message.chat_id, message.reply_to_message_id)
    if found is None or found.asks_reason or not found.report.owned_by(message.channel, message.user_id):
        return None
    report = found.report
    if not report.is_open:
        return _closed_reply(report)
    refused = await _append(ctx, report, message.text)
    if refused is not None:
        return refused
    return [Reply(texts.ADD_FORWARDED_ONCE.format(code=report.code))]


# --- citizen: rating -----------------------------------------------------------------------------------


async def rate(ctx: Context, arg: str) -> list[Reply]:
    raw_id, _, raw_rating = arg.partition(":")
    report = await _own(ctx, raw_id)
    if report is None or not raw_rating.isdigit() or not 1 <= int(raw_rating) <= 5:
        return [Reply(texts.NOT_FOUND_NO_CODE, buttons=buttons(_menu_row()))]
    try:
        recorded = await _svc(ctx).rate(report, int(raw_rating))
    except fb.NotClosed:
        return [Reply(texts.NOT_RATABLE.format(code=report.code), buttons=buttons(_menu_row()))]
    if not recorded:
        fresh = await _svc(ctx).get(report.id)
        rating = fresh.rating if fresh else raw_rating
        return [Reply(texts.ALREADY_RATED.format(code=report.code, rating=rating), buttons=main_menu())]
    ctx.state.start(COMMENT_FLOW, "comment", report_id=report.id, until=time.time() + ADD_WINDOW_SECONDS)
    keyboard = buttons([(texts.BTN_SKIP, "fb:nocomment")])
    return [Reply(texts.RATED.format(rating=int(raw_rating)), buttons=keyboard)]


async def comment_flow(ctx: Context) -> list[Reply]:
    report = await _svc(ctx).get_own(
        ctx.message.channel, ctx.message.user_id, int(ctx.state.data.get("report_id", 0))
    )
    if report is None:
        ctx.state.clear()
        return _stale()
    if time.time() > float(ctx.state.data.get("until", 0)):
        ctx.state.clear()
        return [Reply(texts.COMMENT_EXPIRED, buttons=main_menu())]
    text = ctx.message.text.strip()
    if not text or _unsupported(ctx):
        return [Reply(texts.COMMENT_TEXT_ONLY, buttons=buttons([(texts.BTN_SKIP, "fb:nocomment")]))]
    try:
        await _svc(ctx).comment(report, text)
    except fb.TooLong as exc:
        return [Reply(texts.TOO_LONG.format(length=exc.length, limit=exc.limit))]
    ctx.state.clear()
    return [Reply(texts.COMMENT_THANKS, buttons=main_menu())]


def skip_comment(ctx: Context) -> list[Reply]:
    if ctx.state.flow == COMMENT_FLOW:
        ctx.state.clear()
    return [Reply(texts.COMMENT_SKIPPED, buttons=main_menu())]


async def citizen_button(ctx: Context) -> list[Reply]:
    """Every `fb:` payload. Ids in payloads are checked against the presser, never trusted."""
    action, _, rest = ctx.arg.partition(":")
    if action == "new":
        return await start_report(ctx)
    if action == "ask":
        return await ask_official(ctx)
    if action == "cat":
        return choose_category(ctx, rest)
    if action == "next":
        return description_done(ctx)
    if action == "skip":
        return skip_contact(ctx)
    if action == "send":
        return await send_draft(ctx)
    if action == "edit":
        return edit_menu(ctx, rest)
    if action == "review":
        return _confirm(ctx) if _draft(ctx) is not None and ctx.state.step == "confirm" else _stale()
    if action == "cancel":
        return cancel_draft(ctx)
    if action == "mine":
        return await my_reports(ctx)
    if action == "view":
        return await view_report(ctx, rest)
    if action == "add":
        return await add_button(ctx, rest)
    if action == "done":
        return add_done(ctx)
    if action == "rate":
        return await rate(ctx, rest)
    if action == "nocomment":
        return skip_comment(ctx)
    return _stale()


# --- staff ---------------------------------------------------------------------------------------------


async def _target(ctx: Context) -> tuple[Report | None, str, str | None]:
    """(report, the words after its code, the code asked for) from the arguments, or from the replied-to
    message when no code is given."""
    code, rest = fb.split_code(ctx.message.command_args)
    svc = _svc(ctx)
    if code is not None:
        return await svc.find(code), rest, code
    if ctx.message.reply_to_message_id:
        found = await svc.located(ctx.message.channel, ctx.message.chat_id, ctx.message.reply_to_message_id)
        if found is not None:
            return found.report, rest, None
    return None, rest, None


async def staff_lookup(ctx: Context) -> list[Reply]:
    report, _, code = await _target(ctx)
    if report is None:
        if code is not None:
            return [Reply(texts.STAFF_NOT_FOUND.format(code=code))]
        summary = await _svc(ctx).summary_text()
        return [Reply(f"{summary}\n\n{texts.STAFF_COMMANDS}")]
    chat = (ctx.message.channel, ctx.message.chat_id)
    await _svc(ctx).show_to_staff(report, chat, ctx.message.thread_id)
    return []


async def reply_command(ctx: Context) -> list[Reply]:
    """`/traloi CODE nội dung` — the same as replying to the report's message, for the console and for
    officials who prefer commands."""
    report, rest, code = await _target(ctx)
    if report is None:
        return [Reply(texts.STAFF_NOT_FOUND.format(code=code) if code else texts.REPLY_USAGE)]
    return await _relay(ctx, report, rest)


async def _relay(ctx: Context, report: Report, text: str) -> list[Reply]:
    if _unsupported(ctx):
        return [Reply(texts.RELAY_UNSUPPORTED.format(code=report.code))]
    try:
        await _svc(ctx).relay(
            report,
            _official(ctx),
            text,
            ctx.message.photos,
            ctx.message.location,
            reply_thread=ctx.message.thread_id,
        )
    except fb.EmptyReport:
        return [Reply(texts.RELAY_EMPTY.format(code=report.code))]
    return []


async def _set_status(ctx: Context, status: str, usage: str) -> list[Reply]:
    report, note, code = await _target(ctx)
    if report is None:
        return [Reply(texts.STAFF_NOT_FOUND.format(code=code) if code else usage)]
    try:
        await _svc(ctx).change_status(report, status, _official(ctx), note, ctx.message.thread_id)
    except fb.SameStatus:
        return [Reply(texts.SAME_STATUS.format(code=report.code, status=texts.status_label(status)))]
    except fb.ReasonRequired:
        return [Reply(texts.REASON_REQUIRED)]
    return []


async def close_command(ctx: Context) -> list[Reply]:
    return await _set_status(ctx, "resolved", texts.CLOSE_USAGE)


async def progress_command(ctx: Context) -> list[Reply]:
    return await _set_status(ctx, "in_progress", texts.PROGRESS_USAGE)


async def reject_command(ctx: Context) -> list[Reply]:
    return await _set_status(ctx, "rejected", texts.REJECT_USAGE)


async def status_button(ctx: Context) -> list[Reply]:
    """`fbst:<id>:<status>` on the report's message in the staff group (STAFF routes only)."""
    raw_id, _, status = ctx.arg.partition(":")
    report = await _svc(ctx).get(int(raw_id)) if raw_id.isdigit() else None
    if report is None or status not in fb.STAFF_STATUSES:
        return [Reply(texts.STAFF_NOT_FOUND.format(code=raw_id))]
    if status == report.status:
        return [Reply(texts.SAME_STATUS.format(code=report.code, status=texts.status_label(status)))]
    if status == "rejected":
        await _svc(ctx).ask_reason(report, ctx.message.thread_id)
        return []
    await _svc(ctx).change_status(report, status, _official(ctx), "", ctx.message.thread_id)
    return []


async def staff_text(ctx: Context) -> list[Reply]:
    """A reply in the group to any message of a report answers the citizen; other chatter is left alone."""
    message = ctx.message
    if not message.reply_to_message_id:
        return []
    found = await _svc(ctx).located(message.channel, message.chat_id, message.reply_to_message_id)
    if found is None:
        return []
    if found.asks_reason:
        reason = message.text.strip()
        if not reason:
            return [Reply(texts.REASON_REQUIRED)]
        report = found.report
        if report.status == "rejected" and report.status_note == reason:
            return [Reply(texts.SAME_STATUS.format(code=report.code, status=texts.status_label("rejected")))]
        await _svc(ctx).change_status(report, "rejected", _official(ctx), reason, message.thread_id)
        return []
    return await _relay(ctx, found.report, message.text)


# --- periodic jobs ------------------------------------------------------------------------------------------


def _overdue_period(services: Services, now: dt.datetime) -> str | None:
    """Every ten minutes of office hours: nobody reads a reminder posted at night."""
    if not service_for(services).in_office_hours(now):
        return None
    return f"{now:%Y-%m-%dT%H}:{now.minute // 10}"


async def _run_overdue(services: Services) -> None:
    await service_for(services).post_overdue()


def _summary_period(services: Services, now: dt.datetime) -> str | None:
    svc = service_for(services)
    if now.hour < services.settings.daily_summary_hour or not svc.calendar.is_working_day(now.date()):
        return None
    return now.date().isoformat()


async def _run_summary(services: Services) -> None:
    await service_for(services).post_daily_summary()


def jobs() -> list[Job]:
    return [
        Job("feedback_overdue", _overdue_period, _run_overdue),
        Job("feedback_daily_summary", _summary_period, _run_summary),
    ]


def register(router: Router) -> None:
    router.button("fb", citizen_button)
    router.button("fbst", status_button, Audience.STAFF)
    router.flow(FLOW, draft_flow)
    router.flow(ADD_FLOW, add_flow)
    router.flow(COMMENT_FLOW, comment_flow)
    router.command("phananh", lookup, Audience.ANYONE)
    router.command("bosung", add_command)
    router.command("traloi", reply_command, Audience.STAFF)
    router.command("dong", close_command, Audience.STAFF)
    router.command("dangxuly", progress_command, Audience.STAFF)
    router.command("khongthamquyen", reject_command, Audience.STAFF)
    # First among the text routes: "PA-2026-000123" is also shaped like a dossier code (handlers/dossiers.py),
    # and this predicate is the narrower one (a bare report code, or "bổ sung" + code).
    router.on_text_matching(_is_code_message, code_typed)
    router.text_routes.insert(0, router.text_routes.pop())
    router.on_staff_text(staff_text)
    router.on_citizen_reply(citizen_reply)
