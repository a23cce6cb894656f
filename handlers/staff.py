"""Staff-group commands that belong to no single domain: help, bans, the outbox's health."""

from __future__ import annotations

from bot.core import Reply
from bot.router import Audience, Context, Router
from bot.services import feedback as feedback_service
from bot.storage import bans
from bot.storage import outbox as outbox_store
from bot.texts import feedback as feedback_texts
from bot.texts import staff as texts


def parse_user_ref(arg: str, default_channel: str) -> tuple[str, str] | None:
    """`12345` or `zalo:12345` → (channel, user id); None when it is not a user reference."""
    channel, sep, user = arg.strip().partition(":")
    if not sep:
        channel, user = default_channel, channel
    if not user or not user.replace("-", "").isalnum() or channel not in ("telegram", "zalo", "console"):
        return None
    return channel, user


async def staff_help(ctx: Context) -> list[Reply]:
    return [Reply(texts.STAFF_HELP)]


async def outbox_health(ctx: Context) -> list[Reply]:
    counts = await outbox_store.counts_by_status(ctx.services.db)
    return [Reply(texts.OUTBOX_STATUS.format(**{k: counts.get(k, 0) for k in ("pending", "sent", "failed")}))]


async def _author_by_code(ctx: Context) -> tuple[tuple[str, str] | None, str] | None:
    """`/chan PA-2026-000123`: the report's author, so officials ban without ever seeing a user id."""
    code = feedback_service.find_code(ctx.message.command_args)
    if code is None:
        return None
    report = await feedback_service.service_for(ctx.services).find(code)
    return ((report.channel, report.user_id) if report else None), code


async def ban(ctx: Context) -> list[Reply]:
    if (by_code := await _author_by_code(ctx)) is not None:
        author, code = by_code
        if author is None:
            return [Reply(feedback_texts.STAFF_NOT_FOUND.format(code=code))]
        changed = await bans.ban(ctx.services.db, *author, banned_by=ctx.message.user_id)
        done = feedback_texts.AUTHOR_BANNED if changed else feedback_texts.AUTHOR_ALREADY_BANNED
        return [Reply(done.format(code=code))]
    target = parse_user_ref(ctx.message.command_args, ctx.services.staff_chat[0])
    if target is None:
        return [Reply(texts.BAN_USAGE)]
    changed = await bans.ban(ctx.services.db, *target, banned_by=ctx.message.user_id)
    return [Reply((texts.BANNED_OK if changed else texts.ALREADY_BANNED).format(user=":".join(target)))]


async def unban(ctx: Context) -> list[Reply]:
    if (by_code := await _author_by_code(ctx)) is not None:
        author, code = by_code
        if author is None:
            return [Reply(feedback_texts.STAFF_NOT_FOUND.format(code=code))]
        changed = await bans.unban(ctx.services.db, *author)
        done = feedback_texts.AUTHOR_UNBANNED if changed else feedback_texts.AUTHOR_NOT_BANNED
        return [Reply(done.format(code=code))]
    target = parse_user_ref(ctx.message.command_args, ctx.services.staff_chat[0])
    if target is None:
        return [Reply(texts.UNBAN_USAGE)]
    changed = await bans.unban(ctx.services.db, *target)
    return [Reply((texts.UNBANNED_OK if changed else texts.NOT_BANNED).format(user=":".join(target)))]


def register(router: Router) -> None:
    router.command("trogiup", staff_help, Audience.STAFF)
    router.command("outbox", outbox_health, Audience.STAFF)
    router.command("chan", ban, Audience.STAFF)
    router.command("bochan", unban, Audience.STAFF)
