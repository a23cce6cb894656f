"""A second opinion, learned from labelled questions, on whether a question asks for any procedure.

The matcher decides from the words a question shares with the knowledge base. Many questions that no
procedure answers share them all the same: "mới khai sinh cho con, muốn mở sổ tiết kiệm đứng tên bé"
names a birth, "hồ sơ nhập học lớp 1 có cần giấy khai sinh" a birth certificate. What gives them
away is the rest of the question, worded differently by every citizen, which lists of phrases
(`other_intents` in synonyms.yaml) only ever catch after the fact. The same lists sometimes catch a
real request told beside a joke or a complaint, and the matcher gives up on it.

The gate is a logistic regression over the words, pairs and triples of a question as the normaliser
reads them, small words included, and over its words tied to the procedure the matcher put first
(`in_view`): "con" beside "Công nhận câu lạc bộ thể dục thể thao" says another thing than beside
"Đăng ký khai sinh". `motcua kb train` fits it on questions labelled with their
procedure or as out of scope, and on the knowledge base's own phrasings as in scope;
knowledge.learned keeps it beside the procedure files, since what is out of scope depends on what
is in. Only when it is very sure does it
overrule the matcher, both ways: an answer or a choice becomes "not
understood" (`turn_away_at`), and a "not understood" with procedures in view becomes a choice of
them (`ask_below`), as does, still naming the other office, a referral (`ask_over_referral_below`).
Each was chosen by training without a group of question sets and scoring it.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import pairwise

from knowledge.normalize import CLAUSE_BREAK

# Trained without each of five groups of eight question sets and scored on it: at 0.95, 138 answers
# to questions out of scope withheld for 12 right ones lost.
TURN_AWAY_AT = 0.95
# Trained without each of four groups of the 42 question sets stored then (every fourth file) and
# scored on it, each step up is taken while it wins twice what it loses: from 0.02 to 0.05, 63 more
# questions the matcher gave up on got a choice holding the right procedure, for 32 more out of scope
# offered one; the next step, to 0.1, would have won 47 for 29. A choice costs a citizen with a real
# request one tap where "not understood" costs the request.
ASK_BELOW = 0.05
# The same folds: from 0.005 to 0.02, 30 more questions about a procedure here that named another
# office's matter in passing ("ly hôn rồi, giờ đăng ký kết hôn với người mới") got a choice holding the
# right procedure beside the referral, for 15 more out of scope that got procedures offered beside
# theirs; to 0.05 would have won 19 more for 19. The referral stays above the choice either way.
ASK_OVER_REFERRAL_BELOW = 0.02


@dataclass(frozen=True)
class RejectGate:
    bias: float
    weights: Mapping[str, float]
    turn_away_at: float = TURN_AWAY_AT
    ask_below: float = ASK_BELOW
    ask_over_referral_below: float = ASK_OVER_REFERRAL_BELOW

    def out_of_scope(self, feats: Iterable[str]) -> float:
        """The probability that a question with these `features()` asks for nothing in the knowledge
        base."""
        weights = self.weights
        return _sigmoid(self.bias + sum(weights.get(f, 0.0) for f in feats))

    def turns_away(self, feats: Iterable[str]) -> bool:
        return self.out_of_scope(feats) >= self.turn_away_at

    def sure_it_asks(self, feats: Iterable[str]) -> bool:
        return self.out_of_scope(feats) < self.ask_below

    def asks_here_despite_referral(self, feats: Iterable[str]) -> bool:
        return self.out_of_scope(feats) < self.ask_over_referral_below


def features(words: Sequence[str]) -> set[str]:
    """Words, and runs of two and three: "mở sổ tiết kiệm" is a bank's matter where "sổ" alone is not,
    and "muốn làm giấy tờ" a request, though matching drops its small words."""
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    return {*words, *pairs, *(f"{ab} {c}" for ab, c in zip(pairs, words[2:], strict=False))}


def in_view(words: Sequence[str], code: str) -> set[str]:
    """The words again, each tied to the procedure the matcher puts first: what is asked elsewhere
    differs from one procedure to the next ("tạm trú" beside a marriage with a foreigner is the
    foreigner's situation, beside a birth the parents' residence). Cross-validated on five groups of
    question sets, with these the gate withheld 42 more answers to questions out of scope and 8 fewer
    right ones than with the words alone."""
    return {f"@{code}", *(f"@{code}:{w}" for w in words if w != CLAUSE_BREAK)}


def question_features(words: Sequence[str], first: str | None) -> set[str]:
    """What the gate reads of a question: its `features()`, and `in_view` of the procedure the
    matcher ranked `first` (None: nothing in view)."""
    feats = features(words)
    return feats | in_view(words, first) if first is not None else feats


def train(examples: Iterable[tuple[Set[str], bool]], epochs: int = 12, seed: int = 1) -> RejectGate:
    """Fit on (features, out of scope?) pairs. Features seen in only one example are dropped: they
    would learn that example by heart."""
    rows = list(examples)
    seen = Counter(f for feats, _ in rows for f in feats)
    data = [(sorted(f for f in feats if seen[f] >= 2), 1.0 if out else 0.0) for feats, out in rows]
    weights: dict[str, float] = {}
    bias = 0.0
    for i, rate in passes(len(data), epochs, 0.2, seed):
        feats, target = data[i]
        error = _sigmoid(bias + sum(weights.get(f, 0.0) for f in feats)) - target
        bias -= rate * error * 0.1
        for f in feats:
            w = weights.get(f, 0.0)
            weights[f] = w - rate * (error + _L2 * w)
    return RejectGate(bias, weights)


def passes(n: int, epochs: int, rate: float, seed: int) -> Iterator[tuple[int, float]]:
    """Stochastic gradient descent, the way both learned models are fitted: every example once per
    epoch in a shuffled order, the learning rate decaying from one epoch to the next. Seeded, and the
    callers add up features in sorted order, so the same examples always give the same model."""
    order = list(range(n))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            yield i, rate
        rate *= 0.8


_L2 = 1e-5


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
