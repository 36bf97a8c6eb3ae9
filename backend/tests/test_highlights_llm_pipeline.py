"""find_highlights: built-in ranking, re-ranked by a real LLM when it answers, built-in when it cannot."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import pytest

from spaceclip.config import Settings
from spaceclip.services.highlights.pipeline import blend_score, find_highlights
from spaceclip.services.highlights.select import overlap
from spaceclip.services.highlights.types import HighlightOptions, HighlightResult
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
from tests.llm_server import GOOD_ANSWER, MisbehavingLlm, RealLlm, dead_port

BOUND_S = 30.0  # hang guard (includes the built-in scorer's first embedding load), not a benchmark

TURNS = [
    ("Speaker 1", "Hello everyone and welcome back to the show. Thanks for joining us again this week."),
    ("Speaker 2", "Thanks for having me. It is good to be here."),
    ("Speaker 1", "So tell us how the company almost died in its second year."),
    (
        "Speaker 2",
        "Here is what nobody tells founders. We were about to run out of money, with eleven weeks of cash left. "
        "So we did the unthinkable and fired our biggest customer, the one paying forty percent of our bills. "
        "Every engineer went back to building the product that the other nine hundred customers wanted. "
        "Within three years revenue went from two million to forty million dollars.",
    ),
    ("Speaker 1", "Okay. Let us talk about the weather for a moment, it was cold this morning."),
    ("Speaker 2", "Yes, it was a little cold. We had coffee and then we walked to the office."),
    ("Speaker 1", "What was the best advice you ever got?"),
    (
        "Speaker 2",
        "My grandmother told me never to sign anything on a Friday. I laughed at her for years. "
        "Then I looked back at my three worst contracts, and all three were signed on a Friday afternoon. "
        "Now every contract waits until Monday morning, and I have not regretted a single one since.",
    ),
    ("Speaker 1", "That is great. Before we wrap up, where can people find you?"),
    ("Speaker 2", "On our website, and I read every email that people send me there."),
    ("Speaker 1", "Thanks for listening, everyone. See you next week."),
]


def make_transcript() -> Transcript:
    """Word times at 0.3 s a word, 0.6 s between turns: about three minutes of talk."""
    segments = []
    t = 0.0
    for speaker, text in TURNS:
        words = []
        for token in text.split():
            words.append(Word(start=round(t, 2), end=round(t + 0.25, 2), word=token, probability=0.95, speaker=speaker))
            t += 0.3
        segments.append(
            Segment(start=words[0].start, end=words[-1].end, text=text, speaker=speaker, words=tuple(words))
        )
        t += 0.6
    speakers = (Speaker("Speaker 1", "Host"), Speaker("Speaker 2", "Maya"))
    return Transcript(duration=round(t, 2), language="en", speakers=speakers, segments=tuple(segments))


TRANSCRIPT = make_transcript()
OPTIONS = HighlightOptions(min_length=10.0, max_length=45.0, max_count=2)


def llm_settings(settings: Settings, host: str, model: str, **extra: object) -> Settings:
    return settings.model_copy(update={"ollama_host": host, "ollama_model": model, **extra})


@pytest.fixture(scope="module")
def builtin_only() -> HighlightResult:
    """The built-in result, computed once: every fallback must give exactly this."""
    settings = Settings(ollama_host=dead_port(), _env_file=None)
    result = find_highlights(TRANSCRIPT, settings, replace(OPTIONS, use_llm=False))
    assert result.highlights, "the transcript must yield built-in highlights"
    return result


def spans(result: HighlightResult) -> list[tuple[float, float, float, str]]:
    return [(h.start, h.end, h.score, h.title) for h in result.highlights]


def test_without_llm_no_request_and_no_note(settings: Settings, builtin_only: HighlightResult) -> None:
    with MisbehavingLlm("ok") as server:
        s = llm_settings(settings, server.host, "tiny")
        result = find_highlights(TRANSCRIPT, s, replace(OPTIONS, use_llm=False))
        assert server.requests == 0
    assert result.llm_note is None and result.llm_model is None
    assert spans(result) == spans(builtin_only)
    assert all(h.source == "builtin" and h.llm_note is None for h in result.highlights)


@pytest.mark.parametrize(
    ("mode", "model", "message"),
    [
        ("garbage", "tiny", "the model gave"),
        ("off_schema", "tiny", "unusable"),
        ("http_error", "tiny", "HTTP 500"),
        ("slow", "tiny", "did not answer within 0.5 s"),
        ("ok", "llama3.2", "ollama pull llama3.2"),
    ],
)
def test_llm_trouble_falls_back_to_builtin(
    settings: Settings, builtin_only: HighlightResult, mode: str, model: str, message: str
) -> None:
    with MisbehavingLlm(mode, sleep_s=30.0) as server:
        s = llm_settings(settings, server.host, model, ollama_timeout_s=0.5, ollama_max_candidates=4)
        started = time.monotonic()
        result = find_highlights(TRANSCRIPT, s, OPTIONS)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND_S
    assert result.llm_note is not None and result.llm_note.startswith("LLM unavailable: ")
    assert message in result.llm_note
    assert spans(result) == spans(builtin_only)
    assert all(h.source == "builtin" for h in result.highlights)


def test_dead_port_falls_back_to_builtin(settings: Settings, builtin_only: HighlightResult) -> None:
    s = llm_settings(settings, dead_port(), "llama3.2")
    started = time.monotonic()
    result = find_highlights(TRANSCRIPT, s, OPTIONS)
    assert time.monotonic() - started < BOUND_S
    assert result.llm_note is not None and result.llm_note.startswith("LLM unavailable: No LLM server answers")
    assert spans(result) == spans(builtin_only)


def test_note_is_logged_once_per_host(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    s = llm_settings(settings, dead_port(), "llama3.2")
    with caplog.at_level(logging.DEBUG, logger="spaceclip.services.highlights.llm"):
        first = find_highlights(TRANSCRIPT, s, OPTIONS)
        second = find_highlights(TRANSCRIPT, s, OPTIONS)
    warnings = [
        r for r in caplog.records if r.name == "spaceclip.services.highlights.llm" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1 and "LLM unavailable" in warnings[0].getMessage()
    assert first.llm_note == second.llm_note  # every result still carries the note for the UI


def test_good_answers_rerank_and_replace_the_texts(settings: Settings, builtin_only: HighlightResult) -> None:
    with MisbehavingLlm("ok") as server:
        s = llm_settings(settings, server.host, "tiny", ollama_max_candidates=4)
        result = find_highlights(TRANSCRIPT, s, OPTIONS)
        assert server.requests >= len(result.highlights)
    assert result.llm_note is None and result.llm_model == "tiny"
    by_span = {(h.start, h.end): h for h in builtin_only.highlights}
    for h in result.highlights:
        assert h.source == "llm" and h.llm_note is None
        assert (h.title, h.hook, h.description) == (
            GOOD_ANSWER["title"],
            GOOD_ANSWER["hook"],
            GOOD_ANSWER["description"],
        )
        assert h.hashtags == ("#startups", "#growth", "#founders")
        assert "rated it 90/100" in h.reason and h.features["llm_rating"] == 0.9
        if (h.start, h.end) in by_span:
            assert h.score == blend_score(by_span[(h.start, h.end)].score, 90.0)
    for i, a in enumerate(result.highlights):
        for b in result.highlights[i + 1 :]:
            assert overlap((a.start, a.end), (b.start, b.end)) <= OPTIONS.max_overlap


def test_one_bad_answer_keeps_that_clip_builtin(settings: Settings) -> None:
    with MisbehavingLlm("alternate") as server:
        s = llm_settings(settings, server.host, "tiny", ollama_max_candidates=4)
        result = find_highlights(TRANSCRIPT, s, replace(OPTIONS, max_count=3))
    sources = {h.source for h in result.highlights}
    assert "llm" in sources
    for h in result.highlights:
        if h.source == "builtin":
            assert h.llm_note is not None and "built-in result kept" in h.llm_note
    assert result.llm_note is not None and "unusable for" in result.llm_note


def test_progress_runs_from_zero_to_one(settings: Settings) -> None:
    seen: list[float] = []
    with MisbehavingLlm("ok") as server:
        s = llm_settings(settings, server.host, "tiny", ollama_max_candidates=2)
        find_highlights(TRANSCRIPT, s, OPTIONS, progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_real_smollm2_reranks(settings: Settings, llm_server: RealLlm) -> None:
    """One clip wanted, two asked: SmolLM2's answers pass the schema, so the chosen clip is "llm"."""
    s = llm_settings(settings, llm_server.host, llm_server.model, ollama_timeout_s=120.0, ollama_max_candidates=2)
    result = find_highlights(TRANSCRIPT, s, replace(OPTIONS, max_count=1))
    assert result.llm_note is None, result.llm_note
    assert result.llm_model == llm_server.model
    [h] = result.highlights
    assert h.source == "llm" and h.hook and h.description and 3 <= len(h.hashtags) <= 5
    assert 0 <= h.features["llm_rating"] <= 1
