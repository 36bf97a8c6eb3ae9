"""The built-in highlight finder end to end: a flite conversation with designed passages, transcribed
by the real tiny.en model, ranked with the audio's energy; plus the API's rules on small inputs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from spaceclip.errors import ValidationFailed
from spaceclip.services.highlights import builtin
from spaceclip.services.highlights.select import overlap
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.types import HighlightOptions, ScoredCandidate
from spaceclip.services.speech.transcript import Transcript
from tests.highlight_words import transcript_of
from tests.speech import AnalyzedConversation, load_script, render_conversation

SCRIPT = "highlight_run_club.json"


@pytest.fixture(scope="module")
def run_club(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalyzedConversation, list[tuple[float, float]]]:
    """tests/data/highlight_run_club.json spoken by three flite voices (about 2 minutes), transcribed
    with speakers by the default model, and the designed passages' [start, end] from the truth."""
    import time

    from spaceclip.config import Settings
    from spaceclip.services.speech.transcribe import transcribe_with_speakers

    script = load_script(SCRIPT)
    conversation = render_conversation(script, tmp_path_factory.mktemp("highlights") / "run_club.wav")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        whisper_model="tiny.en",
        whisper_language=None,
        _env_file=None,  # type: ignore[call-arg]
    )
    started = time.perf_counter()
    transcript = transcribe_with_speakers(conversation.wav, settings)
    analyzed = AnalyzedConversation(conversation, transcript, (), time.perf_counter() - started)
    designed = [
        (turn.start, turn.end)
        for turn, spec in zip(conversation.turns, script["turns"], strict=True)
        if str(spec.get("tag", "")).startswith("designed")
    ]
    return analyzed, designed


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def _span(sc: ScoredCandidate) -> tuple[float, float]:
    return sc.candidate.start, sc.candidate.end


def _check_rules(ranked: list[ScoredCandidate], transcript: Transcript, options: HighlightOptions) -> None:
    sentences = split_sentences(list(transcript.words))
    starts, ends = {s.start for s in sentences}, {s.end for s in sentences}
    word_starts = {w.start for w in transcript.words}
    word_ends = {w.end for w in transcript.words}
    for sc in ranked:
        start, end = _span(sc)
        assert start in starts and end in ends, "a highlight starts or ends inside a sentence"
        assert start in word_starts and end in word_ends, "a highlight cuts a word"
        assert options.min_length <= end - start <= options.max_length
        if options.start is not None:
            assert start >= options.start
        if options.end is not None:
            assert end <= options.end
        assert 0 <= sc.score <= 100
        assert all(0.0 <= v <= 1.0 for v in sc.features.values())
    for i, a in enumerate(ranked):
        for b in ranked[i + 1 :]:
            assert overlap(_span(a), _span(b)) <= options.max_overlap + 1e-9
    assert [sc.score for sc in ranked] == sorted((sc.score for sc in ranked), reverse=True)
    assert len(ranked) <= options.max_count


def test_designed_passages_rank_high_and_rules_hold(run_club) -> None:
    analyzed, designed = run_club
    wav = analyzed.conversation.wav
    options = HighlightOptions()
    ranked = builtin.rank_candidates(analyzed.transcript, options, audio_path=wav)
    assert len(ranked) >= 3
    _check_rules(ranked, analyzed.transcript, options)

    top5 = [_span(sc) for sc in ranked[:5]]
    hits = [max(_iou(span, passage) for span in top5) >= 0.5 for passage in designed]
    assert sum(hits) >= 2, f"designed passages {designed} not found in the top five {top5}"
    assert max(_iou(top5[0], passage) for passage in designed) >= 0.5, "the best highlight is not a designed passage"

    # the sponsor read and the greetings never make the top three
    housekeeping = [
        (t.start, t.end) for t in analyzed.conversation.turns if re.search(r"sponsor|welcome", t.text, re.I)
    ]
    for span in top5[:3]:
        assert all(overlap(span, h) < 0.5 for h in housekeeping)

    # the same input gives the same output, to the last digit
    again = builtin.rank_candidates(analyzed.transcript, options, audio_path=wav)
    assert again == ranked


