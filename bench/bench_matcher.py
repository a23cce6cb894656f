"""Benchmark the procedure matcher: questions per second and latency, on one core.

Prints figures for the real knowledge base and for a synthetic one of 5,000
procedures built in memory from the real ones (names, aliases and keywords
varied with syllables drawn from the real vocabulary, so the index grows the way
a provincial catalogue would rather than repeating the same 43 documents), plus
the knowledge-base load time.

Run: .venv/bin/python bench/bench_matcher.py [--size 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from knowledge.model import KnowledgeBase, Procedure  # noqa: E402
from knowledge.normalize import Normalizer  # noqa: E402

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


def synthetic_kb(
    base: KnowledgeBase, size: int, max_aliases: int | None = None, seed: int = 7
) -> KnowledgeBase:
    """`size` procedures derived from the real ones: each keeps a real procedure's shape but gets a
    fresh code and two to four extra syllables in its name, aliases and keywords. `max_aliases`
    keeps only the first aliases: the shipped 42 carry ~40 each because they are what a commune is
    asked most; a province-wide catalogue entry would have a handful."""
    rng = random.Random(seed)
    real = list(base.procedures.values())
    syllables = sorted(
        {w for p in real for text in (p.name, *p.aliases) for w in text.lower().split() if w.isalpha()}
    )
    procs: dict[str, Procedure] = {}
    for n in range(size):
        p = real[n % len(real)]

        def vary(text: str) -> str:
            extra = " ".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            return f"{text} {extra}"

        code = f"8.{n:06d}"
        procs[code] = dataclasses.replace(
            p,
            code=code,
            name=vary(p.name),
            aliases=tuple(vary(a) for a in p.aliases[:max_aliases]),
            keywords=tuple(vary(k) for k in p.keywords[:4]),
            status="in_force",
            replaced_by=None,
        )
    return KnowledgeBase(procedures=procs, referrals=dict(base.referrals))


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
    qps, qps_cpu, p50, p99 = run(matcher, qs, args.repeat)
    print(f"  {qps:,.0f} questions/s ({qps_cpu:,.0f}/s of CPU time), p50 {p50:.2f} ms, p99 {p99:.2f} ms")

    for max_aliases, label in ((None, "every alias of the real one"), (10, "at most 10 aliases")):
        big = synthetic_kb(kb, args.size, max_aliases)
        phrasings = sum(1 + len(p.aliases) + len(p.keywords) for p in big.procedures.values())
        t = time.perf_counter()
        big_matcher = Matcher(big, normalizer)
        build_big = time.perf_counter() - t
        print(
            f"synthetic KB, {label}: {len(big.procedures)} procedures, {phrasings:,} phrasings, "
            f"{len(big.referrals)} referrals"
        )
        print(f"  matcher index {build_big * 1000:.0f} ms")
        qps, qps_cpu, p50, p99 = run(big_matcher, qs, args.repeat)
        print(f"  {qps:,.0f} questions/s ({qps_cpu:,.0f}/s of CPU time), p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        del big_matcher
    return 0


if __name__ == "__main__":
    sys.exit(main())
