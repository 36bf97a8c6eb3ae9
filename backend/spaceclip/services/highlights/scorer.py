"""The built-in scorer: explainable window features (each 0..1) combined into a 0-100 score.

Features of a window of sentences ``[first, last)``:

=============  ======  ==========================================================================
feature        weight  meaning
=============  ======  ==========================================================================
hook           0.20    the first sentence grabs attention (question, "here's what nobody tells
                       you", number, bold claim, imperative); the second counts at 85 % (a host's
                       question followed by the answer's punchline)
specifics      0.17    numbers (with units), names: density per word, saturating
contrast       0.11    "but", "actually", "turns out", "instead", superlatives: per 40 words
story          0.15    first-person past narrative and emotion words, word-weighted mean
arc            0.15    ends where the speaker's turn ends (or at a pause, a full stop, a topic
                       shift), on a landing (a lesson, a result), not on a question; starts at a
                       turn or a topic shift
quotability    0.10    the best short, general, rhythmic line in the window
energy         0.07    loudness against the file's typical speech level (0.5 without audio)
pace           0.05    words per second against the transcript's median
=============  ======  ==========================================================================

``score = 100 * clamp(Σ weight * feature - 0.6 * filler, 0, 1) * (0.6 + 0.4 * standalone)
* (0.8 + 0.2 * clean_edges) * length_fit``

where ``filler`` is the word-weighted share of greetings, housekeeping, sponsor reads and
back-channel ("welcome to the show", "subscribe", "right, okay"), ``standalone`` the opening check
of :mod:`.candidates` (1 stands alone, 0.5-0.8 leans on context), ``clean_edges`` the share of the
two edges that fall at a speaker turn, a pause or a full stop (rather than at a clause end found in
a comma splice, where Whisper may have swallowed a sentence's real end), and ``length_fit`` is 1 for
18-45 s (the length short-form viewers finish, clamped into the requested range), falling to 0.9 at
the minimum and by 0.4 % per second above.

**A language the word lists do not know.** The word lists (:mod:`.lexicon`) are English. For a
transcript in another language (``Transcript.language`` not English; unknown counts as English) they
are not used at all (``Prepared.word_lists`` False), so no English word ("no", "so", "die") is ever
matched in, say, Spanish or German, and each feature keeps only what needs no words:

=============  ======  ==========================================================================
feature        weight  without word lists
=============  ======  ==========================================================================
hook           0.27    a question mark (also the CJK and Arabic ones), digits, a short declarative
specifics      0.23    numbers written in digits (no units, no names: German capitalises nouns)
contrast       0       not computed (only word lists), left out of the features
story          0       not computed (only word lists), left out of the features
arc            0.20    unchanged but for the landing: a number in digits instead of lesson phrases
quotability    0.14    length and repeated phrasing
energy         0.09    unchanged (the audio)
pace           0.07    unchanged (words of any script per second)
=============  ======  ==========================================================================

The remaining weights are the English ones scaled to the same total (:func:`weights_for`).
``filler`` is then only the share of very short sentences without a number, every opening stands
alone (``standalone`` 1: the back-reference check is English phrases), and sentences are not cut
at comma splices. Each highlight's features say which case it was: ``word_lists`` is 1.0 or 0.0.
Topic shifts and keyword relevance still come from the English MiniLM model, which on other
languages mostly sees shared word pieces.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from spaceclip.services.highlights.candidates import StartInfo
from spaceclip.services.highlights.features import SentenceFeatures, is_question
from spaceclip.services.highlights.sentences import ends_sentence
from spaceclip.services.highlights.topics import TopicShifts
from spaceclip.services.highlights.types import HighlightOptions, Sentence

__all__ = [
    "FEATURE_LABELS",
    "PENALTY_WEIGHT",
    "WEIGHTS",
    "Prepared",
    "combine",
    "key_sentence_index",
    "length_fit",
    "reason",
    "top_features",
    "weights_for",
    "window_features",
]

WEIGHTS: dict[str, float] = {
    "hook": 0.20,
    "specifics": 0.17,
    "contrast": 0.11,
    "story": 0.15,
    "arc": 0.15,
    "quotability": 0.10,
    "energy": 0.07,
    "pace": 0.05,
}
PENALTY_WEIGHT = 0.6
PREFERRED_LENGTH = (18.0, 45.0)

FEATURE_LABELS: dict[str, str] = {
    "hook": "strong hook",
    "specifics": "concrete details",
    "contrast": "a surprising turn",
    "story": "a personal story",
    "arc": "a complete arc",
    "quotability": "a quotable line",
    "energy": "lively delivery",
    "pace": "brisk pace",
}

#: The features that are nothing but word lists: not used for a language the lists do not know.
WORD_LIST_FEATURES = ("contrast", "story")


def weights_for(word_lists: bool) -> dict[str, float]:
    """The feature weights: :data:`WEIGHTS` with word lists; without, :data:`WORD_LIST_FEATURES`
    left out and the rest scaled to the same total (read when called, so a tuned WEIGHTS counts)."""
    if word_lists:
        return dict(WEIGHTS)
    kept = {name: w for name, w in WEIGHTS.items() if name not in WORD_LIST_FEATURES}
    scale = sum(WEIGHTS.values()) / sum(kept.values())
    return {name: w * scale for name, w in kept.items()}


_SPECIFICS_RATE = 12.0  # per-word density → 1 - exp(-rate * density)
_CONTRAST_RATE = 0.8  # per 40 words
_PAUSE_AFTER_S = 0.6


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the scorer needs per sentence of one transcript."""

    sentences: tuple[Sentence, ...]
    features: tuple[SentenceFeatures, ...]
    energy: tuple[float, ...]
    pace: tuple[float, ...]
    topic: tuple[float, ...]  # topic shift strength right before each sentence
    starts: tuple[StartInfo, ...]
    has_audio: bool
    word_lists: bool = True  # the transcript's language is one the word lists are written in
    shifts: TopicShifts | None = None  # with the sentence vectors (chapters, near-duplicates)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def length_fit(length: float, options: HighlightOptions) -> float:
    """1 inside the preferred length (18-45 s clamped into [min, max]); 0.9 at the minimum, rising
    linearly to the plateau; 0.4 % less per second above it (pure)."""
    lo = min(max(PREFERRED_LENGTH[0], options.min_length), options.max_length)
    hi = min(max(PREFERRED_LENGTH[1], lo), options.max_length)
    if length < lo:
        span = lo - options.min_length
        return 1.0 if span <= 0 else 0.9 + 0.1 * _clamp((length - options.min_length) / span)
    if length > hi:
        return max(0.5, 1.0 - 0.004 * (length - hi))
    return 1.0


