"""What is learned from labelled questions (knowledge.learned): the reject gate turns away answers to
questions that ask for nothing here and offers a choice where the matcher gave up; the sibling arbiter
turns a likely wrong answer into a choice. A broken file is refused like a broken procedure file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_console

from bot.commands.ask import human_text
from knowledge import procedure_classifier, reject_gate, sibling_arbiter
from knowledge.learned import LEARNED_FILE, Learned, load_learned, write_learned
from knowledge.loader import DEFAULT_ROOT, KnowledgeBaseError, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.normalize import CLAUSE_BREAK, Normalizer
from knowledge.procedure_classifier import ProcedureClassifier
from knowledge.reject_gate import RejectGate, features
from knowledge.sibling_arbiter import SiblingArbiter
from knowledge.snapshot import load_indexed

FIXTURES = Path(__file__).parent / "fixtures"
SAVINGS = "làm giấy khai sinh cho con xong, muốn mở sổ tiết kiệm đứng tên bé"
NEUTRAL = SiblingArbiter((0.0, 0.0, 0.0), 0.0, {}, keep_at=0.0)  # keeps every answer
UNSURE = RejectGate(bias=0.0, weights={})  # one chance in two: never overrules either
SILENT = ProcedureClassifier({}, {})  # knows no procedure: never changes a decision


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb_small", target)
    return target


def _matcher(
    kb_dir: Path,
    gate: RejectGate = UNSURE,
    arbiter: SiblingArbiter = NEUTRAL,
    classifier: ProcedureClassifier = SILENT,
) -> Matcher:
    write_learned(kb_dir, Learned(gate, arbiter, classifier))
    return Matcher(load_knowledge_base(kb_dir), Normalizer())


def _features(text: str) -> set[str]:
    return features(text.split())


def _gate_examples() -> list[tuple[set[str], bool]]:
    """Birth questions in scope; the same words beside a bank's matter out of scope."""
    asked = ["lam giay khai sinh", "khai sinh cho con", "dang ky khai sinh can gi", "khai sinh o dau"]
    other = ["mo so tiet kiem cho con", "so tiet kiem ngan hang", "lai suat tiet kiem", "mo so tiet kiem"]
    return [(_features(q), False) for q in asked * 40] + [(_features(q), True) for q in other * 40]


def test_the_gate_learns_what_is_asked_elsewhere_and_keeps_what_is_asked_here() -> None:
    gate = reject_gate.train(_gate_examples())
    assert gate.turns_away(_features("muon mo so tiet kiem cho be"))
    assert not gate.turns_away(_features("dang ky khai sinh cho con"))
    # Both sides' words: the birth is told, the bank is asked about.
    assert gate.out_of_scope(_features("khai sinh xong mo so tiet kiem")) > 0.5
    # A word it never saw says nothing either way.
    assert gate.out_of_scope({"khai", "sinh", "zzz"}) == pytest.approx(gate.out_of_scope({"khai", "sinh"}))


def test_the_gate_learns_what_a_word_says_beside_each_procedure() -> None:
    # "tạm trú" beside a marriage with a foreigner is the foreigner's situation, asked here; beside a
    # birth it is a question for the police.
    def seen(text: str, code: str) -> set[str]:
        return _features(text) | reject_gate.in_view(text.split(), code)

    examples = [(seen("ket hon nguoi nuoc ngoai the tam tru", "2.000806"), False)] * 40
    examples += [(seen("khai sinh xong dang ky tam tru cho con", "1.001193"), True)] * 40
    examples += [(seen("dang ky khai sinh cho con", "1.001193"), False)] * 40
    gate = reject_gate.train(examples)
    # The same words, another procedure in view: without it the gate could not tell them apart.
    beside_marriage = gate.out_of_scope(seen("the tam tru", "2.000806"))
    assert beside_marriage < 0.5 < gate.out_of_scope(seen("the tam tru", "1.001193"))
    tied = reject_gate.in_view(["a", CLAUSE_BREAK, "b"], "1.001193")
    assert tied == {"@1.001193", "@1.001193:a", "@1.001193:b"}


def test_the_arbiter_learns_which_sibling_a_wording_means() -> None:
    both = [("1.000894", 0.6), ("1.001193", 0.4)]
    examples = [(["khai", "sinh", "chua", "dang", "ky", "ket", "hon"], both, "1.001193")] * 30
    examples += [(["dang", "ky", "ket", "hon"], both, "1.000894")] * 30
    arbiter = sibling_arbiter.train(examples)
    assert arbiter.doubts(_features("lam khai sinh chua ket hon"), both) == ["1.001193", "1.000894"]
    assert arbiter.doubts(_features("dang ky ket hon can gi"), both) is None
    assert arbiter.doubts(_features("dang ky ket hon can gi"), both[:1]) is None  # nothing to ask between


