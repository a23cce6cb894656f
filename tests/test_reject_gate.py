"""The reject gate: learned from labelled questions, it turns away answers to questions that ask for
nothing in the knowledge base; a broken gate file is refused like a broken procedure file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_ROOT, KnowledgeBaseError, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.normalize import DONE, PURPOSE, Normalizer
from knowledge.reject_gate import GATE_FILE, RejectGate, features, load_gate, train, write_gate
from knowledge.snapshot import load_indexed

FIXTURES = Path(__file__).parent / "fixtures"
SAVINGS = "làm giấy khai sinh cho con xong, muốn mở sổ tiết kiệm đứng tên bé"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb_small", target)
    return target


def _examples() -> list[tuple[list[str], bool]]:
    """Birth questions in scope; the same words beside a bank's matter out of scope."""
    asked = ["lam giay khai sinh", "khai sinh cho con", "dang ky khai sinh can gi", "khai sinh o dau"]
    other = ["mo so tiet kiem cho con", "so tiet kiem ngan hang", "lai suat tiet kiem", "mo so tiet kiem"]
    return [(q.split(), False) for q in asked * 40] + [(q.split(), True) for q in other * 40]


def test_the_gate_learns_what_is_asked_elsewhere_and_keeps_what_is_asked_here() -> None:
    gate = train(_examples())
    assert gate.turns_away(["muon", "mo", "so", "tiet", "kiem", "cho", "be"])
    # Both sides' words: the birth is told, the bank is asked about.
    assert gate.out_of_scope(["khai", "sinh", "xong", "mo", "so", "tiet", "kiem"]) > 0.5
    assert not gate.turns_away(["dang", "ky", "khai", "sinh", "cho", "con"])
    # A word it never saw says nothing either way.
    assert gate.out_of_scope(["khai", "sinh", "zzz"]) == pytest.approx(gate.out_of_scope(["khai", "sinh"]))


def test_training_is_repeatable() -> None:
    assert train(_examples()).to_json() == train(_examples()).to_json()


def test_how_a_word_was_read_is_not_a_feature_of_its_own() -> None:
    assert features([DONE + "khai", DONE + "sinh", PURPOSE + "vay"]) == features(["khai", "sinh", "vay"])
    assert "khai sinh" in features(["khai", "sinh"])


def test_the_gate_file_round_trips(tmp_path: Path) -> None:
    gate = train(_examples())
    write_gate(tmp_path, gate)
    loaded = load_gate(tmp_path)
    assert loaded is not None
    assert (loaded.turn_away_at, loaded.ask_below) == (gate.turn_away_at, gate.ask_below)
    tokens = ["mo", "so", "tiet", "kiem"]
    assert loaded.out_of_scope(tokens) == pytest.approx(gate.out_of_scope(tokens), abs=1e-3)
    assert load_gate(tmp_path / "elsewhere") is None  # a knowledge base may have no gate


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "not valid JSON"),
        ('{"turn_away_at": 1.5, "ask_below": 0, "bias": 0, "weights": {}}', "turn_away_at: must be a number"),
        ('{"turn_away_at": 0.9, "ask_below": 0.7, "bias": 0, "weights": {}}', "ask_below: must be a number"),
        ('{"turn_away_at": 0.9, "ask_below": 0, "bias": "x", "weights": {}}', "bias: must be a number"),
        ('{"turn_away_at": 0.9, "ask_below": 0, "bias": 0, "weights": {"a": "x"}}', "weights: must map"),
    ],
)
def test_a_broken_gate_file_stops_the_knowledge_base(kb_dir: Path, text: str, named: str) -> None:
    (kb_dir / GATE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_dir)
    assert any(e.startswith(f"{GATE_FILE}: {named}") for e in info.value.errors), info.value.errors


def test_the_matcher_asks_the_gate_before_answering(kb_dir: Path) -> None:
    without = Matcher(load_knowledge_base(kb_dir), Normalizer()).match(SAVINGS)
    assert without.kind == "procedure" and without.procedure is not None
    assert without.procedure.code == "1.001193"
    write_gate(kb_dir, RejectGate(bias=-5.0, weights={"tiet kiem": 10.0}))
    turned = Matcher(load_knowledge_base(kb_dir), Normalizer()).match(SAVINGS)
    assert turned.kind == "none"
    assert turned.candidates[0].code == "1.001193"  # still logged for the officials as the nearest
    # A question it is not sure about is answered as before.
    kept = Matcher(load_knowledge_base(kb_dir), Normalizer()).match("làm giấy khai sinh cho con cần gì")
    assert kept.kind == "procedure"