def _end_quality(prep: Prepared, last: int) -> tuple[float, float]:
    """(end 0..1: speaker turn 1, pause 0.6, full stop 0.3; topic shift after) for a window ending
    before sentence ``last``."""
    sentences = prep.sentences
    if last >= len(sentences):
        return 1.0, 1.0
    ending, following = sentences[last - 1], sentences[last]
    if following.speaker != ending.speaker:
        turn = 1.0
    elif following.start - ending.end >= _PAUSE_AFTER_S:
        turn = 0.6
    elif ends_sentence(ending.text.split()[-1]):
        turn = 0.3  # a full stop without a pause: an end, but the speaker goes straight on
    else:
        turn = 0.0  # a clause end found in a comma splice
    return turn, prep.topic[last]


def window_features(prep: Prepared, first: int, last: int) -> dict[str, float]:
    """Features (0..1) of the window ``[first, last)``, plus ``filler``, ``standalone``,
    ``clean_edges``, ``word_lists`` (1 when the word lists were used) and the window's ``words``;
    without word lists, :data:`WORD_LIST_FEATURES` are left out."""
    feats = prep.features[first:last]
    words = sum(f.words for f in feats)
    hook = feats[0].hook
    if len(feats) > 1:
        hook = max(hook, 0.85 * feats[1].hook)
    specifics = 1.0 - math.exp(-_SPECIFICS_RATE * sum(f.specifics for f in feats) / words)
    contrast = 1.0 - math.exp(-_CONTRAST_RATE * sum(f.contrast for f in feats) * 40.0 / words)
    story = sum(f.story * f.words for f in feats) / words
    quotable = max(f.quotable for f in feats)
    energy = sum(e * f.words for e, f in zip(prep.energy[first:last], feats, strict=True)) / words
    pace = sum(p * f.words for p, f in zip(prep.pace[first:last], feats, strict=True)) / words
    filler = sum(f.filler * f.words for f in feats) / words
    turn_end, topic_after = _end_quality(prep, last)
    closing = feats[-1].conclusion
    if len(feats) > 1:
        closing = max(closing, 0.7 * feats[-2].conclusion)
    arc = 0.35 * turn_end + 0.15 * topic_after + 0.2 * closing + 0.3 * prep.starts[first].quality
    if is_question(prep.sentences[last - 1].text):
        arc -= 0.4
    start = prep.starts[first]
    clean_start = start.turn_start or start.pause_before or start.after_full_stop
    values = {
        "hook": hook,
        "specifics": specifics,
        "contrast": contrast,
        "story": story,
        "arc": _clamp(arc),
        "quotability": quotable,
        "energy": energy,
        "pace": pace,
        "filler": filler,
        "standalone": start.standalone,
        "clean_edges": (float(clean_start) + float(turn_end > 0)) / 2,
        "word_lists": float(prep.word_lists),
    }
    if not prep.word_lists:
        for name in WORD_LIST_FEATURES:
            del values[name]
    rounded = {k: round(_clamp(v), 4) for k, v in values.items()}
    rounded["words"] = float(words)
    return rounded