def _classifier_examples() -> list[tuple[set[str], str]]:
    """A birth, a marriage and an adoption, each told in a few ways; "nuoi chau" only in adoptions."""
    told = {
        "1.001193": ["lam giay khai sinh cho con", "khai sinh cho chau moi sinh", "con moi sinh lam giay gi"],
        "1.000894": ["dang ky ket hon", "lam giay ket hon", "cuoi vo can giay gi"],
        "9.000124": ["nuoi chau tu nho muon nhan lam con", "nhan con nuoi", "nuoi chau lam giay gi"],
    }
    return [(_features(q), code) for code, qs in told.items() for q in qs * 20]


def test_the_classifier_learns_which_procedure_a_wording_means() -> None:
    classifier = procedure_classifier.train(_classifier_examples())
    assert set(classifier.bias) == {"1.001193", "1.000894", "9.000124"}
    code, chance = classifier.likeliest(_features("nuoi chau tu be lam giay gi"))  # type: ignore[misc]
    assert code == "9.000124" and chance > 0.9
    code, chance = classifier.likeliest(_features("cuoi vo o xa"))  # type: ignore[misc]
    assert code == "1.000894" and chance > 0.5
    assert SILENT.likeliest(_features("cuoi vo o xa")) is None  # trained on nothing, it has no opinion


def test_training_is_repeatable() -> None:
    assert reject_gate.train(_gate_examples()) == reject_gate.train(_gate_examples())
    examples = _classifier_examples()
    assert procedure_classifier.train(examples) == procedure_classifier.train(examples)


def test_the_models_see_small_words_and_runs_of_words() -> None:
    said = Normalizer().analyze("cho em hỏi, muốn làm giấy tờ").said
    assert said == ("cho", "em", "hoi", CLAUSE_BREAK, "muon", "lam", "giay", "to")
    assert {"muon", "muon lam", "muon lam giay"} <= features(["muon", "lam", "giay"])


def test_the_learned_file_round_trips(tmp_path: Path) -> None:
    gate = reject_gate.train(_gate_examples())
    weights = {"khai sinh": {"1.001193": 1.5}, "tiny": {"1.001193": 0.001}}
    arbiter = SiblingArbiter((1.0, 0.5, 0.0), 2.0, weights)
    classifier = ProcedureClassifier({"1.001193": 0.1, "1.000894": -0.1}, {"khai sinh": {"1.001193": 2.0}})
    write_learned(tmp_path, Learned(gate, arbiter, classifier))
    loaded = load_learned(tmp_path)
    assert loaded is not None
    assert (loaded.gate.turn_away_at, loaded.gate.ask_below) == (gate.turn_away_at, gate.ask_below)
    tokens = _features("mo so tiet kiem")
    assert loaded.gate.out_of_scope(tokens) == pytest.approx(gate.out_of_scope(tokens), abs=1e-3)
    # Weights too small to change a decision are not kept.
    assert loaded.arbiter == SiblingArbiter((1.0, 0.5, 0.0), 2.0, {"khai sinh": {"1.001193": 1.5}})
    assert loaded.classifier == classifier
    assert load_learned(tmp_path / "elsewhere") is None  # a knowledge base may have none


def _good() -> dict[str, dict[str, object]]:
    return {
        "reject_gate": {
            "turn_away_at": 0.9,
            "ask_below": 0.02,
            "ask_over_referral_below": 0.005,
            "bias": 0,
            "weights": {},
        },
        "sibling_arbiter": {"keep_at": 0.8, "rank_bias": [0, 0, 0], "share_weight": 0, "weights": {}},
        "procedure_classifier": {"add_at": 0.5, "answer_at": 0.98, "bias": {"1.001193": 0}, "weights": {}},
    }


