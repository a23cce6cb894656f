"""Keyboards shown in more than one place."""

from __future__ import annotations

from bot.core import Button, buttons
from bot.texts import common as texts


def main_menu() -> tuple[tuple[Button, ...], ...]:
    return buttons(
        [(texts.MENU_PROCEDURES, "proc:fields"), (texts.MENU_DOSSIER, "dossier:start")],
        [(texts.MENU_FEEDBACK, "fb:new"), (texts.MENU_MY_FEEDBACK, "fb:mine")],
        [(texts.MENU_CONTACT, "menu:contact")],
    )


def back_to_menu() -> tuple[tuple[Button, ...], ...]:
    return buttons([(texts.MENU_BACK, "menu:main")])
