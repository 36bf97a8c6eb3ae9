"""Candidate windows: runs of whole sentences between the minimum and maximum length.

A clip must make sense to someone who has not heard what came before, so every window's first
sentence goes through :func:`opening_reference`: openings that point back ("and that's why…",
"he said…", "which…") make a window that is dropped; openings that lean on the context a little
("so…", "but…", "it…") are kept with a penalty the scorer applies. Those openings are English
phrases: for a transcript in another language (``word_lists=False``) every opening counts as standing
alone. Starts at a speaker turn, after a pause, or at a topic shift are marked so the scorer can
prefer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spaceclip.services.highlights.sentences import clean_token, ends_sentence
from spaceclip.services.highlights.types import Candidate, HighlightOptions, Sentence

__all__ = [
    "DROP_BELOW",
    "StartInfo",
    "generate_windows",
    "opening_reference",
    "start_info",
]

DROP_BELOW = 0.35  # an opening scoring under this is a back-reference: the window is dropped
_PAUSE_BEFORE_S = 0.6

_QUESTION_WORDS = frozenset({"who", "which", "whose", "whom"})
_SKIP = frozenset({"um", "uh", "er", "erm", "ah", "hmm", "mm"})
# Phrases that can only be understood with what came before (checked on the first words).
_STRONG_BACKREFS: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "and that's why",
        "and that is why",
        "that's why",
        "that is why",
        "this is why",
        "which is why",
        "that's what",
        "that is what",
        "that's exactly",
        "that is exactly",
        "that's how",
        "that is how",
        "that's because",
        "that is because",
        "that's the",
        "that is the",
        "that's a",
        "that is a",
        "that was",
        "that's it",
        "that is it",
        "that's so",
        "that is so",
        "that's right",
        "that's true",
        "that is true",
        "that sounds",
        "that makes",
        "like i said",
        "as i said",
        "as i mentioned",
        "like you said",
        "as you said",
        "as you mentioned",
        "as he said",
        "as she said",
        "he said",
        "she said",
        "they said",
        "you said",
        "he told",
        "she told",
        "they told",
        "exactly",
        "absolutely",
        "same here",
        "me too",
        "which",
        "who",
        "whose",
        "whom",
        "whereas",
        "otherwise",
        "besides",
        "anyway",
        "and then",
        "but then",
        "and so",
        "because of that",
        "because of this",
        "after that",
        "in that case",
        "that one",
        "the other one",
        "those ones",
        "it was that",
        "other than that",
        "on the other hand",
        "for that reason",
        "in addition",
        "also",
        "again",
    )
)
# Openings that lean on context but can still start a clip: conjunctions, answers, bare pronouns.
_MILD_BACKREFS = {
    "and": 0.6,
    "but": 0.6,
    "so": 0.65,
    "because": 0.5,
    "or": 0.55,
    "then": 0.65,
    "plus": 0.6,
    "though": 0.5,
    "still": 0.7,
    "yet": 0.6,
    "instead": 0.55,
    "yes": 0.65,
    "yeah": 0.6,
    "no": 0.65,
    "nope": 0.6,
    "right": 0.6,
    "sure": 0.6,
    "true": 0.55,
    "well": 0.75,
    "oh": 0.7,
    "okay": 0.75,
    "ok": 0.75,
    "alright": 0.75,
    "it": 0.6,
    "it's": 0.6,
    "they": 0.65,
    "they're": 0.65,
    "he": 0.6,
    "he's": 0.6,
    "she": 0.6,
    "she's": 0.6,
    "him": 0.5,
    "her": 0.6,
    "them": 0.5,
    "his": 0.7,
    "their": 0.7,
    "its": 0.6,
    "those": 0.6,
    "these": 0.65,
    "that": 0.6,
    "that's": 0.5,
    "this": 0.8,
    "even": 0.75,
}


def opening_reference(text: str) -> tuple[float, str | None]:
    """How well a sentence can open a clip: (1.0 = stands alone … 0 = points back, matched words).

    Pure; tested as a table. Hesitations ("um", "uh") at the start are skipped before checking.
    """
    words = [clean_token(w) for w in text.split()]
    words = [w for w in words if w]
    while words and words[0] in _SKIP:
        words = words[1:]
    if not words:
        return 0.0, None
    if words[0] in _QUESTION_WORDS and text.rstrip().endswith("?"):
        return 1.0, None  # "Which habit matters most?" asks; it does not point back
    for phrase in _STRONG_BACKREFS:
        if tuple(words[: len(phrase)]) == phrase:
            return 0.2, " ".join(phrase)
    first = words[0]
    if first in _MILD_BACKREFS:
        return _MILD_BACKREFS[first], first
    return 1.0, None


@dataclass(frozen=True, slots=True)
class StartInfo:
    """Why a sentence is a natural place to start: 0..1 each."""

    turn_start: bool
    pause_before: bool
    topic_shift: float
    standalone: float
    after_full_stop: bool = True

    @property
    def quality(self) -> float:
        """0..1: a new speaker turn or a topic shift counts most, a pause or a full stop before a little
        (a start found only by splitting a comma splice gets none of the last)."""
        return min(
            1.0,
            0.5 * self.turn_start + 0.2 * self.pause_before + 0.5 * self.topic_shift + 0.15 * self.after_full_stop,
        )


def start_info(
    sentences: Sequence[Sentence], i: int, topic_strength: Sequence[float], *, word_lists: bool = True
) -> StartInfo:
    """The start qualities of sentence ``i`` (standalone 1 without word lists)."""
    sentence = sentences[i]
    previous = sentences[i - 1] if i else None
    turn = previous is None or (previous.speaker != sentence.speaker)
    pause = previous is None or sentence.start - previous.end >= _PAUSE_BEFORE_S
    shift = topic_strength[i] if i < len(topic_strength) else 0.0
    full_stop = previous is None or ends_sentence(previous.text.split()[-1])
    standalone = opening_reference(sentence.text)[0] if word_lists else 1.0
    return StartInfo(turn, pause, shift, standalone, full_stop)


def _inside(sentence: Sentence, options: HighlightOptions) -> bool:
    if options.start is not None and sentence.start < options.start:
        return False
    return not (options.end is not None and sentence.end > options.end)


def generate_windows(
    sentences: Sequence[Sentence],
    options: HighlightOptions,
    names: dict[str | None, str | None] | None = None,
    *,
    word_lists: bool = True,
) -> list[Candidate]:
    """Every run of whole sentences ``[first, last)`` lasting ``min_length..max_length`` seconds and
    lying inside ``options.start/end``, in (first, last) order.

    Windows whose first sentence points back (see :func:`opening_reference`) are left out, unless
    that would leave no window at all; then they are kept with ``standalone=False``. Without word
    lists no window is left out.
    """
    names = names or {}
    inside = [_inside(s, options) for s in sentences]
    openings = [opening_reference(s.text)[0] if word_lists else 1.0 for s in sentences]

    def build(keep_all: bool) -> list[Candidate]:
        found: list[Candidate] = []
        for i, first in enumerate(sentences):
            if not inside[i]:
                continue
            standalone = openings[i] >= DROP_BELOW
            if not standalone and not keep_all:
                continue
            for j in range(i, len(sentences)):
                if not inside[j]:
                    break
                length = sentences[j].end - first.start
                if length > options.max_length:
                    break
                if length >= options.min_length:
                    window = sentences[i : j + 1]
                    speakers = tuple(
                        dict.fromkeys(str(names.get(s.speaker, s.speaker)) for s in window if s.speaker is not None)
                    )
                    found.append(
                        Candidate(
                            first=i,
                            last=j + 1,
                            start=first.start,
                            end=sentences[j].end,
                            text=" ".join(s.text for s in window),
                            speakers=speakers,
                            standalone=standalone,
                        )
                    )
        return found

    return build(keep_all=False) or build(keep_all=True)