def _with(section: str, key: str, value: object) -> str:
    data = _good()
    if key:
        data[section][key] = value
    else:
        del data[section]
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "not valid JSON"),
        (_with("reject_gate", "", None), "reject_gate: is required"),
        (_with("reject_gate", "turn_away_at", 1.5), "reject_gate.turn_away_at: must be a number from 0.5"),
        (_with("reject_gate", "bias", "x"), "reject_gate.bias: must be a number"),
        (_with("sibling_arbiter", "rank_bias", [0]), "sibling_arbiter.rank_bias: must be a list of 3"),
        (_with("sibling_arbiter", "weights", {"sinh": {"1.001193": "x"}}), "sibling_arbiter.weights.sinh"),
        (_with("procedure_classifier", "", None), "procedure_classifier: is required"),
        (_with("procedure_classifier", "answer_at", 1), "procedure_classifier.answer_at: must be a number"),
        (_with("procedure_classifier", "bias", []), "procedure_classifier.bias: must map each procedure"),
        (
            _with("procedure_classifier", "weights", {"sinh": {"1.000894": 1.0}}),
            "procedure_classifier.weights.sinh: 1.000894 has no bias",
        ),
    ],
)
def test_a_broken_learned_file_stops_the_knowledge_base(kb_dir: Path, text: str, named: str) -> None:
    (kb_dir / LEARNED_FILE).write_text(json.dumps(_good()), encoding="utf-8")
    assert load_knowledge_base(kb_dir).learned is not None
    (kb_dir / LEARNED_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_dir)
    assert any(e.startswith(f"{LEARNED_FILE}: {named}") for e in info.value.errors), info.value.errors


def test_the_gate_turns_away_an_answer_it_is_sure_asks_for_nothing_here(kb_dir: Path) -> None:
    without = Matcher(load_knowledge_base(kb_dir), Normalizer()).match(SAVINGS)
    assert without.kind == "procedure" and without.procedure is not None
    assert without.procedure.code == "1.001193"
    matcher = _matcher(kb_dir, gate=RejectGate(bias=0.0, weights={"tiet kiem": 10.0}))
    turned = matcher.match(SAVINGS)
    assert turned.kind == "none"
    assert turned.candidates[0].code == "1.001193"  # still logged for the officials as the nearest
    assert matcher.match("làm giấy khai sinh cho con cần gì").kind == "procedure"


def test_a_request_given_up_on_becomes_a_choice_when_the_gate_is_sure_it_asks(kb_dir: Path) -> None:
    # "trời có mưa" is another kind of question, so the matcher gives up on the whole message.
    question = "làm giấy khai sinh cho con cần gì ạ, hôm nay trời có mưa không"
    assert Matcher(load_knowledge_base(kb_dir), Normalizer()).match(question).kind == "none"
    asked = _matcher(kb_dir, gate=RejectGate(bias=0.0, weights={"giay khai sinh": -10.0})).match(question)
    assert asked.kind == "clarify" and [c.code for c in asked.candidates] == ["1.001193"]
    # Sure enough at 1 in 34 out of scope (below ask_below, 0.05): a tap costs less than the request.
    fairly_sure = _matcher(kb_dir, gate=RejectGate(bias=-3.5, weights={})).match(question)
    assert fairly_sure.kind == "clarify" and fairly_sure.candidates[0].code == "1.001193"
    assert _matcher(kb_dir, gate=RejectGate(bias=-2.5, weights={})).match(question).kind == "none"  # 7.6%
    # Nothing in view, nothing to offer, however sure the gate is that something is asked.
    sure = _matcher(kb_dir, gate=RejectGate(bias=-10.0, weights={}))
    assert sure.match("hôm nay trời có mưa không").kind == "none"


ADOPTED = "nuôi cháu từ nhỏ, giờ muốn làm giấy cho cháu thành con chính thức của vợ chồng tôi"
KNOWN = {"1.001193": 0.0, "1.000894": 0.0, "9.000124": 0.0}


def test_the_classifier_offers_first_a_procedure_the_matcher_did_not_offer(kb_dir: Path) -> None:
    answered = _matcher(kb_dir).match(ADOPTED)
    assert answered.kind == "procedure" and answered.procedure is not None
    assert answered.procedure.code == "1.001193"
    assert "9.000124" not in {c.code for c in answered.candidates}
    # Questions worded like it meant the adoption (about nine chances in ten): it is offered first,
    # beside the matcher's answer.
    likelier = ProcedureClassifier(KNOWN, {"nuoi chau": {"9.000124": 4.0}})
    asked = _matcher(kb_dir, classifier=likelier).match(ADOPTED)
    assert asked.kind == "clarify" and asked.procedure is None
    assert [c.code for c in asked.candidates][:2] == ["9.000124", "1.001193"]
    assert asked.candidates[0].name == "Đăng ký nuôi con nuôi trong nước"
    # However sure, it never answers a procedure the matcher did not offer: a tap, not a wrong card.
    certain = ProcedureClassifier(KNOWN, {"nuoi chau": {"9.000124": 20.0}})
    assert _matcher(kb_dir, classifier=certain).match(ADOPTED).kind == "clarify"
    # Less likely than not, or the matcher's own answer: nothing changes.
    unsure = ProcedureClassifier(KNOWN, {"nuoi chau": {"9.000124": 0.5}})
    assert _matcher(kb_dir, classifier=unsure).match(ADOPTED) == answered
    agrees = ProcedureClassifier(KNOWN, {"nuoi chau": {"1.001193": 20.0}})
    assert _matcher(kb_dir, classifier=agrees).match(ADOPTED) == answered


