"""LLM re-rank of built-in candidates: real SmolLM2 answers, and every way the LLM can fail."""

from __future__ import annotations

import time

import pytest

from spaceclip.errors import LlmBadAnswer
from spaceclip.services.highlights.llm import LlmClient, schema_errors
from spaceclip.services.highlights.rerank import (
    MAX_CLIP_CHARS,
    SUGGESTION_SCHEMA,
    build_messages,
    clean_hashtags,
    parse_suggestion,
    rerank,
)
from spaceclip.services.highlights.types import Candidate, ScoredCandidate
from tests.llm_server import GOOD_ANSWER, MisbehavingLlm, RealLlm, dead_port
from tests.rerank_passages import STORIES

BOUND_S = 10.0  # hang guard for failing servers, not a benchmark

PASSAGES = [
    *STORIES,
    "The meeting ran long and then we talked about the schedule for next week and some other things.",
    "And that is why, as he said before, the numbers did not add up for any of them.",
]


def scored(i: int, text: str | None = None) -> ScoredCandidate:
    text = PASSAGES[i % len(PASSAGES)] if text is None else text
    start = 20.0 * i
    return ScoredCandidate(
        candidate=Candidate(first=i, last=i + 1, start=start, end=start + 18.0, text=text, speakers=("Speaker 1",)),
        score=60.0 - i,
        features={"hook": 0.5},
        reason="Opens with a strong line.",
        key_sentence=text.split(".")[0],
        title="Built-in title",
        hashtags=("#startups", "#growth", "#founders"),
    )


CANDIDATES = [scored(i) for i in range(5)]


@pytest.mark.parametrize(
    ("tags", "fallback", "expected"),
    [
        (["#AI", "#startups", "growth"], [], ("#AI", "#startups", "#growth")),
        (["#Deep Learning", "#deep-learning!", "#x"], ["#a1", "#b2"], ("#DeepLearning", "#a1", "#b2")),
        (["#2024", "#", "  "], ["#one", "#two", "#three"], ("#one", "#two", "#three")),
        (["#a", "#b", "#c", "#d", "#e", "#f", "#g"], [], ()),  # one letter is not a tag
        (["#aa", "#bb", "#cc", "#dd", "#ee", "#ff"], [], ("#aa", "#bb", "#cc", "#dd", "#ee")),
        (["#Growth", "#growth", "#GROWTH"], ["#money", "#growth"], ("#Growth", "#money")),
        (["#" + "x" * 31], ["#ok"], ("#ok",)),
    ],
)
def test_clean_hashtags(tags: list[str], fallback: list[str], expected: tuple[str, ...]) -> None:
    assert clean_hashtags(tags, fallback) == expected


def test_parse_suggestion_cleans_and_clamps() -> None:
    answer = {**GOOD_ANSWER, "title": "  Firing\nthe biggest   customer ", "hashtags": ["#a b", "c", "#d-e", "#ok"]}
    s = parse_suggestion(answer, ("#fallback",))
    assert s.title == "Firing the biggest customer"
    assert s.rating == 90.0
    assert s.hashtags == ("#ab", "#de", "#ok")
    assert parse_suggestion({**GOOD_ANSWER, "hashtags": ["#1", "#ok", "#x"]}, ("#a1", "#b2")).hashtags == (
        "#ok",
        "#a1",
        "#b2",
    )


def test_parse_suggestion_rejects_blank_text() -> None:
    with pytest.raises(LlmBadAnswer):
        parse_suggestion({**GOOD_ANSWER, "hook": "   \n  "})


def test_prompt_is_bounded_and_names_the_fields() -> None:
    long = scored(0, "word " * 2000)
    user = build_messages(long)[1]["content"]
    assert len(user) < MAX_CLIP_CHARS + 600
    for name in ("rating", "title", "hook", "description", "hashtags"):
        assert name in user


def test_schema_accepts_the_good_answer() -> None:
    assert schema_errors(SUGGESTION_SCHEMA, GOOD_ANSWER) == []


def test_look_alike_ok_answers_become_suggestions() -> None:
    with MisbehavingLlm("ok") as server:
        outcome = rerank(LlmClient(server.host, "tiny", 5.0), CANDIDATES, limit=3, budget_s=60)
        assert server.requests == 3
    assert sorted(outcome.suggestions) == [0, 1, 2]
    assert outcome.note is None and outcome.notes == {} and outcome.model == "tiny"
    assert outcome.suggestions[0].title == GOOD_ANSWER["title"]


def test_limit_zero_asks_nothing() -> None:
    with MisbehavingLlm("ok") as server:
        outcome = rerank(LlmClient(server.host, "tiny", 5.0), CANDIDATES, limit=0, budget_s=60)
        assert server.requests == 0
    assert outcome.suggestions == {} and outcome.note is None


