"""Issue 15, chapters: on generated multi-topic episodes of at least 15 minutes (MiniLM topic
shifts), chapter starts lie within 15 s of a true topic change for >= 80 % of them, and no chapter
is shorter than 10 s (first at 0:00, at least three)."""

from __future__ import annotations

import pytest

from tests.episodes import CHAPTER_EPISODES, GOAL_SHARE, build_episode, chapter_figures, plan_for


@pytest.mark.parametrize(
    ("name", "minutes", "topics", "sponsor"), CHAPTER_EPISODES[:2], ids=[e[0] for e in CHAPTER_EPISODES[:2]]
)
def test_chapters_follow_the_topic_changes(name: str, minutes: float, topics: tuple[str, ...], sponsor: int) -> None:
    episode = build_episode(minutes, topics, sponsor_reads=sponsor, repeats=0)
    assert episode.transcript.duration >= 15 * 60
    chapters = plan_for(episode)
    figures = chapter_figures(episode, chapters)
    assert figures.rules, chapters
    assert figures.shortest >= 10.0
    assert figures.precision >= GOAL_SHARE, (name, figures, chapters)
    assert figures.recall >= 0.5, (name, figures)
    assert all(c.title for c in chapters)
