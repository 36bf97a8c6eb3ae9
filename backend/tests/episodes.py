"""Long episodes as transcripts with word times (no audio), for the coverage and chapter checks.

An episode strings topic scripts (``tests/data/*.json``, one topic each) together under one host:
the show's intro, then each topic's turns in order; a recurring segment opens some topics, a
sponsor read (``tests/data/episode_segments.json``) is said ``sponsor_reads`` times, spread out,
and designed passages of earlier topics come back later, word for word or in other words
(``repeats``). Words are timed evenly inside each turn, with pauses between turns; the pace is
chosen so that the episode lasts ``minutes`` (about 2.6 words a second when the text fills it,
never slower than :data:`MIN_RATE`). The truth says, per turn, its topic, its kind and which
passage it is, so repeats and sponsor reads can be found in any highlight.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spaceclip.services.highlights.chapters import Chapter, plan_chapters
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.topics import topic_shifts
from spaceclip.services.highlights.types import Highlight
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
from tests.speech import DATA_DIR, load_script

HIGHLIGHT_SCRIPTS = (
    "highlight_kitchen_table.json",
    "highlight_money_talk.json",
    "highlight_run_club.json",
    "highlight_build_public.json",
    "conversation_three.json",
)
TOPIC_SCRIPTS = tuple(sorted(p.name for p in DATA_DIR.glob("topic_*.json")))
ALL_TOPICS = HIGHLIGHT_SCRIPTS + TOPIC_SCRIPTS
SEGMENTS = "episode_segments.json"
RATE = 2.6  # words a second, when the text fills the episode
MIN_RATE = 1.8
PAUSES = (0.7, 0.9, 0.6, 1.1, 0.8, 0.5)
WORD_SHARE = 0.85  # of each word's slot that is sound (the rest: the gap to the next word)


@dataclass(frozen=True, slots=True)
class TurnTruth:
    """One turn: ``kind`` is topic, intro, outro, segment, sponsor, repeat or paraphrase; ``passage``
    names what is said (``script#tag`` for a designed passage and its repeats, else unique)."""

    speaker: str
    text: str
    start: float
    end: float
    topic: str
    kind: str
    passage: str


@dataclass(frozen=True, slots=True)
class Episode:
    transcript: Transcript
    turns: tuple[TurnTruth, ...]
    topic_changes: tuple[float, ...]  # where a block of another topic (or the sponsor read) starts, 0 left out

    def turns_in(self, start: float, end: float, *, share: float = 0.5) -> list[TurnTruth]:
        """The turns of which at least ``share`` of the time lies inside ``start``-``end``."""
        out = []
        for t in self.turns:
            inside = min(end, t.end) - max(start, t.start)
            if inside > 0 and inside >= share * (t.end - t.start):
                out.append(t)
        return out

    def topic_of(self, start: float, end: float) -> str:
        """The topic that holds most of ``start``-``end``, sponsor and show turns aside."""
        time: dict[str, float] = {}
        for t in self.turns:
            inside = min(end, t.end) - max(start, t.start)
            if inside > 0 and t.kind not in ("sponsor", "intro", "outro", "segment"):
                time[t.topic] = time.get(t.topic, 0.0) + inside
        return max(time, key=time.__getitem__) if time else "show"

    def sponsor_time(self, start: float, end: float) -> float:
        """Seconds of sponsor read inside ``start``-``end``."""
        return sum(max(0.0, min(end, t.end) - max(start, t.start)) for t in self.turns if t.kind == "sponsor")

    def passages(self, start: float, end: float) -> set[str]:
        """The designed passages (and their repeats) said for the most part inside ``start``-``end``."""
        return {t.passage for t in self.turns_in(start, end) if "#designed" in t.passage}


def _plan(
    topics: Sequence[str], sponsor_reads: int, repeats: int, segment_every: int, seed: int
) -> list[tuple[str, str, str, str, str]]:
    """(speaker, text, topic, kind, passage) for every turn, in order."""
    extra = load_script(SEGMENTS)
    host = extra["host"]
    rng = random.Random(seed)
    scripts = {name: load_script(name) for name in topics}
    blocks: list[list[tuple[str, str, str, str, str]]] = []
    designed: list[tuple[str, str, str]] = []  # (topic, passage, text) said so far
    paraphrases: dict[str, str] = extra["paraphrases"]
    sponsor_after = {round((k + 1) * len(topics) / (sponsor_reads + 1)) for k in range(sponsor_reads)}
    repeat_after = sorted(rng.sample(range(2, len(topics)), min(repeats, max(0, len(topics) - 2))))
    turns: list[tuple[str, str, str, str, str]] = [(host, extra["intro"], "show", "intro", "intro")]
    cycle = itertools.count()
    for k, name in enumerate(topics):
        block: list[tuple[str, str, str, str, str]] = []
        if segment_every and k % segment_every == segment_every - 1:
            block.append((host, extra["segment"], name, "segment", "segment"))
        for j, turn in enumerate(scripts[name]["turns"]):
            tag = turn.get("tag")
            passage = f"{name}#{tag}" if tag else f"{name}#turn{j}"
            speaker = host if turn["speaker"] == "Host" else turn["speaker"]
            block.append((speaker, turn["text"], name, "topic", passage))
            if tag:
                designed.append((name, passage, turn["text"]))
        blocks.append(block)
        turns.extend(block)
        for _ in range(repeat_after.count(k)):
            # the passages with a paraphrase come back in other words, the others word for word
            # the passages that come back are the ones with a paraphrase, in turn (the scorer likes
            # them: each comes back about twice), else any earlier one
            earlier = designed[:-3] or designed
            pool = [d for d in earlier if d[1] in paraphrases] or earlier
            topic, passage, text = pool[next(cycle) % len(pool)]
            para = paraphrases.get(passage)
            lead = rng.choice(extra["repeat_leads"])
            turns.append((host, lead, "show", "segment", f"lead{len(turns)}"))
            if para is not None and rng.random() < 0.5:
                turns.append((host, para, topic, "paraphrase", passage))
            else:
                turns.append((host, text, topic, "repeat", passage))
        if k + 1 in sponsor_after and k + 1 < len(topics):
            turns.append((host, extra["sponsor"], "sponsor", "sponsor", "sponsor"))
    turns.append((host, extra["outro"], "show", "outro", "outro"))
    return turns


def build_episode(
    minutes: float,
    topics: Sequence[str] = ALL_TOPICS,
    *,
    sponsor_reads: int = 3,
    repeats: int = 10,
    segment_every: int = 4,
    seed: int = 7,
    lead_in: float = 0.5,
) -> Episode:
    """An episode of ``minutes`` from ``topics`` (script names, in order).

    Args:
        minutes: the length; the pace is fitted to it (at most :data:`RATE`, at least :data:`MIN_RATE`
            words a second).
        topics: topic scripts in ``tests/data``, one block each.
        sponsor_reads: how many times the sponsor read is said (between topic blocks).
        repeats: how many designed passages of earlier topics come back later.
        segment_every: the recurring segment opens every n-th topic (0: never).
        seed: the choice of repeats.

    Raises:
        ValueError: the text does not fill ``minutes`` even at :data:`MIN_RATE` (add topics).
    """
    plan = _plan(topics, sponsor_reads, repeats, segment_every, seed)
    words_total = sum(len(text.split()) for _, text, *_ in plan)
    pauses = [PAUSES[i % len(PAUSES)] for i in range(len(plan) - 1)]
    speech_s = minutes * 60.0 - 2 * lead_in - sum(pauses)
    rate = min(RATE, words_total / speech_s) if speech_s > 0 else 0.0
    if rate < MIN_RATE:
        raise ValueError(
            f"{words_total} words cannot fill {minutes:g} minutes at {MIN_RATE} words a second or faster: "
            "add topics or repeats, or ask for a shorter episode."
        )
    slot = 1.0 / rate
    segments: list[Segment] = []
    truth: list[TurnTruth] = []
    t = lead_in
    for i, (speaker, text, topic, kind, passage) in enumerate(plan):
        if i:
            t += pauses[i - 1]
        words = []
        for token in text.split():
            words.append(Word(round(t, 3), round(t + WORD_SHARE * slot, 3), token, 0.95, speaker))
            t += slot
        end = words[-1].end
        segments.append(Segment(words[0].start, end, text, speaker, tuple(words)))
        truth.append(TurnTruth(speaker, text, words[0].start, end, topic, kind, passage))
    duration = round(max(t + lead_in, minutes * 60.0), 3)
    labels = dict.fromkeys(s.speaker for s in segments if s.speaker)
    transcript = Transcript(
        duration=duration,
        language="en",
        speakers=tuple(Speaker(label, label) for label in labels),
        segments=tuple(segments),
    )
    return Episode(transcript, tuple(truth), _changes(truth))


def _changes(turns: Sequence[TurnTruth]) -> tuple[float, ...]:
    """Starts of blocks: a topic block, or a sponsor read, after something else (show turns and
    repeats belong to the block they stand in)."""
    changes: list[float] = []
    current = ""
    for t in turns:
        if t.kind in ("topic", "sponsor") and t.topic != current:
            if current:
                changes.append(t.start)
            current = t.topic
    return tuple(changes)


def nearest(values: Sequence[float], t: float) -> float:
    """The distance from ``t`` to the nearest of the sorted ``values`` (inf when there are none)."""
    i = bisect.bisect_left(values, t)
    near = [abs(values[j] - t) for j in (i - 1, i) if 0 <= j < len(values)]
    return min(near, default=float("inf"))


def script_path(name: str) -> Path:
    return DATA_DIR / name


def describe(episode: Episode) -> dict[str, Any]:
    """A short summary (for benchmark output)."""
    kinds: dict[str, int] = {}
    for t in episode.turns:
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    words = sum(len(t.text.split()) for t in episode.turns)
    return {
        "minutes": round(episode.transcript.duration / 60, 1),
        "turns": len(episode.turns),
        "words": words,
        "words_per_s": round(words / max(1e-9, sum(t.end - t.start for t in episode.turns)), 2),
        "kinds": kinds,
        "topics": len({t.topic for t in episode.turns if t.kind == "topic"}),
    }


# --- chapter checks (issue 15) -------------------------------------------------------------------

TOLERANCE_S = 15.0
GOAL_SHARE = 0.8
MIN_CHAPTER_S = 10.0


@dataclass(frozen=True)
class ChapterFigures:
    chapters: int
    true_changes: int
    precision: float  # chapter starts near a true change
    recall: float  # true changes near a chapter start
    shortest: float
    rules: bool  # first at 0:00, at least three, none under 10 s


# (name, minutes, topics, sponsor reads)
CHAPTER_EPISODES: tuple[tuple[str, float, tuple[str, ...], int], ...] = (
    ("15 min, 5 topics", 15.0, HIGHLIGHT_SCRIPTS, 0),
    ("20 min, 8 topics + sponsor", 20.0, TOPIC_SCRIPTS[:8], 1),
    ("45 min, 18 topics", 45.0, ALL_TOPICS, 0),
)


def chapter_figures(episode: Episode, chapters: list[Chapter]) -> ChapterFigures:
    starts = [c.start for c in chapters[1:]]
    changes = list(episode.topic_changes)
    near = [s for s in starts if nearest(changes, s) <= TOLERANCE_S]
    found = [c for c in changes if nearest(sorted(starts), c) <= TOLERANCE_S]
    shortest = min((c.end - c.start for c in chapters), default=0.0)
    rules = bool(chapters) and chapters[0].start == 0.0 and len(chapters) >= 3 and shortest >= MIN_CHAPTER_S
    return ChapterFigures(
        chapters=len(chapters),
        true_changes=len(changes),
        precision=len(near) / max(1, len(starts)),
        recall=len(found) / max(1, len(changes)),
        shortest=shortest,
        rules=rules,
    )


def plan_for(episode: Episode) -> list[Chapter]:
    sentences = split_sentences(list(episode.transcript.words))
    shifts = topic_shifts([s.text for s in sentences])
    return plan_chapters(sentences, shifts, episode.transcript.duration)


# --- coverage checks (issue 15) ------------------------------------------------------------------

SPONSOR_S = 2.0
GOAL_TOPICS = 6


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = [w.strip(".,;:!?\"'").lower() for w in text.split()]
    return {tuple(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


def text_containment(a: str, b: str) -> float:
    """Shared word 3-grams as a share of the smaller set (an independent check, not the library's)."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def coverage_figures(episode: Episode, highlights: list[Highlight]) -> dict[str, object]:
    """The Must-show figures for ``highlights`` on ``episode``."""
    same_passage = [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(highlights), 2)
        if episode.passages(a.start, a.end) & episode.passages(b.start, b.end)
    ]
    same_text = [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(highlights), 2)
        if text_containment(a.text, b.text) >= 0.5
    ]
    sponsor = [i for i, h in enumerate(highlights) if episode.sponsor_time(h.start, h.end) > SPONSOR_S]
    topics = [episode.topic_of(h.start, h.end) for h in highlights]
    return {
        "count": len(highlights),
        "duplicate_pairs": sorted(set(same_passage) | set(same_text)),
        "sponsor": sponsor,
        "topics": len(set(topics)),
        "topic_list": topics,
    }
