"""The built-in highlight finder (no LLM): sentences → topic shifts → candidate windows → scores →
selection. Always available, deterministic: the same transcript and audio give the same result.

The word lists are English; for a transcript in another language (:func:`.lexicon.covers`) every
stage runs without them (see :mod:`.scorer`): the ranking rests on the audio, the pace, turns and
pauses, topic shifts, question marks, digits and sentence length.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spaceclip.errors import ModelMissing, ValidationFailed
from spaceclip.services.highlights import audio_features, coverage, features, lexicon, scorer
from spaceclip.services.highlights.candidates import generate_windows, start_info
from spaceclip.services.highlights.chapters import Chapter, chapter_of, plan_chapters
from spaceclip.services.highlights.embeddings import get_embedder
from spaceclip.services.highlights.sentences import SplitOptions, split_sentences
from spaceclip.services.highlights.topics import topic_shifts
from spaceclip.services.highlights.types import (
    Candidate,
    Highlight,
    HighlightOptions,
    ScoredCandidate,
    Sentence,
)
from spaceclip.services.speech.transcript import Transcript

__all__ = ["as_highlight", "keyword_relevance", "prepare", "rank_candidates", "select"]

log = logging.getLogger(__name__)

MIN_SCORE = 5.0  # below this a window is greetings or housekeeping: never offered as a highlight


def _check(options: HighlightOptions) -> None:
    if options.min_length <= 0 or options.max_length < options.min_length:
        raise ValidationFailed(
            f"The highlight length range {options.min_length:g}-{options.max_length:g} s is not valid. "
            "Choose a minimum above 0 and a maximum at least as long as the minimum."
        )
    if options.start is not None and options.end is not None and options.end <= options.start:
        raise ValidationFailed("The search range ends before it starts. Choose an end time after the start time.")


def prepare(
    sentences: Sequence[Sentence], *, audio_path: Path | None = None, word_lists: bool = True
) -> scorer.Prepared:
    """Per-sentence features, topic shifts (embeddings), energy and pace for the scorer;
    ``word_lists`` False for a language the word lists do not know."""
    shifts = topic_shifts([s.text for s in sentences])
    profile = audio_features.load_profile(audio_path)
    sentence_feats = tuple(features.sentence_features(s.text, word_lists=word_lists) for s in sentences)
    pace = audio_features.pace_scores([f.words for f in sentence_feats], [s.end - s.start for s in sentences])
    return scorer.Prepared(
        sentences=tuple(sentences),
        features=sentence_feats,
        energy=tuple(audio_features.energy(profile, s.start, s.end) for s in sentences),
        pace=tuple(pace),
        topic=shifts.strength,
        starts=tuple(start_info(sentences, i, shifts.strength, word_lists=word_lists) for i in range(len(sentences))),
        has_audio=profile is not None,
        word_lists=word_lists,
        shifts=shifts,
    )


def _content_text(prep: scorer.Prepared, first: int, last: int) -> str:
    """The window's text without its small talk (hashtags come from what the clip is about)."""
    kept = [prep.sentences[i].text for i in range(first, last) if prep.features[i].filler < 0.5]
    return " ".join(kept) if kept else " ".join(s.text for s in prep.sentences[first:last])


def keyword_relevance(window_text: str, words: Sequence[str]) -> dict[str, float] | None:
    """Each word's cosine similarity to the whole window (MiniLM); None without the model."""
    if not words:
        return {}
    try:
        vectors = get_embedder().encode([window_text, *words])
    except ModelMissing:
        return None  # the topic stage has already said so once
    return {w: float(vectors[0] @ v) for w, v in zip(words, vectors[1:], strict=True)}


def _explain(item: ScoredCandidate, prep: scorer.Prepared, all_texts: Sequence[str]) -> ScoredCandidate:
    cand = item.candidate
    key = scorer.key_sentence_index(prep, cand.first, cand.last)
    key_text = features.display_sentence(prep.sentences[key].text)
    numbers = any(f.numbers for f in prep.features[cand.first : cand.last])
    content = _content_text(prep, cand.first, cand.last)
    weights = features.keyword_weights(content, all_texts, key_sentence=key_text, word_lists=prep.word_lists)
    relevance = keyword_relevance(content, sorted(weights))
    if relevance is not None:
        weights = features.weigh_by_relevance(weights, relevance)
    feature_weights = scorer.weights_for(prep.word_lists)
    return replace(
        item,
        reason=scorer.reason(
            item.features, key_text, numbers=numbers, has_audio=prep.has_audio, weights=feature_weights
        ),
        key_sentence=key_text,
        title=features.extractive_title(key_text, word_lists=prep.word_lists),
        hashtags=features.pick_hashtags(weights),
    )


