"""A learned second look at which of the matcher's best few procedures a question means.

Close siblings ("Đăng ký khai sinh" / "... kết hợp nhận cha, mẹ, con", "Hòa giải tranh chấp đất đai"
/ "Giải quyết tranh chấp đất đai") share nearly all their words, and the matcher sometimes answers
the wrong one outright. What tells them apart in a citizen's question ("chưa đăng ký kết hôn", "đã
hòa giải không thành") is learned here from questions labelled with their procedure: a softmax over
the matcher's first three candidates, from the question's words for each candidate's code, the
candidate's rank and its share. Unless it gives the matcher's answer at least `keep_at`, the
citizen is asked to choose between them instead, likeliest first: one tap rather than a wrong card.
At 0.8, trained without each of six groups of three question files and scored on them, it turned 149
wrong answers into a choice holding the right procedure for 15 right answers that became a choice;
asking only when a runner-up was likelier than not turned 109 for 2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from knowledge.reject_gate import features, passes

KEEP_AT = 0.8
RANKS = 3  # the matcher's candidates it looks at


@dataclass(frozen=True)
class SiblingArbiter:
    rank_bias: tuple[float, ...]  # one per rank, best first
    share_weight: float  # times the matcher's share (0–1) of each candidate
    # feature -> procedure code -> weight, so that a question's features are looked up once whatever
    # the candidates
    weights: Mapping[str, Mapping[str, float]]
    keep_at: float = KEEP_AT

    def chances(self, feats: Iterable[str], candidates: Sequence[tuple[str, float]]) -> list[float]:
        """For each (code, share) candidate, best first, the probability that it is the one meant, from
        the question's `features()`."""
        return _chances(self.rank_bias, self.share_weight, self.weights, feats, candidates)

    def doubts(self, feats: Iterable[str], candidates: Sequence[tuple[str, float]]) -> list[str] | None:
        """The first candidates' codes, likeliest first, when the first is not likely enough to be
        answered outright; None when it is."""
        looked_at = candidates[:RANKS]
        chances = self.chances(feats, looked_at)
        if not chances or chances[0] >= self.keep_at:
            return None
        ranked = sorted(zip(chances, (c for c, _ in looked_at), strict=True), key=lambda cc: -cc[0])
        return [code for _, code in ranked]


def train(
    examples: Iterable[tuple[Sequence[str], Sequence[tuple[str, float]], str]], epochs: int = 8, seed: int = 1
) -> SiblingArbiter:
    """Fit on (words, candidates, code meant); only examples whose code is among at least two
    candidates teach anything."""
    data = [
        (sorted(features(words)), list(cands[:RANKS]), meant)
        for words, cands, meant in examples
        if len(cands) > 1 and meant in (c for c, _ in cands[:RANKS])
    ]
    weights: dict[str, dict[str, float]] = {}
    rank_bias = [0.0] * RANKS
    share_weight = 0.0
    for i, rate in passes(len(data), epochs, 0.1, seed):
        feats, cands, meant = data[i]
        chances = _chances(rank_bias, share_weight, weights, feats, cands)
        for k, (code, share) in enumerate(cands):
            error = chances[k] - (1.0 if code == meant else 0.0)
            rank_bias[k] -= rate * error * 0.1
            share_weight -= rate * error * share * 0.1
            for f in feats:
                row = weights.setdefault(f, {})
                row[code] = row.get(code, 0.0) - rate * error
    return SiblingArbiter(tuple(rank_bias), share_weight, weights)


def _chances(
    rank_bias: Sequence[float],
    share_weight: float,
    weights: Mapping[str, Mapping[str, float]],
    feats: Iterable[str],
    candidates: Sequence[tuple[str, float]],
) -> list[float]:
    scores = [rank_bias[rank] + share_weight * share for rank, (_, share) in enumerate(candidates)]
    for f in feats:
        row = weights.get(f)
        if row:
            for rank, (code, _) in enumerate(candidates):
                scores[rank] += row.get(code, 0.0)
    return _softmax(scores)


def _softmax(scores: list[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
