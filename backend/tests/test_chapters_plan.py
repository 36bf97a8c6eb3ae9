"""plan_chapters: YouTube's rules (first at 0:00, at least three, each at least 10 s), the strongest
topic shifts first, extractive titles; llm_titles keeps the extractive titles when no LLM answers."""

from __future__ import annotations

import itertools

import pytest

from spaceclip.services.highlights.chapters import Chapter, chapter_count, chapter_of, llm_titles, plan_chapters
from spaceclip.services.highlights.llm import LlmClient
from spaceclip.services.highlights.topics import TopicShifts
from spaceclip.services.highlights.types import Sentence

TOPIC_TEXTS = {
    "bread": "The sourdough starter needs flour and water every morning before the bread can rise.",
    "bikes": "A bicycle chain wears out after three thousand miles and then eats the cassette.",
    "bees": "The beekeeper opened the hive and found the queen laying eggs in the honey frames.",
    "tax": "Your tax return is due in January and the penalty for filing late is one hundred pounds.",
}


def sentences_every(seconds: float, count: int, texts: list[str] | None = None) -> list[Sentence]:
    out = []
    for i in range(count):
        text = texts[i] if texts else f"Sentence number {i} talks about something."
        out.append(Sentence(i, i * seconds, i * seconds + seconds - 0.5, text, "A", i * 10, i * 10 + 10))
    return out


def shifts(n: int, strong: dict[int, float], boundaries: set[int] | None = None) -> TopicShifts:
    strength = [1.0] + [strong.get(i, 0.0) for i in range(1, n)]
    return TopicShifts(tuple(strength), frozenset({0} | (boundaries if boundaries is not None else set(strong))), "t")


def check_rules(chapters: list[Chapter], duration: float) -> None:
    assert chapters[0].start == 0.0
    assert len(chapters) >= 3
    assert chapters[-1].end == pytest.approx(duration)
    for a, b in itertools.pairwise(chapters):
        assert a.end == b.start
    assert all(c.end - c.start >= 10.0 for c in chapters)


@pytest.mark.parametrize(
    ("duration", "count"),
    [(10.0, 0), (29.9, 0), (30.0, 3), (300.0, 3), (540.0, 3), (720.0, 4), (3600.0, 20), (3700.0, 20)],
)
def test_chapter_count(duration: float, count: int) -> None:
    assert chapter_count(duration) == count


def test_strongest_shifts_become_chapters_and_titles_come_from_the_text() -> None:
    texts = [TOPIC_TEXTS[t] for t in ("bread",) * 10 + ("bikes",) * 10 + ("bees",) * 10 + ("tax",) * 10]
    sents = sentences_every(6.0, 40, texts)  # 240 s
    plan = plan_chapters(sents, shifts(40, {10: 1.0, 20: 0.8, 30: 0.6, 5: 0.1}), 240.0)
    check_rules(plan, 240.0)
    assert [c.start for c in plan] == [0.0, 60.0, 120.0]  # 240 s allows three; the weakest real shift waits
    assert "sourdough" in plan[0].title.lower()
    assert "bicycle" in plan[1].title.lower()
    assert all(len(c.title) <= 60 for c in plan)


def test_long_episode_takes_up_to_one_per_three_minutes_and_keeps_them_apart() -> None:
    sents = sentences_every(10.0, 360)  # 3600 s
    strong = {i: 1.0 - i / 1000 for i in range(1, 360, 3)}  # a shift every 30 s, all strong
    plan = plan_chapters(sents, shifts(360, strong), 3600.0)
    check_rules(plan, 3600.0)
    assert len(plan) == 20
    assert min(c.end - c.start for c in plan) >= 90.0


@pytest.mark.parametrize(
    ("seconds", "count", "strong", "boundaries"),
    [
        (5.0, 12, {}, set()),  # no shifts at all: the strongest sentence starts still give three
        (2.0, 20, {1: 1.0, 2: 0.9}, None),  # shifts too close to the start: the 10 s rule wins
        (1.0, 3, {1: 1.0}, None),  # three sentences over 3 s: nothing fits, no chapters
        (20.0, 2, {1: 1.0}, None),  # two sentences over 40 s: equal parts fill in
    ],
)
def test_rules_hold_when_shifts_are_few_or_crowded(
    seconds: float, count: int, strong: dict[int, float], boundaries: set[int] | None
) -> None:
    sents = sentences_every(seconds, count)
    duration = seconds * count
    plan = plan_chapters(sents, shifts(count, strong, boundaries), duration)
    if duration < 30:
        assert plan == []
    else:
        check_rules(plan, duration)


def test_chapter_of() -> None:
    plan = [Chapter(0.0, 10.0, "a"), Chapter(10.0, 20.0, "b"), Chapter(20.0, 30.0, "c")]
    assert [chapter_of(plan, t) for t in (-1.0, 0.0, 9.99, 10.0, 25.0, 99.0)] == [0, 0, 0, 1, 2, 2]


def test_llm_titles_keep_extractive_titles_without_a_server() -> None:
    sents = sentences_every(6.0, 40, [TOPIC_TEXTS["bread"]] * 40)
    plan = plan_chapters(sents, shifts(40, {10: 1.0, 20: 0.8}), 240.0)
    client = LlmClient("http://127.0.0.1:9", "llama3.2", 2.0, connect_timeout_s=0.5)  # nothing listens on port 9
    titled, note = llm_titles(plan, sents, client, budget_s=5.0)
    assert titled == plan
    assert note is not None and "extractive" in note