def test_a_choice_is_answered_when_the_classifier_is_all_but_certain_of_one_offered(kb_dir: Path) -> None:
    question = "đăng ký kết hôn và khai sinh"
    asking = SiblingArbiter((0.0, 0.0, 0.0), 0.0, {}, keep_at=0.99)  # never sure enough: always asks
    choice = _matcher(kb_dir, arbiter=asking).match(question)
    assert choice.kind == "clarify"
    assert [c.code for c in choice.candidates] == ["1.000894", "1.001193"]
    certain = ProcedureClassifier(KNOWN, {"khai sinh": {"1.001193": 20.0}})
    answered = _matcher(kb_dir, arbiter=asking, classifier=certain).match(question)
    assert answered.kind == "procedure" and answered.procedure is not None
    assert answered.procedure.code == "1.001193"
    fairly_sure = ProcedureClassifier(KNOWN, {"khai sinh": {"1.001193": 3.0}})  # 0.91: reordered only
    reordered = _matcher(kb_dir, arbiter=asking, classifier=fairly_sure).match(question)
    assert reordered.kind == "clarify"
    assert [c.code for c in reordered.candidates] == ["1.001193", "1.000894"]


def test_the_classifier_leaves_alone_what_it_does_not_know(kb_dir: Path) -> None:
    # A procedure since removed from the knowledge base, or a question turned away by the gate.
    gone = ProcedureClassifier({**KNOWN, "1.999999": 0.0}, {"nuoi chau": {"1.999999": 20.0}})
    assert _matcher(kb_dir, classifier=gone).match(ADOPTED) == _matcher(kb_dir).match(ADOPTED)
    sure = ProcedureClassifier(KNOWN, {"tiet kiem": {"1.001193": 20.0}})
    matcher = _matcher(kb_dir, gate=RejectGate(bias=0.0, weights={"tiet kiem": 10.0}), classifier=sure)
    assert matcher.match(SAVINGS).kind == "none"


def test_a_referral_is_never_turned_away(kb_dir: Path) -> None:
    matcher = _matcher(kb_dir, gate=RejectGate(bias=5.0, weights={}))  # sure that nothing is asked here
    assert matcher.match("làm hộ chiếu ở đâu").kind == "referral"
    assert matcher.match("làm giấy khai sinh cho con cần gì").kind == "none"


def test_a_referral_becomes_a_choice_beside_it_only_when_the_gate_is_all_but_certain(kb_dir: Path) -> None:
    # A marriage after a divorce: the divorce is named, the marriage is asked for.
    question = "tôi ly hôn rồi, giờ kết hôn với người mới có cần mang bản án ly hôn không"
    referred = Matcher(load_knowledge_base(kb_dir), Normalizer()).match(question)
    assert referred.kind == "referral" and referred.candidates
    fairly_sure = _matcher(kb_dir, gate=RejectGate(bias=-3.5, weights={}))  # 2.9%: below ask_below only
    assert fairly_sure.match(question).kind == "referral"
    sure = _matcher(kb_dir, gate=RejectGate(bias=-4.2, weights={})).match(question)  # 1.5%
    assert sure.kind == "clarify" and sure.candidates[0].code == "1.000894"
    certain = _matcher(kb_dir, gate=RejectGate(bias=-4.0, weights={"ket hon": -3.0}))
    asked = certain.match(question)
    assert asked.kind == "clarify" and asked.candidates[0].code == "1.000894"
    assert asked.referral == referred.referral  # told beside the choice, for whoever did mean it
    text = human_text(certain.kb, asked)
    assert "Nếu Anh/Chị hỏi việc «" in text and "Tòa án" in text
    assert "1. Đăng ký kết hôn" in text


def test_the_citizen_reads_the_other_office_above_the_choice(kb_dir: Path, tmp_path: Path) -> None:
    write_learned(kb_dir, Learned(RejectGate(bias=-4.0, weights={"ket hon": -3.0}), NEUTRAL, SILENT))
    question = "tôi ly hôn rồi, giờ kết hôn với người mới có cần mang bản án ly hôn không"
    result = run_console(tmp_path, [question], "--no-demo", env={"KNOWLEDGE_DIR": str(kb_dir)})
    assert result.returncode == 0, result.stderr
    reply = result.stdout
    assert "Nếu Anh/Chị hỏi việc «" in reply and "Tòa án" in reply
    assert reply.index("Tòa án") < reply.index("Đăng ký kết hôn")


