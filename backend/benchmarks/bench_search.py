"""Search for moments: recall@3 of queries written for the designed passages, and the query latency.

Each query below was written for one designed passage (a turn tagged ``designed-N``) of a
conversation script in ``tests/data`` - worded the way a creator would ask, mostly not with the
passage's own words. The conversation becomes a transcript with word times
(``tests/highlight_words.transcript_of``) and is searched with
``usecases.search.search_transcript`` (MiniLM + keywords, the LLM off: the benchmark measures the
built-in ranking). A query is a hit at rank k when its k-th result overlaps the passage. Printed:
each query's rank (``-`` when not in the top 10), recall@1 and recall@3, the same with keywords
only, and the latency of the first query on an hour-long episode (sentences embedded and cached on
disk) against the next ones (vectors read from the cache).

Usage: ``python -m benchmarks.bench_search`` from ``backend/``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from spaceclip.config import Settings
from spaceclip.services.highlights.embeddings import get_embedder
from spaceclip.services.highlights.search import rank_windows
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.search import search_transcript
from tests.episodes import build_episode
from tests.highlight_words import transcript_of
from tests.speech import load_script

# (script, designed tag, query)
QUERIES: list[tuple[str, str, str]] = [
    ("highlight_money_talk.json", "designed-1", "which debt to pay off first, the smallest balance"),
    ("highlight_money_talk.json", "designed-2", "losing a job with almost no savings"),
    ("highlight_money_talk.json", "designed-3", "putting money aside automatically on payday"),
    ("highlight_build_public.json", "designed-1", "the product that flopped after a year and a half"),
    ("highlight_kitchen_table.json", "designed-1", "the bakery nearly going out of business"),
    ("highlight_kitchen_table.json", "designed-3", "a best seller that was losing money"),
    ("highlight_run_club.json", "designed-1", "why training slowly makes you quicker"),
    ("highlight_run_club.json", "designed-2", "breaking down in tears during the marathon"),
    ("topic_astronomy.json", "designed-2", "what to buy a beginner stargazer"),
    ("topic_beekeeping.json", "designed-3", "urban bees compared with bees on farms"),
    ("topic_bikes.json", "designed-2", "staying dry when cycling in the rain"),
    ("topic_bread.json", "designed-3", "how much salt goes in the dough"),
    ("topic_chess.json", "designed-2", "wasting time learning openings"),
    ("topic_dogs.json", "designed-2", "timing of rewards in dog training"),
    ("topic_kayak.json", "designed-2", "climbing back in after capsizing"),
    ("topic_mushrooms.json", "designed-2", "trusting a phone app to identify mushrooms"),
    ("topic_sleep.json", "designed-2", "what to do when you cannot fall asleep"),
    ("topic_volcanoes.json", "designed-3", "why farmers live near volcanoes"),
]


def _passage(script: dict[str, object], tag: str, transcript: Transcript) -> tuple[float, float]:
    turns = script["turns"]
    assert isinstance(turns, list)
    index = next(i for i, t in enumerate(turns) if t.get("tag") == tag)
    segment = transcript.segments[index]
    return segment.start, segment.end


def _rank(ranges: list[tuple[float, float]], passage: tuple[float, float]) -> int | None:
    for k, (start, end) in enumerate(ranges, start=1):
        if min(end, passage[1]) - max(start, passage[0]) > 0:
            return k
    return None


def recall(settings: Settings, cache: Path) -> None:
    hybrid: list[int | None] = []
    keywords: list[int | None] = []
    print(f"{'query':<55} {'script':<30} hybrid  keywords")
    for script_name, tag, query in QUERIES:
        script = load_script(script_name)
        transcript = transcript_of([(t["speaker"], t["text"]) for t in script["turns"]])
        passage = _passage(script, tag, transcript)
        found = search_transcript(transcript, query, settings, cache_dir=cache / script_name, use_llm=False)
        sentences = split_sentences(list(transcript.words))
        words_only = rank_windows(sentences, query)
        hybrid.append(_rank([(h.start, h.end) for h in found.hits], passage))
        keywords.append(_rank([(h.start, h.end) for h in words_only], passage))
        shown = [str(r) if r else "-" for r in (hybrid[-1], keywords[-1])]
        print(f"{query:<55} {script_name + ' ' + tag:<30} {shown[0]:>6}  {shown[1]:>8}")
    for name, ranks in (("hybrid (MiniLM + keywords)", hybrid), ("keywords only", keywords)):
        at1 = sum(1 for r in ranks if r == 1) / len(ranks)
        at3 = sum(1 for r in ranks if r is not None and r <= 3) / len(ranks)
        print(f"{name:<28} recall@1 {at1:.0%}  recall@3 {at3:.0%}  over {len(ranks)} queries")


def latency(settings: Settings, cache: Path) -> None:
    episode = build_episode(60)
    started = time.perf_counter()
    embedder = get_embedder()
    print(f"model load: {time.perf_counter() - started:.2f} s")
    embedder.encode(["warm up"])
    folder = cache / "episode"
    queries = [q for _, _, q in QUERIES]
    t0 = time.perf_counter()
    first = search_transcript(episode.transcript, queries[0], settings, cache_dir=folder, use_llm=False)
    first_s = time.perf_counter() - t0
    assert not first.cached
    sentences = len(split_sentences(list(episode.transcript.words)))
    later: list[float] = []
    for query in queries[1:]:
        t0 = time.perf_counter()
        outcome = search_transcript(episode.transcript, query, settings, cache_dir=folder, use_llm=False)
        later.append(time.perf_counter() - t0)
        assert outcome.cached
    print(
        f"60 min episode, {sentences} sentences: first query {first_s:.2f} s (embeds and caches them); "
        f"next queries median {statistics.median(later):.3f} s, max {max(later):.3f} s (cached vectors) "
        f"over {len(later)} queries"
    )


def main() -> None:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        latency(settings, Path(tmp))
        recall(settings, Path(tmp))


if __name__ == "__main__":
    main()
