"""The start-up snapshot: a restart with the same files reads it; any edit is parsed and validated
afresh; a damaged or unwritable snapshot only costs speed."""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SHARED
from helpers import run_console

from bot.services.knowledge import KnowledgeService
from knowledge.learned import LEARNED_FILE, write_learned
from knowledge.loader import DEFAULT_ROOT, KnowledgeBaseError, load_knowledge_base
from knowledge.matcher import Match, Matcher
from knowledge.normalize import DEFAULT_SYNONYMS, Normalizer
from knowledge.snapshot import Indexed, Snapshot, build, load_indexed

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data"
LANTERN = "xin dấu đỏ cho lồng đèn kéo quân"  # no procedure's words until a test adds it as an alias


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb_small", target)
    return target


def snapshots(cache: Path) -> list[Path]:
    return sorted(cache.glob("knowledge-*.pickle"))


def summary(m: Match) -> tuple[object, ...]:
    code = m.procedure.code if m.procedure else (m.referral.id if m.referral else None)
    return (m.kind, code, round(m.score, 6), tuple((c.code, c.score) for c in m.candidates))


def _touch_alias(card: Path, alias: str) -> None:
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("aliases:\n", f"aliases:\n  - {alias}\n", 1), encoding="utf-8")


def test_a_restart_with_the_same_files_reads_the_snapshot(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kb = load_indexed(kb_dir, cache).kb
    [snapshot] = snapshots(cache)
    # Replace what the snapshot holds with another knowledge base under the same name: only a load
    # that really reads the snapshot (rather than the files) can return it.
    other = load_knowledge_base()
    snapshot.write_bytes(pickle.dumps(Indexed(other, Matcher(other, Normalizer()), {})))
    reread = load_indexed(kb_dir, cache).kb
    assert len(kb.procedures) == 5
    assert len(reread.procedures) == len(other.procedures) == 42


def test_a_snapshot_answers_exactly_as_a_fresh_index(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = Matcher(load_knowledge_base(), Normalizer())
    load_indexed(None, cache)  # writes the snapshot
    restored = load_indexed(None, cache).matcher
    assert restored is not fresh
    questions = [
        json.loads(line)["q"]
        for path in (SHARED / "eval" / "dev-questions.jsonl", DATA / "eval-questions.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(questions) >= 300
    for q in questions:
        assert summary(restored.match(q)) == summary(fresh.match(q)), q


def test_an_edited_file_is_parsed_again(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_indexed(kb_dir, cache).matcher
    assert before.match(LANTERN).kind == "none"
    _touch_alias(kb_dir / "procedures" / "1.001193.yaml", LANTERN)
    after = load_indexed(kb_dir, cache)
    assert after.matcher.match(LANTERN).procedure == after.kb.procedures["1.001193"]
    assert len(snapshots(cache)) == 1  # the stale one is gone


def test_a_same_length_edit_is_seen_by_its_time(kb_dir: Path, tmp_path: Path) -> None:
    """A clerk fixing one letter leaves the size alone; the modification time tells."""
    cache = tmp_path / "cache"
    load_indexed(kb_dir, cache)
    card = kb_dir / "procedures" / "1.001193.yaml"
    text = card.read_text(encoding="utf-8")
    edited = text.replace("Đăng ký khai sinh", "Đăng ký khai sinK", 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    st = card.stat()
    card.write_text(edited, encoding="utf-8")
    os.utime(card, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    kb = load_indexed(kb_dir, cache).kb
    assert kb.procedures["1.001193"].name.endswith("khai sinK")


def test_a_new_or_removed_file_changes_the_fingerprint(kb_dir: Path, tmp_path: Path) -> None:
    def fingerprint() -> Path | None:  # the snapshot's name holds the files' fingerprint
        return Snapshot(kb_dir, tmp_path / "cache").path

    before = fingerprint()
    extra = kb_dir / "referrals" / "extra.yaml"
    shutil.copy(kb_dir / "referrals" / "ho-chieu.yaml", extra)
    with_extra = fingerprint()
    extra.unlink()
    assert len({before, with_extra}) == 2
    assert fingerprint() == before


def test_a_broken_edit_is_refused_even_with_a_snapshot_of_the_old_files(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_indexed(kb_dir, cache)
    (kb_dir / "procedures" / "2.000815.yaml").write_text("code: '2.000815'\nname: 42\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as err:
        load_indexed(kb_dir, cache)
    assert any("2.000815.yaml" in e for e in err.value.errors)


def test_a_damaged_snapshot_is_rebuilt(
    kb_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    load_indexed(kb_dir, cache)
    [snapshot] = snapshots(cache)
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="knowledge.snapshot"):
        indexed = load_indexed(kb_dir, cache)
    assert "unreadable" in caplog.text
    assert indexed.matcher.match("làm giấy khai sinh cho con").procedure == indexed.kb.procedures["1.001193"]
    assert pickle.loads(snapshot.read_bytes()).kb == indexed.kb  # written again, whole


def test_an_unwritable_cache_only_costs_speed(
    kb_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="knowledge.snapshot"):
        indexed = load_indexed(kb_dir, blocker / "cache")
    assert "not written" in caplog.text
    assert indexed.matcher.match("làm giấy khai sinh cho con").procedure == indexed.kb.procedures["1.001193"]


def test_a_snapshot_that_cannot_be_written_leaves_the_bot_answering(
    kb_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The start's snapshot is written in a thread the stop waits for: whatever fails there is
    logged, never raised into the stop."""
    cache = tmp_path / "cache"
    built = build(kb_dir, None)
    unpicklable = replace(built, files=(name for name in ()))  # a generator cannot be written
    service = KnowledgeService(kb_dir, unpicklable, cache, Snapshot(kb_dir, cache))
    with caplog.at_level(logging.ERROR, logger="bot.services.knowledge"):
        service.save_snapshot()
    assert "snapshot not written" in caplog.text
    assert snapshots(cache) == [] and not list(cache.glob(".tmp-*"))
    assert service.match("làm giấy khai sinh cho con").procedure == service.kb.procedures["1.001193"]


def test_the_bot_keeps_its_snapshot_where_configured(tmp_path: Path) -> None:
    """The setting reaches the running bot: a console session leaves the snapshot in KNOWLEDGE_CACHE_DIR."""
    cache = {"KNOWLEDGE_CACHE_DIR": str(tmp_path / "snap")}
    result = run_console(tmp_path, ["lam giay khai sinh cho con"], "--no-demo", env=cache)
    assert result.returncode == 0, result.stderr
    assert "Đăng ký khai sinh" in result.stdout
    assert len(snapshots(tmp_path / "snap")) == 1
    assert not (tmp_path / ".cache").exists()


def test_a_reload_parses_only_the_edited_file_and_answers_as_a_fresh_index(tmp_path: Path) -> None:
    root, cache = tmp_path / "kb", tmp_path / "cache"
    shutil.copytree(DEFAULT_ROOT / "procedures", root / "procedures")
    shutil.copytree(DEFAULT_ROOT / "referrals", root / "referrals")
    running = load_indexed(root, cache)
    _touch_alias(root / "procedures" / "1.001193.yaml", LANTERN)
    (root / "referrals" / "ho-chieu.yaml").unlink()

    reloaded = build(root, previous=running)

    assert reloaded.kb.procedures["2.000815"] is running.kb.procedures["2.000815"]  # reused as parsed
    assert reloaded.kb.procedures["1.001193"] is not running.kb.procedures["1.001193"]
    assert "ho-chieu" not in reloaded.kb.referrals
    fresh = Matcher(load_knowledge_base(root), Normalizer())
    assert summary(reloaded.matcher.match(LANTERN))[:2] == ("procedure", "1.001193")
    questions = [
        json.loads(line)["q"]
        for path in (SHARED / "eval" / "dev-questions.jsonl", DATA / "eval-questions.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for q in [*questions, "làm hộ chiếu ở đâu"]:
        assert summary(reloaded.matcher.match(q)) == summary(fresh.match(q)), q


def test_after_an_edit_only_the_edited_documents_postings_are_redone_and_they_equal_a_fresh_index(
    tmp_path: Path,
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_ROOT / "procedures", root / "procedures")
    shutil.copytree(DEFAULT_ROOT / "referrals", root / "referrals")
    running = load_indexed(root, None)
    _touch_alias(root / "procedures" / "1.001193.yaml", LANTERN)  # new terms
    card = root / "procedures" / "2.000815.yaml"  # and terms gone: its aliases are cut to one
    text = card.read_text(encoding="utf-8")
    head, _, rest = text.partition("aliases:\n")
    first, _, others = rest.partition("\n")
    cut = head + "aliases:\n" + first + "\n" + others[others.index("keywords:") :]
    card.write_text(cut, encoding="utf-8")

    reloaded = build(root, previous=running).matcher

    fresh = Matcher(load_knowledge_base(root), Normalizer())
    # The index itself, not only its answers: a stale posting would surface on some question one day.
    assert reloaded._postings == fresh._postings
    assert reloaded._df == fresh._df
    edited = {i for i, e in enumerate(fresh._entries) if e.key in ("1.001193", "2.000815")}
    before = running.matcher._postings
    untouched = [t for t, docs in before.items() if edited.isdisjoint(docs + fresh._postings.get(t, []))]
    assert untouched and all(reloaded._postings[t] is before[t] for t in untouched)  # reused, not rebuilt
    assert reloaded.match(LANTERN).procedure == reloaded.kb.procedures["1.001193"]


def test_a_restart_after_an_edit_reuses_the_older_snapshot(kb_dir: Path, tmp_path: Path) -> None:
    """Shown by a file left with its size and time but made unreadable: it is not parsed again, so the
    load succeeds (the same trust in size and time as `make`'s)."""
    cache = tmp_path / "cache"
    load_indexed(kb_dir, cache)
    untouched = kb_dir / "procedures" / "2.000815.yaml"
    st = untouched.stat()
    untouched.write_bytes(b"#" * st.st_size)
    os.utime(untouched, ns=(st.st_atime_ns, st.st_mtime_ns))
    _touch_alias(kb_dir / "procedures" / "1.001193.yaml", LANTERN)

    restarted = load_indexed(kb_dir, cache)

    assert "2.000815" in restarted.kb.procedures
    assert restarted.matcher.match(LANTERN).procedure == restarted.kb.procedures["1.001193"]
    with pytest.raises(KnowledgeBaseError):
        load_indexed(kb_dir, None)  # parsed from scratch, the damage is found


def test_analyses_are_not_reused_across_other_synonyms(tmp_path: Path) -> None:
    # Without the learned models: they were trained with the shipped synonyms, and know lanterns as
    # something no procedure here answers.
    kb = replace(load_knowledge_base(), learned=None)
    synonyms = tmp_path / "synonyms.yaml"
    text = DEFAULT_SYNONYMS.read_text(encoding="utf-8")
    # The new synonyms change how the knowledge base itself reads: "khai sinh" is now "lồng đèn".
    rewrite = 'phrases:\n  "khai sinh": "lồng đèn kéo quân"\n'
    synonyms.write_text(text.replace("phrases:\n", rewrite, 1), encoding="utf-8")
    other = Normalizer(synonyms)
    before = Matcher(kb, Normalizer())

    rebuilt = Matcher(kb, other, previous=before)

    question = "xin lồng đèn kéo quân cho con"
    assert summary(rebuilt.match(question)) == summary(Matcher(kb, other).match(question))
    assert rebuilt.match(question).kind != before.match(question).kind


def test_a_reload_reuses_the_models_and_synonyms_until_they_change(tmp_path: Path) -> None:
    root, cache = tmp_path / "kb", tmp_path / "cache"
    for part in ("procedures", "referrals"):
        shutil.copytree(DEFAULT_ROOT / part, root / part)
    shutil.copy(DEFAULT_ROOT / LEARNED_FILE, root / LEARNED_FILE)
    running = load_indexed(root, cache)
    assert running.kb.learned is not None
    _touch_alias(root / "procedures" / "1.001193.yaml", LANTERN)

    reloaded = build(root, previous=running)
    assert reloaded.kb.learned is running.kb.learned  # the file is the same: not read again
    assert reloaded.matcher.normalizer is running.matcher.normalizer  # so is synonyms.yaml

    learned = reloaded.kb.learned
    gate = replace(learned.gate, weights={**learned.gate.weights, "long den": 9.0})
    write_learned(root, replace(learned, gate=gate))
    retrained = build(root, previous=reloaded)
    assert retrained.kb.learned is not None and retrained.kb.learned.gate.weights["long den"] == 9.0


def test_a_start_answers_before_writing_its_snapshot_and_writes_it_once(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    service = KnowledgeService.load(kb_dir, cache)
    assert snapshots(cache) == []  # nothing written yet, and the service already answers
    assert service.match("làm giấy khai sinh cho con").procedure == service.kb.procedures["1.001193"]

    service.save_snapshot()
    [written] = snapshots(cache)
    service.save_snapshot()  # nothing left to write
    assert snapshots(cache) == [written]
    restarted = KnowledgeService.load(kb_dir, cache)
    assert restarted.kb == service.kb
    written.unlink()
    restarted.save_snapshot()  # read from the snapshot: it had nothing to write
    assert snapshots(cache) == []


def test_answering_changes_nothing_a_snapshot_holds() -> None:
    """The start's snapshot is written in a thread while the bot answers: a dict that answering
    fills in, written out meanwhile, failed the write ("dictionary changed size during iteration")
    and the stop with it. The shipped knowledge base, since its learned models read words too."""
    built = build(DEFAULT_ROOT, None)
    before = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
    for question in (
        "làm giấy khai sinh cho con",
        "lam giay khai sinh ket hop nhan cha cho con",  # siblings: their names are read with marks
        "đăng ký lại kết hôn",
        "xin cấp lại giấy xác nhận khuyết tật bị mất",
        "Our baby was born last month. How do we register the birth?",
        "khai tu cho ba",
        "xin chào",
        "cảm ơn ạ",
    ):
        built.matcher.match(question)
    assert pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL) == before


def test_a_reload_before_the_start_saved_leaves_only_its_own_snapshot(kb_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    service = KnowledgeService.load(kb_dir, cache)
    _touch_alias(kb_dir / "procedures" / "1.001193.yaml", LANTERN)
    service.reload()
    [after_reload] = snapshots(cache)

    service.save_snapshot()  # the start's version is no longer what runs: not written over the reload's

    assert snapshots(cache) == [after_reload]
    restarted = load_indexed(kb_dir, cache)
    assert restarted.matcher.match(LANTERN).procedure == restarted.kb.procedures["1.001193"]


def test_an_index_is_freed_without_the_cyclic_collector(kb_dir: Path) -> None:
    """Building freezes the index out of the cyclic collector's sight (gc.freeze), which is only
    safe while nothing in it is cyclic: a cycle would then outlive every reload that replaced it."""
    assert gc.isenabled()
    built = build(kb_dir, None)
    assert gc.isenabled()  # collection paused while building, and only then
    reloaded = build(kb_dir, built)
    gc.unfreeze()
    gc.collect()
    del built, reloaded
    assert gc.collect() == 0