@pytest.mark.parametrize("mode", ["garbage", "invalid_json", "off_schema", "cut_off", "empty"])
def test_bad_answers_keep_builtin_and_stop_after_three(mode: str) -> None:
    with MisbehavingLlm(mode) as server:
        started = time.monotonic()
        outcome = rerank(LlmClient(server.host, "tiny", 5.0), CANDIDATES, limit=5, budget_s=60)
        assert server.requests == 3
    assert time.monotonic() - started < BOUND_S
    assert outcome.suggestions == {} and outcome.model is None
    assert sorted(outcome.notes) == [0, 1, 2]
    assert all("built-in result kept" in n for n in outcome.notes.values())
    assert outcome.note is not None and outcome.note.startswith("LLM unavailable: the model gave 3 unusable answers")


def test_bad_answers_for_all_of_few_candidates_say_unavailable() -> None:
    with MisbehavingLlm("off_schema") as server:
        outcome = rerank(LlmClient(server.host, "tiny", 5.0), CANDIDATES, limit=2, budget_s=60)
    assert outcome.note is not None and outcome.note.startswith("LLM unavailable: the model's answers were unusable")


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("http_error", "HTTP 500"),
        ("slow", "did not answer within 0.5 s"),
    ],
)
def test_server_failure_stops_after_the_first_request(mode: str, message: str) -> None:
    with MisbehavingLlm(mode, sleep_s=30.0) as server:
        started = time.monotonic()
        outcome = rerank(LlmClient(server.host, "tiny", 0.5), CANDIDATES, limit=5, budget_s=600)
        elapsed = time.monotonic() - started
        assert server.requests == 1
    assert elapsed < BOUND_S
    assert outcome.suggestions == {}
    assert outcome.note is not None and outcome.note.startswith("LLM unavailable: ") and message in outcome.note


def test_slow_model_list_asks_nothing() -> None:
    with MisbehavingLlm("slow_tags", sleep_s=30.0) as server:
        started = time.monotonic()
        outcome = rerank(LlmClient(server.host, "tiny", 0.5), CANDIDATES, limit=5, budget_s=600)
        assert server.requests == 0
    assert time.monotonic() - started < BOUND_S
    assert outcome.note is not None and outcome.note.startswith("LLM unavailable: ")


def test_dead_port_asks_nothing_and_is_bounded() -> None:
    started = time.monotonic()
    outcome = rerank(LlmClient(dead_port(), "llama3.2", 60.0), CANDIDATES, limit=5, budget_s=600)
    assert time.monotonic() - started < BOUND_S
    assert outcome.suggestions == {}
    assert outcome.note is not None and outcome.note.startswith("LLM unavailable: No LLM server answers")


def test_missing_model_asks_nothing() -> None:
    with MisbehavingLlm("ok", models=("qwen2.5:0.5b",)) as server:
        outcome = rerank(LlmClient(server.host, "llama3.2", 5.0), CANDIDATES, limit=5, budget_s=60)
        assert server.requests == 0
    assert outcome.note is not None
    assert outcome.note.startswith("LLM unavailable: The model 'llama3.2' is not on the LLM server")
    assert "ollama pull llama3.2" in outcome.note and "qwen2.5:0.5b" in outcome.note


def test_budget_used_up_leaves_the_rest_builtin() -> None:
    with MisbehavingLlm("ok") as server:
        outcome = rerank(LlmClient(server.host, "tiny", 5.0), CANDIDATES, limit=5, budget_s=1e-9)
        assert server.requests == 0
    assert outcome.suggestions == {}
    assert outcome.note is not None and "OLLAMA_BUDGET_S" in outcome.note


def test_progress_is_reported_per_request() -> None:
    seen: list[tuple[int, int]] = []
    with MisbehavingLlm("ok") as server:
        rerank(
            LlmClient(server.host, "tiny", 5.0),
            CANDIDATES,
            limit=2,
            budget_s=60,
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen == [(1, 2), (2, 2)]


def test_real_smollm2_suggestions_are_valid(llm_server: RealLlm) -> None:
    """SmolLM2-135M through llama.cpp's json_schema grammar: every answer is usable as a suggestion."""
    client = LlmClient(llm_server.host, llm_server.model, timeout_s=120.0)
    outcome = rerank(client, CANDIDATES[:2], limit=2, budget_s=600)
    assert outcome.note is None, outcome.note
    assert sorted(outcome.suggestions) == [0, 1] and outcome.model == llm_server.model
    for s in outcome.suggestions.values():
        assert 0 <= s.rating <= 100
        assert 3 <= len(s.title) <= 70 and 3 <= len(s.hook) <= 140 and 3 <= len(s.description) <= 240
        assert 3 <= len(s.hashtags) <= 5 and all(t.startswith("#") and len(t) > 2 for t in s.hashtags)
    assert len(outcome.seconds) == 2
