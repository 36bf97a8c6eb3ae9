"""Chapters against the true topic changes of generated multi-topic episodes.

Each episode (``tests/episodes.py``: topic scripts in a row, one host, no repeats) is a transcript
with word times; its sentences and topic shifts (MiniLM, TextTiling) go to
``chapters.plan_chapters``. Printed per episode: the chapters, the share of chapter starts (0:00 left
out) within 15 s of a true topic change (goal >= 80 %), the share of true changes with a chapter
start within 15 s, the shortest chapter (goal >= 10 s) and YouTube's rules (first at 0:00, >= 3).
Run from backend/::

    ../.venv/bin/python benchmarks/bench_chapters.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.episodes import CHAPTER_EPISODES, TOLERANCE_S, build_episode, chapter_figures, nearest, plan_for


def main() -> None:
    for name, minutes, topics, sponsor in CHAPTER_EPISODES:
        episode = build_episode(minutes, topics, sponsor_reads=sponsor, repeats=0)
        chapters = plan_for(episode)
        f = chapter_figures(episode, chapters)
        print(f"{name}: {f.chapters} chapters for {f.true_changes} true changes")
        for c in chapters:
            gap = nearest(list(episode.topic_changes), c.start) if c.start else 0.0
            print(f"  {c.start:7.1f}-{c.end:7.1f} s  ({gap:6.1f} s off)  {c.title}")
        print(
            f"  starts within {TOLERANCE_S:g} s of a true change: {100 * f.precision:.0f} % (goal >= 80 %); "
            f"true changes found: {100 * f.recall:.0f} %; shortest {f.shortest:.1f} s; YouTube rules {f.rules}"
        )


if __name__ == "__main__":
    main()
