"""The `kb check` report: what is in the knowledge base and what a clerk should look at.

Kept apart from the CLI so the staff group's /reload answer can reuse the same
wording.
"""

from __future__ import annotations

from collections import Counter

from knowledge.model import KnowledgeBase


def _kind(warning: str) -> str:
    """Group warnings by the field they are about, so the totals line says what kind of work is left."""
    try:
        field = warning.split(": ", 2)[1]
    except IndexError:
        return "other"
    head = field.split(".")[0].split("[")[0]
    return {
        "fees": "missing fee",
        "source": "missing source",
        "uncertain": "uncertain facts",
    }.get(head, "unknown key" if "unknown key" in warning else head)


def summarize(kb: KnowledgeBase, warnings: list[str]) -> str:
    """Counts per field and status, referrals, then every warning (one per line)."""
    procs = list(kb.procedures.values())
    lines = [f"Knowledge base: {len(procs)} procedures, {len(kb.referrals)} referrals"]
    for field in kb.fields():
        lines.append(f"  {field}: {len(kb.by_field(field))}")
    statuses = Counter(p.status for p in procs)
    lines.append(
        "Status: "
        + ", ".join(f"{s} {statuses.get(s, 0)}" for s in ("in_force", "amended", "abolished"))
    )
    no_fee = sum(1 for p in procs if not p.fees_text and not p.fees)
    no_source = sum(1 for p in procs if not p.source) + sum(1 for r in kb.referrals.values() if not r.source)
    with_uncertain = sum(1 for p in procs if p.uncertain)
    lines.append(
        f"Missing fee: {no_fee} · missing source: {no_source} · "
        f"procedures with uncertain facts: {with_uncertain}"
    )
    oldest = min((p.checked_on for p in procs), default=None)
    if oldest is not None:
        lines.append(f"Oldest check: {oldest.isoformat()}")
    if warnings:
        kinds = Counter(_kind(w) for w in warnings)
        lines.append(
            f"Warnings ({len(warnings)}): " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        )
        lines += [f"  warning: {w}" for w in warnings]
    else:
        lines.append("No warnings.")
    return "\n".join(lines)
