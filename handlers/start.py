"""Greeting, main menu, contact and cancel: the ways back to a known place."""

from __future__ import annotations

from bot.core import Reply
from bot.menus import main_menu
from bot.router import Audience, Context, Router
from bot.texts import common as texts


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
