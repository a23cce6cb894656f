"""Benchmark the procedure matcher: questions per second and latency, on one core.

Prints figures for the real knowledge base and for a synthetic one of 5,000
procedures derived from the real ones (names, aliases and keywords varied with
syllables drawn from the real vocabulary, so the index grows the way a
provincial catalogue would rather than repeating the same 42 documents), written
as YAML files and loaded the way the bot loads them: the first start parses,
validates and indexes them and writes a snapshot; a restart with the same files
reads the snapshot (knowledge.snapshot); after a clerk edits one file, a reload or
a restart parses and analyses only that file again.

Run: .venv/bin/python bench/bench_matcher.py [--size 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.learned import LEARNED_FILE  # noqa: E402
from knowledge.loader import DEFAULT_ROOT as SHIPPED  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from knowledge.model import KnowledgeBase, Procedure  # noqa: E402
from knowledge.normalize import Normalizer  # noqa: E402
from knowledge.snapshot import Snapshot, build, load_indexed, open_indexed  # noqa: E402

QUESTION_FILES = (
    Path("/work/shared/eval/dev-questions.jsonl"),
    ROOT / "tests" / "data" / "eval-questions.jsonl",
    ROOT / "tests" / "data" / "eval-questions-2.jsonl",
)
EXTRA = [
    "",
    "😀😀😀",
    "asdkjh qwpoeiu zxmcnb",
    "đăng ký khai sinh cho con " * 400,
    "xyzq " * 2000,
]


def questions() -> list[str]:
    out: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            out += [json.loads(line)["q"] for line in lines if line.strip()]
    return out + EXTRA


def synthetic_entries(
    base: KnowledgeBase, size: int, max_aliases: int | None = None, seed: int = 7
) -> Iterator[tuple[Procedure, str, str, tuple[str, ...], tuple[str, ...]]]:
    """(real procedure, code, name, aliases, keywords) for `size` procedures derived from the real
    ones: each keeps a real procedure's shape but gets a fresh code and two to four extra syllables
    in its name, aliases and keywords. `max_aliases` keeps only the first aliases: the shipped 42
    carry ~40 each because they are what a commune is asked most; a province-wide catalogue entry
    would have a handful."""
    rng = random.Random(seed)
    real = list(base.procedures.values())
    syllables = sorted(
        {w for p in real for text in (p.name, *p.aliases) for w in text.lower().split() if w.isalpha()}
    )

    def vary(text: str) -> str:
        extra = " ".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        return f"{text} {extra}"

    for n in range(size):
        p = real[n % len(real)]
        name = vary(p.name)
        aliases = tuple(vary(a) for a in p.aliases[:max_aliases])
        yield p, f"8.{n:06d}", name, aliases, tuple(vary(k) for k in p.keywords[:4])


STATUS_DETAILS = ("replaced_by", "effective_date", "status_note")  # every synthetic one is in force


def write_catalogue(base: KnowledgeBase, size: int, max_aliases: int | None, root: Path) -> int:
    """The synthetic catalogue as knowledge files a clerk could have written: each real procedure's
    YAML with the synthetic code, name, aliases and keywords. Returns the bytes written."""
    raw = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (SHIPPED / "procedures").glob("*.yaml")
    }
    (root / "procedures").mkdir(parents=True)
    shutil.copytree(SHIPPED / "referrals", root / "referrals")
    shutil.copy(SHIPPED / LEARNED_FILE, root / LEARNED_FILE)  # trained for the real 42; here for its cost
    written = 0
    for p, code, name, aliases, keywords in synthetic_entries(base, size, max_aliases):
        data = {k: v for k, v in raw[p.code].items() if k not in STATUS_DETAILS}
        data.update(code=code, name=name, aliases=list(aliases), keywords=list(keywords), status="in_force")
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        written += (root / "procedures" / f"{code}.yaml").write_text(text, encoding="utf-8")
    return written


def edit_one(root: Path) -> None:
    """What a clerk does between two loads: one more alias in one procedure file."""
    card = next((root / "procedures").glob("*.yaml"))
    text = card.read_text(encoding="utf-8")
    text = text.replace("aliases:\n", "aliases:\n- cho hỏi thủ tục này làm ở đâu\n", 1)
    card.write_text(text, encoding="utf-8")


def start_like_the_bot(root: Path, cache: Path) -> tuple[float, float]:
    """Seconds until a start that must build answers, and until it has written its snapshot: the bot
    answers first and writes the snapshot once it is up (App.open)."""
    t = time.perf_counter()
    started, unsaved = open_indexed(root, cache)
    answers_s = time.perf_counter() - t
    assert unsaved is not None, "a start after a change reads no snapshot"
    unsaved.write(started)
    return answers_s, time.perf_counter() - t


def run(matcher: Matcher, qs: list[str], repeat: int) -> tuple[float, float, float, float]:
    """(questions/s wall clock, questions/s CPU time, p50 ms, p99 ms) over `repeat` passes after a
    warm-up. CPU time is reported too because a shared machine makes wall-clock figures jumpy."""
    for q in qs:
        matcher.match(q)
    latencies: list[float] = []
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(repeat):
        for q in qs:
            t = time.perf_counter()
            matcher.match(q)
            latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    cpu_total = time.process_time() - cpu
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return len(latencies) / total, len(latencies) / cpu_total, p50, p99


def report(matcher: Matcher, qs: list[str], repeat: int) -> None:
    qps, qps_cpu, p50, p99 = run(matcher, qs, repeat)
    print(f"  {qps:,.0f} questions/s ({qps_cpu:,.0f}/s of CPU time), p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=5000, help="procedures in the synthetic knowledge base")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the question set")
    args = ap.parse_args()

    t = time.perf_counter()
    kb = load_knowledge_base()
    load_s = time.perf_counter() - t
    normalizer = Normalizer()
    t = time.perf_counter()
    matcher = Matcher(kb, normalizer)
    build_s = time.perf_counter() - t
    qs = questions()
    print(f"questions: {len(qs)} (dev + both own sets + empty/emoji/garbage/10,000-character inputs)")
    print(f"real KB: {len(kb.procedures)} procedures, {len(kb.referrals)} referrals")
    print(f"  load {load_s * 1000:.0f} ms (YAML + validation), matcher index {build_s * 1000:.0f} ms")
    report(matcher, qs, args.repeat)

    for max_aliases, label in ((10, "at most 10 aliases"), (None, "every alias of the real one")):
        with tempfile.TemporaryDirectory() as tmp:
            root, cache = Path(tmp) / "kb", Path(tmp) / "cache"
            size = write_catalogue(kb, args.size, max_aliases, root)
            t = time.perf_counter()
            big = load_knowledge_base(root)
            parse_s = time.perf_counter() - t
            phrasings = sum(1 + len(p.aliases) + len(p.keywords) for p in big.procedures.values())
            print(
                f"synthetic KB, {label}: {len(big.procedures):,} procedure files ({size / 1e6:.0f} MB), "
                f"{phrasings:,} phrasings, {len(big.referrals)} referrals"
            )
            del big
            first_s, first_saved_s = start_like_the_bot(root, cache)
            snapshot_mb = sum(f.stat().st_size for f in cache.iterdir()) / 1e6
            t = time.perf_counter()
            running = load_indexed(root, cache)
            restart_s = time.perf_counter() - t
            print(
                f"  first start answers after {first_s * 1000:,.0f} ms (YAML + validation "
                f"{parse_s * 1000:,.0f} ms, then the index) and has written a {snapshot_mb:.0f} MB "
                f"snapshot after {first_saved_s * 1000:,.0f} ms"
            )
            print(f"  restart with the same files (snapshot) {restart_s * 1000:,.0f} ms")
            edit_one(root)
            t = time.perf_counter()
            snapshot = Snapshot(root, cache)  # what KnowledgeService.reload does
            running = build(root, previous=running)
            swap_s = time.perf_counter() - t
            snapshot.write(running)
            reload_s = time.perf_counter() - t
            edit_one(root)
            edited_restart_s, edited_saved_s = start_like_the_bot(root, cache)
            print(
                f"  after a clerk edits one file: /reload answers from the new version after "
                f"{swap_s * 1000:,.0f} ms and has written its snapshot after {reload_s * 1000:,.0f} ms; "
                f"a restart answers after {edited_restart_s * 1000:,.0f} ms and has written its snapshot "
                f"after {edited_saved_s * 1000:,.0f} ms"
            )
            report(running.matcher, qs, args.repeat)
            del running
    return 0


if __name__ == "__main__":
    sys.exit(main())
