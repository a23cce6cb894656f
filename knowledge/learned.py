"""What is learned from labelled questions about one knowledge base, kept in one file beside it.

`learned.json` holds the reject gate (knowledge.reject_gate), the sibling arbiter
(knowledge.sibling_arbiter) and the procedure classifier (knowledge.procedure_classifier). All are
trained by `motcua kb train`, never edited by hand, and belong to the procedures they were trained
with: a knowledge base without the file is matched without them.
A broken file stops the knowledge base from loading like a broken procedure file does, with the
field named, so that a half-written file never silently turns the models off.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.procedure_classifier import ProcedureClassifier
from knowledge.reject_gate import RejectGate
from knowledge.sibling_arbiter import RANKS, SiblingArbiter

LEARNED_FILE = "learned.json"  # under a knowledge-base root, beside procedures/ and referrals/
_KEPT = 0.02  # smaller weights changed no decision on any stored question; they only lengthen the file


@dataclass(frozen=True)
class Learned:
    gate: RejectGate
    arbiter: SiblingArbiter
    classifier: ProcedureClassifier


def load_learned(root: Path) -> Learned | None:
    """The models trained for the knowledge base under `root`, or None when it has none. Raises
    ValueError naming the field when the file is not what `motcua kb train` writes."""
    try:
        data = json.loads((root / LEARNED_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError("must be an object with reject_gate, sibling_arbiter and procedure_classifier")
    return Learned(
        _gate(_section(data, "reject_gate")),
        _arbiter(_section(data, "sibling_arbiter")),
        _classifier(_section(data, "procedure_classifier")),
    )


def write_learned(root: Path, learned: Learned) -> Path:
    gate, arbiter, classifier = learned.gate, learned.arbiter, learned.classifier
    data = {
        "reject_gate": {
            "turn_away_at": gate.turn_away_at,
            "ask_below": gate.ask_below,
            "ask_over_referral_below": gate.ask_over_referral_below,
            "bias": round(gate.bias, 4),
            "weights": _kept(gate.weights),
        },
        "sibling_arbiter": {
            "keep_at": arbiter.keep_at,
            "rank_bias": [round(b, 4) for b in arbiter.rank_bias],
            "share_weight": round(arbiter.share_weight, 4),
            "weights": {f: kept for f, row in sorted(arbiter.weights.items()) if (kept := _kept(row))},
        },
        "procedure_classifier": {
            "add_at": classifier.add_at,
            "answer_at": classifier.answer_at,
            "bias": dict(sorted(classifier.bias.items())),
            "weights": {f: dict(sorted(row.items())) for f, row in sorted(classifier.weights.items())},
        },
    }
    path = root / LEARNED_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return path


def _kept(weights: dict[str, float] | Any) -> dict[str, float]:
    return {f: round(w, 3) for f, w in sorted(weights.items()) if abs(w) >= _KEPT}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise ValueError(f"{name}: is required, as an object")
    return section


def _gate(data: dict[str, Any]) -> RejectGate:
    turn_away_at = _number(data, "reject_gate", "turn_away_at", 0.5, 1.0)
    ask_below = _number(data, "reject_gate", "ask_below", 0.0, 0.5)
    ask_over_referral_below = _number(data, "reject_gate", "ask_over_referral_below", 0.0, 0.5)
    bias = _number(data, "reject_gate", "bias")
    weights = _weights(data.get("weights"), "reject_gate.weights", "feature")
    return RejectGate(bias, weights, turn_away_at, ask_below, ask_over_referral_below)


def _arbiter(data: dict[str, Any]) -> SiblingArbiter:
    keep_at = _number(data, "sibling_arbiter", "keep_at", 0.0, 1.0)
    rank_bias = data.get("rank_bias")
    if not isinstance(rank_bias, list) or len(rank_bias) != RANKS or not all(map(_is_number, rank_bias)):
        raise ValueError(f"sibling_arbiter.rank_bias: must be a list of {RANKS} numbers")
    share_weight = _number(data, "sibling_arbiter", "share_weight")
    raw = data.get("weights")
    if not isinstance(raw, dict):
        raise ValueError("sibling_arbiter.weights: must map each feature to its weight per procedure")
    weights = {str(f): _weights(row, f"sibling_arbiter.weights.{f}", "code") for f, row in raw.items()}
    return SiblingArbiter(tuple(float(b) for b in rank_bias), share_weight, weights, keep_at)


def _classifier(data: dict[str, Any]) -> ProcedureClassifier:
    add_at = _number(data, "procedure_classifier", "add_at", 0.0, 1.0)
    answer_at = _number(data, "procedure_classifier", "answer_at", 0.0, 1.0)
    bias = _weights(data.get("bias"), "procedure_classifier.bias", "procedure code")
    raw = data.get("weights")
    if not isinstance(raw, dict):
        raise ValueError("procedure_classifier.weights: must map each feature to its weight per procedure")
    weights = {}
    for f, row in raw.items():
        where = f"procedure_classifier.weights.{f}"
        weights[str(f)] = _weights(row, where, "code")
        if unknown := sorted(set(weights[str(f)]) - set(bias)):
            raise ValueError(f"{where}: {unknown[0]} has no bias; every procedure weighed must have one")
    return ProcedureClassifier(bias, weights, add_at, answer_at)


def _number(
    data: dict[str, Any], section: str, key: str, low: float = -math.inf, high: float = math.inf
) -> float:
    """A number from `low` up to, not including, `high`."""
    x = data.get(key)
    if not _is_number(x) or not low <= x < high:
        bounds = f" from {low:g} to below {high:g}" if math.isfinite(low) else ""
        raise ValueError(f"{section}.{key}: must be a number{bounds}")
    return float(x)


def _weights(raw: object, where: str, key: str) -> dict[str, float]:
    if not isinstance(raw, dict) or not all(map(_is_number, raw.values())):
        raise ValueError(f"{where}: must map each {key} to a number")
    return {str(f): float(w) for f, w in raw.items()}


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
