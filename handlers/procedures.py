"""Procedure questions: free text → card / clarify / referral / not understood; browse by field."""

from __future__ import annotations

import asyncio

from bot.core import Button, Reply, buttons
from bot.menus import BROWSE_FIELDS, DOSSIER_LOOKUP, FEEDBACK_NEW, MAIN_MENU_BUTTON
from bot.router import Audience, Context, Router
from bot.storage import unanswered
from bot.texts import browse as texts
from bot.texts import common
from bot.texts import procedures as cards
from knowledge.loader import KnowledgeBaseError
from knowledge.model import Procedure
from knowledge.normalize import fold

LABEL_LIMIT = 60


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _after_answer() -> tuple[tuple[Button, ...], ...]:
    return buttons([(texts.BTN_OTHER_QUESTION, BROWSE_FIELDS), MAIN_MENU_BUTTON])


def _dead_end() -> tuple[tuple[Button, ...], ...]:
    return buttons(
        [(texts.BTN_BROWSE, BROWSE_FIELDS)],
        [(texts.BTN_ASK_OFFICIAL, "fb:ask")],
        [MAIN_MENU_BUTTON],
    )


def _to_lookup() -> tuple[tuple[Button, ...], ...]:
    return buttons([(common.MENU_DOSSIER, DOSSIER_LOOKUP)], [MAIN_MENU_BUTTON])


def _after_remark() -> tuple[tuple[Button, ...], ...]:
    return buttons(
        [(common.MENU_FEEDBACK, FEEDBACK_NEW)],
        [(texts.BTN_BROWSE, BROWSE_FIELDS)],
        [MAIN_MENU_BUTTON],
    )


def card(ctx: Context, procedure: Procedure) -> list[Reply]:
    replacement = ctx.services.knowledge.kb.procedures.get(procedure.replaced_by or "")
    return [Reply(cards.procedure_card(procedure, replacement), buttons=_after_answer())]


async def question(ctx: Context) -> list[Reply]:
    """Free text from a citizen is a question about a procedure until proven otherwise."""
    text = ctx.message.text.strip()
    knowledge = ctx.services.knowledge
    match = knowledge.match(text)
    ctx.state.data["last_question"] = text[:1000]
    if match.asks_progress:
        # Not a gap in the guide: the dossier lookup answers it.
        return [Reply(cards.asks_progress(), buttons=_to_lookup())]
    if match.kind in ("none", "clarify"):
        await unanswered.record(ctx.services.db, text, fold(text), match.kind)
    elif match.referral is not None and match.referral.at_commune:
        # A commune matter the guide has no card for: what the clerks should write next.
        await unanswered.record(ctx.services.db, text, fold(text), "no_card")
    if match.kind == "procedure" and match.procedure is not None:
        return card(ctx, match.procedure)
    if match.kind == "referral" and match.referral is not None:
        # Without a card, an official has to tell which papers: the same ways on as "not understood".
        after = _dead_end() if match.referral.at_commune else _after_answer()
        return [Reply(cards.referral_text(match.referral), buttons=after)]
    if match.kind == "clarify" and match.candidates:
        rows = [[(_label(c.name), f"proc:{c.code}")] for c in match.candidates[:3]]
        rows.append([(texts.NONE_OF_THESE, "proc:none")])
        return [Reply(cards.clarify_prompt(beside=match.referral), buttons=buttons(*rows))]
    if match.asks_nothing:
        return [Reply(cards.asks_nothing(), buttons=_after_remark())]
    return [Reply(cards.not_understood(), buttons=_dead_end())]


async def browse_fields(ctx: Context) -> list[Reply]:
    fields = ctx.services.knowledge.kb.fields()
    rows = [[(field, f"proc:field:{i}")] for i, field in enumerate(fields)]
    return [Reply(texts.BROWSE_FIELDS, buttons=buttons(*rows, [MAIN_MENU_BUTTON]))]


async def procedure_button(ctx: Context) -> list[Reply]:
    """`proc:fields`, `proc:field:N`, `proc:none` or `proc:<code>`."""
    kb = ctx.services.knowledge.kb
    arg = ctx.arg
    if arg == "fields":
        return await browse_fields(ctx)
    if arg.startswith("field:"):
        index = arg.removeprefix("field:")
        fields = kb.fields()
        if not index.isdigit() or int(index) >= len(fields):
            return [Reply(texts.FIELD_GONE, buttons=buttons([(texts.BTN_BROWSE, BROWSE_FIELDS)]))]
        field = fields[int(index)]
        rows = [[(_label(p.name), f"proc:{p.code}")] for p in kb.by_field(field)]
        rows.append([(texts.BTN_BROWSE, BROWSE_FIELDS), MAIN_MENU_BUTTON])
        return [Reply(texts.BROWSE_PROCEDURES.format(field=field), buttons=buttons(*rows))]
    if arg == "none":
        return [Reply(texts.ASK_AGAIN, buttons=_dead_end())]
    procedure = kb.procedures.get(arg)
    if procedure is None:
        return [Reply(texts.PROCEDURE_GONE, buttons=buttons([(texts.BTN_BROWSE, BROWSE_FIELDS)]))]
    return card(ctx, procedure)


async def reload_knowledge(ctx: Context) -> list[Reply]:
    try:
        # Parsing and indexing a large catalogue takes seconds: citizens keep getting answers meanwhile.
        kb = await asyncio.to_thread(ctx.services.knowledge.reload)
    except KnowledgeBaseError as exc:
        shown = "\n".join(f"- {e}" for e in exc.errors[:15])
        return [Reply(texts.RELOAD_FAILED.format(errors=shown))]
    return [Reply(texts.RELOAD_OK.format(procedures=len(kb.procedures), referrals=len(kb.referrals)))]


async def list_unanswered(ctx: Context) -> list[Reply]:
    days = 30
    rows = await unanswered.most_frequent(ctx.services.db, days=days)
    return [Reply(texts.unanswered_report(rows, days))]


def register(router: Router) -> None:
    router.on_text(question)
    router.button("proc", procedure_button)
    router.command("thutuc", browse_fields)
    router.command("reload", reload_knowledge, Audience.STAFF)
    router.command("unanswered", list_unanswered, Audience.STAFF)