def test_a_request_given_up_on_becomes_a_choice_when_the_gate_is_sure_it_asks(kb_dir: Path) -> None:
    # "trời có mưa" is another kind of question, so the matcher gives up on the whole message.
    question = "làm giấy khai sinh cho con cần gì ạ, hôm nay trời có mưa không"
    assert Matcher(load_knowledge_base(kb_dir), Normalizer()).match(question).kind == "none"
    write_gate(kb_dir, RejectGate(bias=0.0, weights={"giay khai sinh": -10.0}))
    matcher = Matcher(load_knowledge_base(kb_dir), Normalizer())
    asked = matcher.match(question)
    assert asked.kind == "clarify" and [c.code for c in asked.candidates] == ["1.001193"]
    # Nothing in view, nothing to offer, however sure the gate is that something is asked.
    write_gate(kb_dir, RejectGate(bias=-10.0, weights={}))
    sure = Matcher(load_knowledge_base(kb_dir), Normalizer())
    assert sure.match("hôm nay trời có mưa không").kind == "none"


def test_a_referral_is_not_turned_away(kb_dir: Path) -> None:
    write_gate(kb_dir, RejectGate(bias=5.0, weights={}))  # sure that everything is out of scope
    matcher = Matcher(load_knowledge_base(kb_dir), Normalizer())
    assert matcher.match("làm hộ chiếu ở đâu").kind == "referral"
    assert matcher.match("làm giấy khai sinh cho con cần gì").kind == "none"


def test_a_retrained_gate_is_not_hidden_by_the_start_up_snapshot(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert load_indexed(kb_dir, cache).kb.gate is None
    write_gate(kb_dir, RejectGate(bias=-5.0, weights={"tiet kiem": 10.0}))
    assert load_indexed(kb_dir, cache).matcher.match(SAVINGS).kind == "none"


def test_the_shipped_knowledge_base_has_a_gate_that_keeps_its_own_phrasings() -> None:
    # Names and aliases are what citizens are known to ask; a bare keyword may be what they ask of
    # another office too ("sang tên": a land title), which kb check reports.
    kb = load_knowledge_base(DEFAULT_ROOT)
    assert kb.gate is not None
    matcher = Matcher(kb, Normalizer())
    phrasings = [t for p in kb.procedures.values() for t in (p.name, *p.aliases)]
    turned = [t for t in phrasings if kb.gate.turns_away(matcher.tokens_of(t))]
    assert len(phrasings) > 1000 and turned == []


def test_kb_check_names_a_phrasing_the_gate_would_turn_away(kb_dir: Path) -> None:
    write_gate(kb_dir, RejectGate(bias=-5.0, weights={"khai sinh": 10.0}))
    result = _motcua("kb", "check", "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert "procedures/1.001193.yaml: a citizen typing" in result.stdout
    assert "motcua kb train-gate" in result.stdout


def test_train_gate_writes_a_gate_the_knowledge_base_loads(kb_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "questions.jsonl"
    rows = [{"q": q, "expect": ["1.001193"]} for q in ("làm giấy khai sinh", "khai sinh cho con ở đâu")]
    rows += [{"q": q, "expect": []} for q in ("mở sổ tiết kiệm cho con", "lãi suất tiết kiệm bao nhiêu")]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows * 3), encoding="utf-8")
    result = _motcua("kb", "train-gate", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert "trained on 12 questions (6 out of scope)" in result.stdout
    kb = load_knowledge_base(kb_dir)
    assert kb.gate is not None and kb.gate.weights


def test_train_gate_replaces_a_broken_gate(kb_dir: Path, tmp_path: Path) -> None:
    (kb_dir / GATE_FILE).write_text('{"threshold": 0.9}', encoding="utf-8")  # an older layout
    labelled = tmp_path / "questions.jsonl"
    labelled.write_text('{"q": "làm giấy khai sinh", "expect": ["1.001193"]}\n', encoding="utf-8")
    result = _motcua("kb", "train-gate", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert load_knowledge_base(kb_dir).gate is not None


def test_train_gate_refuses_a_bad_line_and_writes_nothing(kb_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "questions.jsonl"
    labelled.write_text('{"q": "làm giấy khai sinh", "expect": []}\n{"question": "?"}\n', encoding="utf-8")
    result = _motcua("kb", "train-gate", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 1
    assert f"{labelled}:2: not a" in result.stderr
    assert not (kb_dir / GATE_FILE).exists()


def _motcua(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
