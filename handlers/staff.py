"""Staff-group commands that belong to no single domain: help, bans, the outbox's health."""

from __future__ import annotations

from bot.core import Reply
from bot.router import Audience, Context, Router
from bot.storage import bans
from bot.storage import outbox as outbox_store
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


async def ban(ctx: Context) -> list[Reply]:
    target = parse_user_ref(ctx.message.command_args, ctx.services.staff_chat[0])
    if target is None:
        return [Reply(texts.BAN_USAGE)]
    changed = await bans.ban(ctx.services.db, *target, banned_by=ctx.message.user_id)
    return [Reply((texts.BANNED_OK if changed else texts.ALREADY_BANNED).format(user=":".join(target)))]


async def unban(ctx: Context) -> list[Reply]:
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
