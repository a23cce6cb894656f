"""Greeting, main menu, contact and cancel: the ways back to a known place."""

from __future__ import annotations

from bot.core import Reply
from bot.menus import main_menu
from bot.router import Audience, Context, Router
from bot.texts import common as texts
from knowledge.normalize import fold

# Small talk that deserves a friendly answer, not "I did not understand" (compared accent-folded).
GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "helo",
        "alo",
        "a lo",
        "chao",
        "xin chao",
        "chao ad",
        "chao admin",
        "chao ban",
        "hey",
        "chao xa",
        "ad oi",
        "admin oi",
        "hello ad",
        "hi ad",
        "alo ad",
        "co ai khong",
        "co ai ko",
        "xin chao ad",
        "chao buoi sang",
    }
)
THANKS = frozenset(
    {
        "cam on",
        "cam on ad",
        "cam on nhe",
        "cam on nhieu",
        "cam on ban",
        "thanks",
        "thank you",
        "thank",
        "tks",
        "camon",
        "ok cam on",
        "ok thanks",
        "da cam on",
        "cam on a",
        "xin cam on",
    }
)


PARTICLES = frozenset({"a", "ak", "ah", "nhe", "nha", "oi", "nhieu", "ca nha"})


def _small_talk_key(text: str) -> str:
    """Accent-folded words without punctuation or trailing polite particles ("ạ", "nhé")."""
    words = "".join(c if c.isalnum() else " " for c in fold(text)).split()
    while len(words) > 1 and words[-1] in PARTICLES:
        words.pop()
    return " ".join(words)


def is_greeting(text: str) -> bool:
    return _small_talk_key(text) in GREETINGS


def is_thanks(text: str) -> bool:
    return _small_talk_key(text) in THANKS


async def start(ctx: Context) -> list[Reply]:
    ctx.state.clear()
    greeting = texts.GREETING.format(commune=ctx.services.settings.commune_name)
    return [Reply(greeting, buttons=main_menu())]


async def show_help(ctx: Context) -> list[Reply]:
    return [Reply(texts.HELP, buttons=main_menu())]


async def cancel(ctx: Context) -> list[Reply]:
    ctx.state.clear()
    return [Reply(texts.CANCELLED, buttons=main_menu())]


async def contact(ctx: Context) -> list[Reply]:
    settings = ctx.services.settings
    phone_line = texts.CONTACT_PHONE.format(phone=settings.office_phone) if settings.office_phone else ""
    text = texts.CONTACT.format(
        office=settings.office_address, hours=settings.office_hours, phone_line=phone_line
    )
    return [Reply(text, buttons=main_menu())]


async def thanks(ctx: Context) -> list[Reply]:
    return [Reply(texts.YOU_ARE_WELCOME, buttons=main_menu())]


async def menu_button(ctx: Context) -> list[Reply]:
    if ctx.arg == "contact":
        return await contact(ctx)
    ctx.state.clear()
    return [Reply(texts.MENU_PROMPT, buttons=main_menu())]


def register(router: Router) -> None:
    router.command("start", start, Audience.ANYONE)
    router.command("help", show_help)
    router.command("huy", cancel)
    router.command("cancel", cancel)
    router.command("lienhe", contact)
    router.button("menu", menu_button)
    router.on_text_matching(is_greeting, start)
    router.on_text_matching(is_thanks, thanks)
