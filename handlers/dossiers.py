"""Dossier lookup for citizens (code → last phone digits → answer, follow / unfollow) and the
officials' dossier commands in the staff group (/hoso, /capnhat, /baocao), plus the morning summary.

The lookup is a two-step flow kept in the conversation state, so a restart
between "here is my code" and "here are my digits" loses nothing. The code
a person has just passed the check for is remembered in the state, and the
"Theo dõi hồ sơ này" button carries no code at all: a forged payload cannot
subscribe anyone to anything. "Bỏ theo dõi" carries a subscription id, and
only the sender's own subscription with that id is ever removed.
"""

from __future__ import annotations

import asyncio
import time

from bot.core import Attachment, Button, Reply, buttons
from bot.menus import CONTACT, DOSSIER_LOOKUP, MAIN_MENU_BUTTON
from bot.router import Audience, Context, Router
from bot.services import dossiers as service
from bot.services.dossier_model import DossierStatus, UnknownStatusError, normalize_code, split_status_prefix
from bot.services.jobs import Job
from bot.services.registry import Services
from bot.services.timeliness import render_report_text
from bot.storage import dossiers as store
from bot.texts import dossiers as texts

FLOW = "dossier"
STEP_CODE = "code"
STEP_DIGITS = "digits"
VERIFIED_CODE = "dossier_verified"
VERIFIED_AT = "dossier_verified_at"

Keyboard = tuple[tuple[Button, ...], ...]


def _menu_only() -> Keyboard:
    return buttons([MAIN_MENU_BUTTON])


def _after_failure() -> Keyboard:
    return buttons(
        [(texts.BTN_TRY_AGAIN, DOSSIER_LOOKUP)],
        [(texts.BTN_CONTACT, CONTACT)],
        [MAIN_MENU_BUTTON],
    )


def _after_answer(subscription_id: int | None) -> Keyboard:
    first = (
        (texts.BTN_UNFOLLOW, f"dossier:unfollow:{subscription_id}")
        if subscription_id is not None
        else (texts.BTN_FOLLOW, "dossier:follow")
    )
    return buttons([first], [(texts.BTN_LOOKUP_OTHER, DOSSIER_LOOKUP), MAIN_MENU_BUTTON])


# ---------------------------------------------------------------------------
# Citizen: lookup
# ---------------------------------------------------------------------------


async def start_lookup(ctx: Context) -> list[Reply]:
    ctx.state.start(FLOW, STEP_CODE)
    return [Reply(texts.ASK_CODE, buttons=_menu_only())]


def _ask_digits(ctx: Context, code: str) -> list[Reply]:
    ctx.state.start(FLOW, STEP_DIGITS, code=code)
    return [Reply(texts.ASK_DIGITS.format(code=code), buttons=_menu_only())]


async def tracuu(ctx: Context) -> list[Reply]:
    """/tracuu or /tracuu CODE."""
    args = ctx.message.command_args
    if not args:
        return await start_lookup(ctx)
    code = service.parse_code(args)
    if code is None:
        ctx.state.start(FLOW, STEP_CODE)
        return [Reply(texts.CODE_NOT_VALID, buttons=_menu_only())]
    return _ask_digits(ctx, code)


async def code_in_text(ctx: Context) -> list[Reply]:
    """Free text with something shaped like a dossier code: go straight to the check digits."""
    code = service.find_code(ctx.message.text)
    if code is None:  # the router's predicate said yes; keep the answer sane anyway
        return await start_lookup(ctx)
    return _ask_digits(ctx, code)


async def lookup_flow(ctx: Context) -> list[Reply]:
    text = ctx.message.text.strip()
    if ctx.state.step == STEP_CODE:
        code = service.parse_code(text) if text else None
        if code is None:
            return [Reply(texts.CODE_NOT_VALID, buttons=_menu_only())]
        return _ask_digits(ctx, code)
    code = ctx.state.data.get("code")
    if ctx.state.step != STEP_DIGITS or not isinstance(code, str) or not code:
        return await start_lookup(ctx)
    digits = service.parse_check_digits(text)
    if digits is None:
        return [Reply(texts.DIGITS_NOT_VALID, buttons=_menu_only())]
    return await _check(ctx, code, digits)


async def _check(ctx: Context, code: str, digits: str) -> list[Reply]:
    message = ctx.message
    services = ctx.services
    outcome = await service.check_lookup(services, message.channel, message.user_id, code, digits)
    ctx.state.clear()
    if outcome.kind == "limited":
        limit = services.settings.dossier_lookup_failures_per_hour
        text = texts.TOO_MANY_FAILURES.format(limit=limit, minutes=outcome.wait_minutes)
        return [Reply(text, buttons=buttons([(texts.BTN_CONTACT, CONTACT)], [MAIN_MENU_BUTTON]))]
    if outcome.kind == "failed" or outcome.dossier is None:
        return [Reply(texts.NOT_FOUND, buttons=_after_failure())]
    dossier = outcome.dossier
    ctx.state.data[VERIFIED_CODE] = dossier.code
    ctx.state.data[VERIFIED_AT] = time.time()
    subscription = await service.is_following(
        services, dossier.code, message.channel, message.user_id, message.chat_id
    )
    card = service.citizen_card(services, dossier, service.vn_today(), following=subscription is not None)
    return [Reply(card, buttons=_after_answer(subscription))]


# ---------------------------------------------------------------------------
# Citizen: follow / unfollow
# ---------------------------------------------------------------------------


def _verified_code(ctx: Context) -> str | None:
    code = ctx.state.data.get(VERIFIED_CODE)
    at = ctx.state.data.get(VERIFIED_AT)
    if not isinstance(code, str) or not isinstance(at, int | float):
        return None
    if time.time() - at > service.VERIFIED_TTL_SECONDS:
        return None
    return code


