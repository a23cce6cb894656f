"""Quality gate: the matcher on the shared dev questions and on our own larger set.

Thresholds are the issue's: direct answer with the right procedure ≥ 92%, right one directly or among
the three clarify buttons ≥ 99%, wrong procedure answered directly ≤ 1%, out-of-scope questions
rejected or referred ≥ 97%. The same rule as ../shared/eval/run_eval.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.normalize import Normalizer

DEV = Path("/work/shared/eval/dev-questions.jsonl")
OWN = Path(__file__).parent / "data" / "eval-questions.jsonl"


@dataclass
class Score:
    n_in: int = 0
    n_out: int = 0
    direct: int = 0
    one_tap: int = 0
    wrong: int = 0
    reject: int = 0
    misses: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"direct {self.direct}/{self.n_in}, one-tap {self.one_tap}/{self.n_in}, wrong {self.wrong}, "
            f"reject {self.reject}/{self.n_out}\n" + "\n".join(self.misses)
        )


def evaluate(matcher: Matcher, path: Path) -> Score:
    s = Score()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        expect = set(case["expect"])
        m = matcher.match(case["q"])
        code = m.procedure.code if m.procedure else None
        offered = {c.code for c in m.candidates[:3]}
        if expect:
            s.n_in += 1
            ok = m.kind == "procedure" and code in expect
            s.direct += ok
            s.one_tap += ok or (m.kind == "clarify" and bool(offered & expect))
            s.wrong += m.kind == "procedure" and code not in expect
            if not ok:
                s.misses.append(
                    f"MISS {case['q']!r} want {sorted(expect)} got {m.kind} {code} {sorted(offered)}"
                )
        else:
            s.n_out += 1
            ok = m.kind in ("none", "referral")
            s.reject += ok
            if not ok:
                s.misses.append(f"FALSE {case['q']!r} got {m.kind} {code}")
    return s


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge_base(), Normalizer())


def _assert_thresholds(s: Score) -> None:
    assert s.n_in > 0
    assert s.direct / s.n_in >= 0.92, s.summary()
    assert s.one_tap / s.n_in >= 0.99, s.summary()
    assert s.wrong / s.n_in <= 0.01, s.summary()
    if s.n_out:
        assert s.reject / s.n_out >= 0.97, s.summary()


@pytest.mark.skipif(not DEV.exists(), reason="shared dev questions not available")
def test_dev_questions(matcher: Matcher) -> None:
    _assert_thresholds(evaluate(matcher, DEV))


@pytest.mark.skipif(not OWN.exists(), reason="tests/data/eval-questions.jsonl not written yet")
def test_own_questions(matcher: Matcher) -> None:
    s = evaluate(matcher, OWN)
    assert s.n_in >= 100 and s.n_out >= 40, "the question set should stay large"
    _assert_thresholds(s)


def test_every_expected_code_exists(matcher: Matcher) -> None:
    for path in (DEV, OWN):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for code in json.loads(line)["expect"]:
                    assert code in matcher.kb.procedures, f"{path.name}: {code}"
