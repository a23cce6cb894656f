"""Keyboards and button payloads shown in more than one place.

A payload is routed by its prefix (see bot/router.py), so one written twice
with a typo would silently lead nowhere: every shared one lives here.
"""

from __future__ import annotations

from bot.core import Button, buttons
from bot.texts import common as texts

MAIN_MENU = "menu:main"
CONTACT = "menu:contact"
BROWSE_FIELDS = "proc:fields"
DOSSIER_LOOKUP = "dossier:start"
FEEDBACK_NEW = "fb:new"
MY_FEEDBACK = "fb:mine"

# One label for the way home, whichever flow the citizen is in.
MAIN_MENU_BUTTON = (texts.MENU_BACK, MAIN_MENU)


def main_menu() -> tuple[tuple[Button, ...], ...]:
    return buttons(
        [(texts.MENU_PROCEDURES, BROWSE_FIELDS), (texts.MENU_DOSSIER, DOSSIER_LOOKUP)],
        [(texts.MENU_FEEDBACK, FEEDBACK_NEW), (texts.MENU_MY_FEEDBACK, MY_FEEDBACK)],
        [(texts.MENU_CONTACT, CONTACT)],
    )


def back_to_menu() -> tuple[tuple[Button, ...], ...]:
    return buttons([MAIN_MENU_BUTTON])