def test_highlight_fields_explain_the_choice(run_club) -> None:
    analyzed, _ = run_club
    ranked = builtin.rank_candidates(
        analyzed.transcript, HighlightOptions(max_count=5), audio_path=analyzed.conversation.wav
    )
    labels = {s.label for s in analyzed.transcript.speakers}
    for sc in ranked:
        h = builtin.as_highlight(sc)
        assert (h.start, h.end, h.score, h.source) == (sc.candidate.start, sc.candidate.end, sc.score, "builtin")
        assert 0 < len(h.title) <= 70
        assert h.key_sentence and f"“{h.key_sentence}”" in h.reason
        assert re.match(r"^[A-Z][^:]* \+ [^:]+: “", h.reason), h.reason
        assert h.key_sentence[:-1].lower().rstrip(",") in h.text.lower()  # the key sentence is quoted from the clip
        assert 3 <= len(h.hashtags) <= 5 and all(re.fullmatch(r"#[A-Z][A-Za-z0-9]+", t) for t in h.hashtags)
        assert h.speakers and set(h.speakers) <= labels
        assert h.text == sc.candidate.text and h.features == sc.features
        assert h.hook is None and h.description is None and h.llm_note is None


def test_range_pool_and_no_audio(run_club) -> None:
    analyzed, _ = run_club
    transcript = analyzed.transcript
    ranged = HighlightOptions(min_length=10.0, max_length=30.0, start=60.0, end=120.0)
    within = builtin.rank_candidates(transcript, ranged)
    assert within
    _check_rules(within, transcript, ranged)

    pool = builtin.rank_candidates(transcript, HighlightOptions(max_count=2), pool=6)
    assert 2 < len(pool) <= 6
    _check_rules(pool, transcript, HighlightOptions(max_count=6))

    silent = builtin.rank_candidates(transcript, HighlightOptions())
    assert silent and all(sc.features["energy"] == 0.5 for sc in silent)


def test_select_applies_the_rules_after_a_rerank(run_club) -> None:
    analyzed, _ = run_club
    options = HighlightOptions(max_count=3)
    pool = builtin.rank_candidates(analyzed.transcript, options, pool=8)
    # an LLM might reverse the order: the last becomes the best
    rescored = [dataclasses.replace(sc, score=float(i)) for i, sc in enumerate(pool)]
    chosen = builtin.select(rescored, options)
    assert [sc.score for sc in chosen] == sorted((sc.score for sc in chosen), reverse=True)
    assert chosen[0] is rescored[-1]
    assert len(chosen) == min(3, len(pool))
    _check_rules(chosen, analyzed.transcript, options)


def test_short_or_empty_transcripts_give_no_highlights() -> None:
    empty = Transcript(duration=0.0, language="en")
    assert builtin.rank_candidates(empty, HighlightOptions()) == []
    short = transcript_of([("Speaker 1", "We opened a shop. It went well.")])
    assert builtin.rank_candidates(short, HighlightOptions(min_length=15.0)) == []


@pytest.mark.parametrize(
    "options",
    [
        HighlightOptions(min_length=30.0, max_length=20.0),
        HighlightOptions(min_length=0.0, max_length=20.0),
        HighlightOptions(start=50.0, end=40.0),
    ],
)
def test_invalid_options_are_refused_with_a_message(options: HighlightOptions) -> None:
    with pytest.raises(ValidationFailed) as caught:
        builtin.rank_candidates(transcript_of([("Speaker 1", "Hello there.")]), options)
    assert "Choose" in caught.value.user_message


def test_audio_path_that_does_not_exist_leaves_energy_neutral(tmp_path: Path) -> None:
    transcript = transcript_of(
        [
            ("Speaker 1", "What is the biggest mistake new founders make with their first product?"),
            ("Speaker 2", "They build for eighteen months before they talk to a single customer."),
            ("Speaker 2", "We lost four hundred thousand dollars that way, and I still think about it."),
        ]
    )
    ranked = builtin.rank_candidates(
        transcript, HighlightOptions(min_length=5.0, max_length=60.0), audio_path=tmp_path / "none.wav"
    )
    assert ranked and ranked[0].features["energy"] == 0.5


def test_keyword_relevance_ranks_topical_words_first() -> None:
    window = (
        "The best ideas of the day often arrive in the first ten minutes after you wake up, "
        "before you look at your phone. Keep a notebook on the night stand instead of the phone."
    )
    relevance = builtin.keyword_relevance(window, ["phone", "notebook", "best", "arrive", "first"])
    assert relevance is not None and set(relevance) == {"phone", "notebook", "best", "arrive", "first"}
    assert all(-1.0 <= v <= 1.0 for v in relevance.values())
    # The real MiniLM model: the things the window is about score above words that merely occur in it.
    assert min(relevance["phone"], relevance["notebook"]) > max(relevance["best"], relevance["arrive"])
    assert builtin.keyword_relevance(window, []) == {}