def combine(
    features: Mapping[str, float], length: float, options: HighlightOptions, weights: Mapping[str, float] | None = None
) -> float:
    """The 0-100 score of a window from its features (see the module docstring); ``weights``
    default to :data:`WEIGHTS` (:func:`weights_for` gives those without word lists)."""
    base = sum(weight * features[name] for name, weight in (WEIGHTS if weights is None else weights).items())
    raw = _clamp(base - PENALTY_WEIGHT * features["filler"])
    score = 100.0 * raw * (0.6 + 0.4 * features["standalone"]) * (0.8 + 0.2 * features["clean_edges"])
    score *= length_fit(length, options)
    return round(score, 2)


def key_sentence_index(prep: Prepared, first: int, last: int) -> int:
    """The sentence that carries the window (highest salience; the earliest on a tie)."""
    return max(range(first, last), key=lambda i: (round(prep.features[i].salience, 6), -i))


NOTABLE = 0.4  # a feature below this is not named in a reason unless nothing else is


def top_features(
    features: Mapping[str, float],
    count: int = 2,
    *,
    has_audio: bool = True,
    weights: Mapping[str, float] | None = None,
) -> list[str]:
    """The ``count`` features contributing most to the score, preferring those of at least
    ``NOTABLE`` (a weak hook is never called "strong"); name order breaks ties."""
    table = WEIGHTS if weights is None else weights
    names = [n for n in table if has_audio or n not in ("energy", "pace")]
    return sorted(names, key=lambda n: (features[n] < NOTABLE, -round(table[n] * features[n], 6), n))[:count]


def _label(name: str, numbers: bool) -> str:
    if name == "specifics":
        return "concrete numbers" if numbers else FEATURE_LABELS[name]
    return FEATURE_LABELS[name]


def reason(
    features: Mapping[str, float],
    key_sentence: str,
    *,
    numbers: bool,
    has_audio: bool,
    weights: Mapping[str, float] | None = None,
) -> str:
    """``Strong hook + concrete numbers: “<key sentence>”`` — the top two features and the key line."""
    first, second = top_features(features, 2, has_audio=has_audio, weights=weights)
    label = f"{_label(first, numbers)} + {_label(second, numbers)}"
    quote = key_sentence.strip()
    if len(quote) > 220:
        quote = quote[:219].rsplit(" ", 1)[0] + "…"
    return f"{label[:1].upper()}{label[1:]}: “{quote}”"
