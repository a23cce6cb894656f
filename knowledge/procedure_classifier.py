"""A learned guess, over every procedure at once, at which one a question asks for.

The matcher reads a question through the knowledge base's own phrasings. Citizens describe their
situation instead ("bà nội mất ở bệnh viện huyện, giờ về xã làm giấy gì"), and now and then the
procedure they need is not among the matcher's first three at all, or one it ranks below another is
what questions worded like theirs always meant. The classifier is a softmax regression over every
trained procedure, from the same words, pairs and triples the reject gate reads (`features`), fitted
on questions labelled with their procedure and on the knowledge base's own phrasings.

It never decides whether anything here is asked: that stays with the matcher and the reject gate.
It only changes an answer or a choice: when it gives another procedure at least `add_at`, that one
is offered first beside the matcher's; when it is all but certain (`answer_at`) of one the matcher
already offered, that one is answered outright instead of asking. A procedure added to the
knowledge base after training is unknown to it, and the matcher's answer for such a procedure is
left alone.

Trained without each of six groups of question files and scored on them (33,612 questions about a
procedure), the matcher with the gate and the arbiter offered the right procedure in one tap for
99.07% and answered 0.33% wrongly; with the classifier, 99.40% and 0.14%, and 97.7% answered
outright instead of 95.8%. Nothing out of scope was let through that was not before. At 0.5 it would
offer the right procedure to 6 more of them, but it reads words without their marks and would overrule
the matcher on an answer the marks decide ("làm khai sinh có phải nhắn cha nó về": "nhắn", not
"nhận cha") on a coin toss. Rescuing with it the questions the matcher gave up on or referred
elsewhere cost as many out of scope let through as it won, and was not taken.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from knowledge.reject_gate import passes

ADD_AT = 0.6
ANSWER_AT = 0.98
KEPT = 0.05  # smaller weights changed no decision in cross-validation; they only lengthen the file


@dataclass(frozen=True)
class ProcedureClassifier:
    bias: Mapping[str, float]  # procedure code -> weight: every procedure it knows
    weights: Mapping[str, Mapping[str, float]]  # feature -> procedure code -> weight
    add_at: float = ADD_AT
    answer_at: float = ANSWER_AT

    def likeliest(self, feats: Iterable[str]) -> tuple[str, float] | None:
        """The procedure questions with these `features()` most likely asked for, with its
        probability; None when the classifier knows no procedure."""
        if not self.bias:
            return None
        scores = dict(self.bias)
        for f in feats:
            row = self.weights.get(f)
            if row:
                for code, w in row.items():
                    scores[code] += w
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        code = max(scores, key=scores.__getitem__)
        return code, 1.0 / total


def train(
    examples: Sequence[tuple[Set[str], str]], epochs: int = 8, rate: float = 0.1, seed: int = 1
) -> ProcedureClassifier:
    """Fit on (features, procedure code) pairs by stochastic gradient descent. Features seen in only
    one example are dropped, as in the reject gate. numpy is needed here only: the bot itself just
    adds up the kept weights."""
    import numpy as np

    seen = Counter(f for feats, _ in examples for f in feats)
    column = {f: i for i, f in enumerate(sorted(f for f, n in seen.items() if n >= 2))}
    codes = sorted({code for _, code in examples})
    row_of = {code: k for k, code in enumerate(codes)}
    rows = [
        np.array(sorted(column[f] for f in feats if f in column), dtype=np.int64) for feats, _ in examples
    ]
    meant = [row_of[code] for _, code in examples]
    weights = np.zeros((len(column), len(codes)))
    bias = np.zeros(len(codes))
    for i, step in passes(len(examples), epochs, rate, seed):
        cols = rows[i]
        scores = weights[cols].sum(axis=0) + bias
        chances = np.exp(scores - scores.max())
        chances /= chances.sum()
        chances[meant[i]] -= 1.0  # now the gradient of the log loss
        weights[cols] -= step * (chances + _L2 * weights[cols])
        bias -= step * 0.1 * chances
    kept: dict[str, dict[str, float]] = {}
    for f, i in column.items():
        row = {codes[k]: round(float(weights[i, k]), 3) for k in np.flatnonzero(np.abs(weights[i]) >= KEPT)}
        if row:
            kept[f] = row
    return ProcedureClassifier({code: round(float(b), 3) for code, b in zip(codes, bias, strict=True)}, kept)


_L2 = 1e-5