def test_a_retrained_file_is_not_hidden_by_the_start_up_snapshot(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert load_indexed(kb_dir, cache).kb.learned is None
    write_learned(kb_dir, Learned(RejectGate(bias=0.0, weights={"tiet kiem": 10.0}), NEUTRAL, SILENT))
    assert load_indexed(kb_dir, cache).matcher.match(SAVINGS).kind == "none"


def test_the_shipped_knowledge_base_keeps_its_own_names_aliases_and_keywords() -> None:
    # What kb check warns of: each phrasing typed alone, its own procedure ranked first. Trained on
    # the bare words only, the gate came to turn away "mua bán nhà" and "bằng cấp".
    kb = load_knowledge_base(DEFAULT_ROOT)
    assert kb.learned is not None
    matcher = Matcher(kb, Normalizer())
    assert sum(1 + len(p.aliases) + len(p.keywords) for p in kb.procedures.values()) > 1500
    assert matcher.gated_phrasings() == []


def test_kb_check_names_a_phrasing_the_gate_would_turn_away(kb_dir: Path) -> None:
    write_learned(kb_dir, Learned(RejectGate(bias=0.0, weights={"khai sinh": 10.0}), NEUTRAL, SILENT))
    result = _motcua("kb", "check", "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert "procedures/1.001193.yaml: a citizen typing" in result.stdout
    assert "motcua kb train" in result.stdout


def test_training_turns_a_wrong_answer_into_a_choice_of_the_siblings(kb_dir: Path, tmp_path: Path) -> None:
    # The small knowledge base answers the marriage to a birth asked before the parents married.
    unseen = "con sinh ra khi chưa đăng ký kết hôn thì khai sinh sao"
    before = Matcher(load_knowledge_base(kb_dir), Normalizer()).match(unseen)
    assert before.kind == "procedure" and before.procedure is not None
    assert before.procedure.code == "1.000894"
    births = ["khai sinh cho con chưa đăng ký kết hôn", "chưa đăng ký kết hôn, khai sinh cho con được không"]
    births += ["bố mẹ chưa kết hôn, khai sinh cho bé", "khai sinh khi chưa đăng ký kết hôn cần gì"]
    # Marriages where a birth certificate is among the papers: the marriage is meant.
    marriages = ["đăng ký kết hôn cần giấy khai sinh không", "đi đăng ký kết hôn phải có giấy khai sinh à"]
    marriages += ["đăng ký kết hôn cần gì", "kết hôn có phải nộp giấy khai sinh không"]
    rows = [{"q": q, "expect": ["1.001193"]} for q in births]
    rows += [{"q": q, "expect": ["1.000894"]} for q in marriages]
    rows += [{"q": q, "expect": []} for q in ("mở sổ tiết kiệm cho con", "lãi suất tiết kiệm bao nhiêu")]
    labelled = tmp_path / "questions.jsonl"
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows * 5), encoding="utf-8")
    result = _motcua("kb", "train", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert "trained on 50 questions (10 out of scope)" in result.stdout
    matcher = Matcher(load_knowledge_base(kb_dir), Normalizer())
    after = matcher.match(unseen)
    assert after.kind == "clarify"
    assert [c.code for c in after.candidates[:2]] == ["1.001193", "1.000894"]
    # A marriage asked with the birth certificate among its papers is still answered outright.
    kept = matcher.match("đăng ký kết hôn có cần mang giấy khai sinh không")
    assert kept.kind == "procedure" and kept.procedure is not None and kept.procedure.code == "1.000894"


def test_training_replaces_a_broken_file(kb_dir: Path, tmp_path: Path) -> None:
    (kb_dir / LEARNED_FILE).write_text('{"threshold": 0.9}', encoding="utf-8")  # an older layout
    labelled = tmp_path / "questions.jsonl"
    labelled.write_text('{"q": "làm giấy khai sinh", "expect": ["1.001193"]}\n', encoding="utf-8")
    result = _motcua("kb", "train", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 0, result.stderr
    assert load_knowledge_base(kb_dir).learned is not None


def test_training_refuses_a_bad_line_and_writes_nothing(kb_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "questions.jsonl"
    labelled.write_text('{"q": "làm giấy khai sinh", "expect": []}\n{"question": "?"}\n', encoding="utf-8")
    result = _motcua("kb", "train", str(labelled), "--path", str(kb_dir))
    assert result.returncode == 1
    assert f"{labelled}:2: not a" in result.stderr
    assert not (kb_dir / LEARNED_FILE).exists()


def _motcua(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
