"""Search for moments: the pure ranking as tables, then MiniLM, the disk cache and the LLM for real."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.errors import ValidationFailed
from spaceclip.services.highlights.embeddings import get_embedder
from spaceclip.services.highlights.llm import LlmClient
from spaceclip.services.highlights.search import (
    SearchOptions,
    keyword_form,
    keyword_match,
    llm_rerank,
    query_keywords,
    rank_windows,
    sentence_windows,
)
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.types import Sentence
from spaceclip.usecases.search import MAX_QUERY_CHARS, check_query, search_transcript
from tests.highlight_words import transcript_of
from tests.llm_server import MisbehavingLlm, RealLlm, dead_port
from tests.speech import load_script


@pytest.mark.parametrize(
    ("token", "form"),
    [("cards", "card"), ("Running", "runn"), ("stories", "story"), ("saved", "sav"), ("glass", "glass"),
     ("June's", "june"), ("bus", "bus"), ("debt", "debt"), ("boxes", "box")],
)  # fmt: skip
def test_keyword_form_joins_plurals_and_verb_forms(token: str, form: str) -> None:
    assert keyword_form(token) == form


@pytest.mark.parametrize(
    ("query", "keywords"),
    [
        ("Find moments about paying off debt", ["pay", "debt"]),
        ("the the the", []),
        ("bees, BEES and bee", ["bee"]),
        ("where they talk about sourdough starters", ["sourdough", "starter"]),
        ("", []),
    ],
)
def test_query_keywords_drop_stopwords_and_request_words(query: str, keywords: list[str]) -> None:
    assert query_keywords(query) == keywords


@pytest.mark.parametrize(
    ("count", "longest", "windows"),
    [
        (0, 3, []),
        (1, 3, [(0, 1)]),
        (3, 2, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]),
        (4, 3, [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]),
    ],
)
def test_sentence_windows(count: int, longest: int, windows: list[tuple[int, int]]) -> None:
    assert sentence_windows(count, longest) == windows


@pytest.mark.parametrize(
    ("window", "expect_matched", "low", "high"),
    [
        (["debt", "card"], ("debt", "card"), 1.0, 1.0),  # says both keywords, average length
        (["debt", "card", "debt", "card"], ("debt", "card"), 1.05, 1.4),  # repeats: more, saturating
        (["debt", "tea"], ("debt",), 0.3, 0.7),  # one of two
        (["tea", "rain"], (), 0.0, 0.0),  # none
        (["card", "tea"], ("card",), 0.3, 0.7),
    ],
)
def test_keyword_match_is_the_weighted_share_of_keywords_said(
    window: list[str], expect_matched: tuple[str, ...], low: float, high: float
) -> None:
    doc_freq = Counter({"debt": 2, "card": 2, "tea": 5, "rain": 1})
    score, matched = keyword_match(["debt", "card"], window, doc_freq=doc_freq, documents=10, avg_len=2.0)
    assert matched == expect_matched and low - 1e-9 <= score <= high + 1e-9


def test_keyword_match_weighs_rare_words_more() -> None:
    doc_freq = Counter({"rare": 1, "common": 8})
    rare, _ = keyword_match(["rare", "common"], ["rare"], doc_freq=doc_freq, documents=10, avg_len=1.0)
    common, _ = keyword_match(["rare", "common"], ["common"], doc_freq=doc_freq, documents=10, avg_len=1.0)
    assert rare > 0.5 > common > 0


def _sentences(texts: list[str]) -> list[Sentence]:
    return [Sentence(i, 10.0 * i, 10.0 * i + 8, text, f"S{i % 2}", i, i + 1) for i, text in enumerate(texts)]


TEXTS = [
    "Welcome to the show.",
    "Credit card debt is the worst kind.",
    "Pay the smallest card debt first.",
    "Now the weather.",
    "It rained all week.",
    "Back to debt for a moment.",
]


def test_keyword_ranking_snaps_to_sentences_and_never_overlaps() -> None:
    hits = rank_windows(_sentences(TEXTS), "card debt")
    assert (hits[0].first, hits[0].last) == (1, 3)  # the two sentences about card debt, one range
    assert hits[0].start == 10.0 and hits[0].end == 28.0 and hits[0].speakers == ("S1", "S0")
    assert set(hits[0].matched) == {"card", "debt"} and "Says 'card', 'debt'" in hits[0].why
    used = [k for h in hits for k in range(h.first, h.last)]
    assert len(used) == len(set(used))  # no sentence in two results
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.matched for h in hits)  # keywords only: every result says a keyword
    assert 3 not in used and 4 not in used  # the weather is not about debt


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("rain", (4, 5)),
        ("the weather this week", (3, 4)),
        ("weather and rain", (3, 5)),
        ("welcome", (0, 1)),
        ("zebra", None),
    ],  # "week" is a stopword
)
def test_keyword_ranking_table(query: str, best: tuple[int, int] | None) -> None:
    hits = rank_windows(_sentences(TEXTS), query, options=SearchOptions(max_sentences=2))
    if best is None:
        assert hits == []
    else:
        assert (hits[0].first, hits[0].last) == best


def test_touching_results_merge_only_when_nearly_as_good() -> None:
    sentences = _sentences(["alpha", "beta", "gamma", "delta"])
    vectors = np.eye(4, dtype=np.float32)
    close = np.array([0.0, 0.7, 0.7, 0.1], dtype=np.float32)
    hits = rank_windows(sentences, "x", sentence_vectors=vectors, query_vector=close / np.linalg.norm(close),
                        options=SearchOptions(max_sentences=1))  # fmt: skip
    assert [(h.first, h.last) for h in hits] == [(1, 3)]  # beta and gamma, one range; delta too far below
    apart = rank_windows(sentences, "x", sentence_vectors=vectors, query_vector=close / np.linalg.norm(close),
                         options=SearchOptions(max_sentences=1, max_merged=1))  # fmt: skip
    assert [(h.first, h.last) for h in apart] == [(1, 2), (2, 3)]


def test_vectors_rank_by_meaning_when_no_keyword_matches() -> None:
    sentences = _sentences(["alpha", "beta", "gamma"])
    vectors = np.eye(3, dtype=np.float32)
    query = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    hits = rank_windows(sentences, "nothing in common", sentence_vectors=vectors, query_vector=query)
    assert (hits[0].first, hits[0].last) == (1, 2) and hits[0].semantic == pytest.approx(1.0)
    assert hits[0].score == pytest.approx(65.0) and hits[0].why == "Close in meaning (1.00)"
    assert [(h.first, h.last) for h in hits] == [(1, 2)]  # the rest are below the threshold


def test_check_query() -> None:
    assert check_query("  paying   off debt ") == "paying off debt"
    for bad in ("", "   ", "x" * (MAX_QUERY_CHARS + 1)):
        with pytest.raises(ValidationFailed) as err:
            check_query(bad)
        assert "shorten" in err.value.user_message or "Type what" in err.value.user_message


def _money_talk() -> tuple[list[tuple[str, str]], dict[str, tuple[float, float]]]:
    script = load_script("highlight_money_talk.json")
    turns = [(t["speaker"], t["text"]) for t in script["turns"]]
    transcript = transcript_of(turns)
    passages = {
        t["tag"]: (transcript.segments[i].start, transcript.segments[i].end)
        for i, t in enumerate(script["turns"])
        if t.get("tag")
    }
    return turns, passages


def test_minilm_search_finds_a_paraphrased_passage_and_caches_its_vectors(tmp_path: Path) -> None:
    turns, passages = _money_talk()
    transcript = transcript_of(turns)
    settings = Settings(ollama_host=dead_port(), _env_file=None)
    cache = tmp_path / "search"
    first = search_transcript(transcript, "losing a job with almost no savings", settings, cache_dir=cache)
    assert first.semantic and not first.cached and not first.llm_reranked
    assert any("LLM unavailable" in n for n in first.notes)
    start, end = passages["designed-2"]
    top = first.hits[0]
    assert top.start < end and top.end > start  # the passage about losing a job, first
    assert top.semantic is not None and top.semantic > 0.3
    words = {round(w.start, 3) for w in transcript.words} | {round(w.end, 3) for w in transcript.words}
    assert all(round(h.start, 3) in words and round(h.end, 3) in words for h in first.hits)  # on word edges
    files = list(cache.glob("sentences-*.npz"))
    assert len(files) == 1
    sentences = split_sentences(list(transcript.words))
    with np.load(files[0]) as data:
        cached_vectors = data["vectors"]
    assert cached_vectors.shape == (len(sentences), 384)
    assert np.allclose(cached_vectors, get_embedder().encode([s.text for s in sentences]), atol=1e-5)

    again = search_transcript(transcript, "losing a job with almost no savings", settings, cache_dir=cache)
    assert again.cached and [(h.start, h.end) for h in again.hits] == [(h.start, h.end) for h in first.hits]
    edited = transcript_of([*turns[:-1], (turns[-1][0], "A different ending to the show.")])
    changed = search_transcript(edited, "debt", settings, cache_dir=cache, use_llm=False)
    assert not changed.cached and len(list(cache.glob("sentences-*.npz"))) == 1  # the old file is gone
    assert not changed.notes


def test_a_misbehaving_llm_keeps_the_built_in_order() -> None:
    turns, _ = _money_talk()
    sentences = split_sentences(list(transcript_of(turns).words))
    hits = rank_windows(sentences, "debt savings job")
    for mode in ("garbage", "http_error"):
        with MisbehavingLlm(mode) as server:
            client = LlmClient(server.host, "tiny", timeout_s=5.0)
            out, note = llm_rerank(client, "debt", hits, limit=3, budget_s=10.0)
        assert out == hits and note and ("unusable" in note or "unavailable" in note)
    out, note = llm_rerank(LlmClient(dead_port(), "tiny", timeout_s=5.0), "debt", hits, limit=3, budget_s=10.0)
    assert out == hits and note and note.startswith("LLM unavailable")


def test_real_llm_rates_and_reranks_the_first_results(llm_server: RealLlm) -> None:
    turns, _ = _money_talk()
    sentences = split_sentences(list(transcript_of(turns).words))
    hits = rank_windows(sentences, "debt savings job")
    client = LlmClient(llm_server.host, llm_server.model, timeout_s=120.0)
    out, note = llm_rerank(client, "paying off debt", hits, limit=2, budget_s=300.0)
    assert note is None
    rated, rest = out[:2], out[2:]
    assert all(h.llm_rating is not None and 0 <= h.llm_rating <= 100 for h in rated)
    assert {(h.first, h.last) for h in rated} == {(h.first, h.last) for h in hits[:2]}
    assert rated[0].score >= rated[1].score and rest == hits[2:]
    original = {(h.first, h.last): h.score for h in hits}
    for h in rated:
        assert h.score == pytest.approx(0.5 * original[(h.first, h.last)] + 0.5 * (h.llm_rating or 0), abs=0.06)
        assert "LLM rates it" in h.why