async def follow(ctx: Context) -> list[Reply]:
    code = _verified_code(ctx)
    if code is None:
        return [Reply(texts.FOLLOW_EXPIRED, buttons=_after_failure())]
    message = ctx.message
    result = await service.follow(ctx.services, code, message.channel, message.user_id, message.chat_id)
    if result.kind == "too_many":
        return [Reply(texts.FOLLOW_TOO_MANY.format(n=service.FOLLOW_LIMIT), buttons=_menu_only())]
    if result.kind == "gone":
        return [Reply(texts.FOLLOW_EXPIRED, buttons=_after_failure())]
    template = texts.FOLLOW_OK if result.kind == "followed" else texts.FOLLOW_ALREADY
    return [Reply(template.format(code=code), buttons=_after_answer(result.subscription_id))]


async def unfollow(ctx: Context, raw_id: str) -> list[Reply]:
    next_step = buttons([(texts.BTN_LOOKUP_OTHER, DOSSIER_LOOKUP), MAIN_MENU_BUTTON])
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 18:
        return [Reply(texts.UNFOLLOW_NONE, buttons=next_step)]
    message = ctx.message
    code = await service.unfollow(ctx.services, int(raw_id), message.channel, message.user_id)
    if code is None:
        return [Reply(texts.UNFOLLOW_NONE, buttons=next_step)]
    return [Reply(texts.UNFOLLOW_OK.format(code=code), buttons=next_step)]


async def dossier_button(ctx: Context) -> list[Reply]:
    """`dossier:start`, `dossier:follow`, `dossier:unfollow:<subscription id>`."""
    action, _, rest = ctx.arg.partition(":")
    if action == "start":
        return await start_lookup(ctx)
    if action == "follow" and not rest:
        return await follow(ctx)
    if action == "unfollow":
        return await unfollow(ctx, rest)
    return [Reply(texts.BUTTON_GONE, buttons=_after_failure())]


# ---------------------------------------------------------------------------
# Staff group
# ---------------------------------------------------------------------------


def _status_list() -> str:
    return "\n".join(texts.STATUS_LIST_LINE.format(number=s.value, label=s.label) for s in DossierStatus)


def _capnhat_usage() -> list[Reply]:
    return [Reply(texts.CAPNHAT_USAGE.format(statuses=_status_list()))]


async def hoso(ctx: Context) -> list[Reply]:
    args = ctx.message.command_args.split()
    if len(args) != 1:
        return [Reply(texts.HOSO_USAGE)]
    code = normalize_code(args[0])
    dossier = await store.get(ctx.services.db, code)
    if dossier is None:
        return [Reply(texts.STAFF_NOT_FOUND.format(code=code))]
    return [Reply(await service.staff_card(ctx.services, dossier, service.vn_today()))]


async def capnhat(ctx: Context) -> list[Reply]:
    """/capnhat CODE STATUS [ghi chú]: bad input gets the usage and changes nothing."""
    head, _, rest = ctx.message.command_args.partition(" ")
    if not head or not rest.strip():
        return _capnhat_usage()
    try:
        status, note = split_status_prefix(rest)
    except UnknownStatusError:
        return _capnhat_usage()
    code = normalize_code(head)
    change = await service.change_status(ctx.services, code, status, note, actor_id=ctx.message.user_id)
    if change is None:
        return [Reply(texts.STAFF_NOT_FOUND.format(code=code))]
    if not change.changed:
        return [Reply(texts.STATUS_SAME.format(code=code, label=status.label))]
    lines = [texts.STATUS_CHANGED.format(code=code, old=change.before.status.label, new=status.label)]
    if note.strip():
        lines.append(texts.STATUS_CHANGED_NOTE.format(note=note.strip()))
    if change.notified:
        lines.append(texts.STATUS_CHANGED_FOLLOWERS.format(n=change.notified))
    else:
        lines.append(texts.STATUS_CHANGED_NO_FOLLOWERS)
    return [Reply("\n".join(lines))]


async def baocao(ctx: Context) -> list[Reply]:
    """/baocao [thang|quy|nam|FROM TO]: the timeliness report as text, then its chart."""
    today = service.vn_today()
    period = service.parse_period(ctx.message.command_args, today)
    if period is None:
        return [Reply(texts.REPORT_USAGE)]
    start, end = period
    if start > end:
        return [
            Reply(texts.REPORT_BAD_RANGE.format(start=service.fmt_date(start), end=service.fmt_date(end)))
        ]
    report = await service.timeliness_report(ctx.services, start, end)
    chart = await asyncio.to_thread(service.write_chart, report, service.chart_dir(ctx.services))
    caption = texts.REPORT_CHART_CAPTION.format(start=service.fmt_date(start), end=service.fmt_date(end))
    return [
        Reply(render_report_text(report)),
        Reply(caption, photos=(Attachment("photo", path=str(chart)),)),
    ]


async def morning_summary(services: Services) -> None:
    await service.send_morning_summary(services)


def jobs() -> list[Job]:
    """Every working morning from DAILY_SUMMARY_HOUR: dossiers due today and late, once per day."""
    return [Job("dossier_morning_summary", service.summary_period, morning_summary)]


def register(router: Router) -> None:
    router.button("dossier", dossier_button)
    router.command("tracuu", tracuu)
    router.flow(FLOW, lookup_flow)
    router.on_text_matching(service.looks_like_dossier_code, code_in_text)
    router.command("hoso", hoso, Audience.STAFF)
    router.command("capnhat", capnhat, Audience.STAFF)
    router.command("baocao", baocao, Audience.STAFF)
