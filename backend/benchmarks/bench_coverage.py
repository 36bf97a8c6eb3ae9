"""Highlights that cover the episode: near-duplicates, sponsor reads and topics in the top 10.

Builds a generated episode (``tests/episodes.py``: 18 topic scripts under one host, designed
passages said again later word for word or in other words, the sponsor read said three times, a
recurring segment) as a transcript with word times, runs ``find_highlights`` without the LLM, and
prints for the top ``--top`` highlights:

- near-duplicates: pairs of highlights that say the same designed passage (the truth), and pairs
  whose texts share half of their word 3-grams (containment);
- sponsor reads: highlights holding more than 2 s of a sponsor read;
- topics: how many different topics they come from (the topic holding most of each highlight).

Goal (issue 15): 0 near-duplicates, 0 sponsor reads, >= 6 topics. Run from backend/::

    ../.venv/bin/python benchmarks/bench_coverage.py [--minutes 60] [--top 10] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.highlights.pipeline import find_highlights
from spaceclip.services.highlights.types import HighlightOptions
from tests.episodes import GOAL_TOPICS, build_episode, coverage_figures, describe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    episode = build_episode(args.minutes, seed=args.seed)
    print(f"episode: {describe(episode)}")
    settings = Settings(_env_file=None)
    started = time.perf_counter()
    result = find_highlights(episode.transcript, settings, HighlightOptions(max_count=args.top, use_llm=False))
    seconds = time.perf_counter() - started
    highlights = list(result.highlights)
    figures = coverage_figures(episode, highlights)
    for i, h in enumerate(highlights):
        passages = ",".join(
            sorted(
                p.split("#")[0].removesuffix(".json") + "#" + p.split("#")[1][-1]
                for p in episode.passages(h.start, h.end)
            )
        )
        print(
            f"  {i + 1:2d}. {h.start:7.1f}-{h.end:7.1f} s  score {h.score:5.1f}  "
            f"{episode.topic_of(h.start, h.end):34s} {passages}"
        )
    duplicates = figures["duplicate_pairs"]
    print(
        f"top {figures['count']}: near-duplicate pairs {len(duplicates)} {duplicates}, "  # type: ignore[arg-type]
        f"sponsor reads {len(figures['sponsor'])}, topics {figures['topics']} "  # type: ignore[arg-type]
        f"(goal 0 / 0 / >= {GOAL_TOPICS}); find_highlights {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