def _with_coverage(scored: Sequence[ScoredCandidate], prep: scorer.Prepared, duration: float) -> list[ScoredCandidate]:
    """Each candidate with its :class:`~.types.Coverage`: text, mean sentence vector (the topic
    stage's), sponsor-read and housekeeping shares, and its chapter in an episode long enough to
    spread over topics."""
    sentences = prep.sentences
    shifts = prep.shifts
    vectors = shifts.vectors if shifts is not None else None
    chapters: list[Chapter] = []
    if shifts is not None and duration >= coverage.SPREAD_MIN_S:
        chapters = plan_chapters(sentences, shifts, duration, word_lists=prep.word_lists)
    if prep.word_lists:
        ads = coverage.ad_sentences([s.text for s in sentences], [s.speaker for s in sentences])
    else:
        ads = [False] * len(sentences)
    housekeeping = [f.filler >= coverage.HOUSEKEEPING_FILLER for f in prep.features]
    words = [f.words for f in prep.features]
    out = []
    for item in scored:
        cand = item.candidate
        topic = chapter_of(chapters, (cand.start + cand.end) / 2) if chapters else -1
        info = coverage.coverage_of(
            cand.text,
            cand.first,
            cand.last,
            words=words,
            ads=ads,
            housekeeping=housekeeping,
            vectors=vectors,
            topic=topic,
        )
        out.append(replace(item, coverage=info))
    return out


def _score_all(
    candidates: Sequence[Candidate], prep: scorer.Prepared, options: HighlightOptions
) -> list[ScoredCandidate]:
    scored = []
    weights = scorer.weights_for(prep.word_lists)
    for cand in candidates:
        feats = scorer.window_features(prep, cand.first, cand.last)
        score = scorer.combine(feats, cand.end - cand.start, options, weights)
        feats.pop("words", None)
        scored.append(ScoredCandidate(cand, score, feats, "", "", "", ()))
    return scored


def rank_candidates(
    transcript: Transcript,
    options: HighlightOptions,
    *,
    audio_path: Path | None = None,
    pool: int | None = None,
) -> list[ScoredCandidate]:
    """The best highlight candidates of ``transcript``, best first.

    Each lies between ``options.min_length`` and ``options.max_length`` seconds, starts and ends on
    sentence boundaries, lies inside ``options.start``/``end`` when given, and overlaps no other
    by more than ``options.max_overlap`` of the shorter one. At most ``pool`` items
    (default ``options.max_count``). Deterministic. A transcript in a language the word lists do
    not know is ranked without them (``features["word_lists"]`` is 0.0; see :mod:`.scorer`).

    Args:
        transcript: the analysed transcript with word times.
        options: lengths, count and range.
        audio_path: the 16 kHz WAV of the analysis (speaker energy); None leaves energy neutral.
        pool: how many to return (an LLM re-rank asks for more than it keeps).

    Raises:
        ValidationFailed: the length range or the time range is not valid.
    """
    _check(options)
    started = time.perf_counter()
    word_lists = lexicon.covers(transcript.language)
    if not word_lists:
        log.info(
            "highlights: no word lists for language %r; ranking by audio, pace, turns, topics, "
            "question marks, digits and sentence length",
            transcript.language,
        )
    words = list(transcript.words)
    sentences = split_sentences(words, SplitOptions(comma_splices=word_lists))
    if not sentences:
        return []
    names = {label: transcript.speaker_name(label) for label in {s.speaker for s in sentences}}
    candidates = generate_windows(sentences, options, names, word_lists=word_lists)
    if not candidates:
        log.info(
            "no highlight candidates of %g-%g s in %d sentences", options.min_length, options.max_length, len(sentences)
        )
        return []
    prep = prepare(sentences, audio_path=audio_path, word_lists=word_lists)
    limit = options.max_count if pool is None else pool
    scored = [item for item in _score_all(candidates, prep, options) if item.score >= MIN_SCORE]
    scored = _with_coverage(scored, prep, transcript.duration)
    if not options.include_housekeeping:
        scored = [item for item in scored if not coverage.kept_out(item)]
    chosen = coverage.select_covering(scored, max_overlap=options.max_overlap, limit=limit)
    texts = [s.text for s in sentences]
    result = [_explain(item, prep, texts) for item in chosen]
    log.info(
        "highlights: %d sentences, %d candidates, %d chosen in %.1f s",
        len(sentences),
        len(candidates),
        len(result),
        time.perf_counter() - started,
    )
    return result


def select(scored: Sequence[ScoredCandidate], options: HighlightOptions) -> list[ScoredCandidate]:
    """Best first, no two overlapping by more than ``options.max_overlap`` of the shorter, no two
    near-duplicates, spread over the topics of a long episode, sponsor reads and housekeeping kept
    out unless ``options.include_housekeeping``; at most ``options.max_count`` (reusable after an
    LLM re-rank changed the scores; see :mod:`.coverage`)."""
    items = scored if options.include_housekeeping else [sc for sc in scored if not coverage.kept_out(sc)]
    return coverage.select_covering(items, max_overlap=options.max_overlap, limit=options.max_count)


def as_highlight(sc: ScoredCandidate) -> Highlight:
    """A finished built-in highlight (extractive title, source "builtin")."""
    cand = sc.candidate
    return Highlight(
        start=cand.start,
        end=cand.end,
        score=sc.score,
        title=sc.title,
        reason=sc.reason,
        key_sentence=sc.key_sentence,
        text=cand.text,
        hashtags=sc.hashtags,
        speakers=cand.speakers,
        features=dict(sc.features),
        source="builtin",
    )
