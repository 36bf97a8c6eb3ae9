"""Re-timing a segment's words after the creator corrects its text (pure functions).

Whisper gives each recognised word a time span. When the creator fixes a segment's text, the new
words need times too so that captions and cuts stay in sync:

* same number of words: each new word takes the old word's span (a spelling fix);
* otherwise: the segment's speech span is shared out in proportion to each word's length, which is
  what a reader's eye expects and keeps every word inside the segment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MIN_WORD_S = 0.05


def tokenize(text: str) -> list[str]:
    """Words as Whisper writes them: split on whitespace, punctuation kept on the word."""
    return text.split()


def retime_words(
    old_words: Sequence[Mapping[str, Any]], new_text: str, start: float, end: float
) -> list[dict[str, Any]]:
    """Words for ``new_text`` with times, inside ``[start, end]``.

    Args:
        old_words: the segment's current words (``start``, ``end``, ``word``, ``probability``).
        new_text: the corrected text.
        start: the segment's start (used when there are no old words).
        end: the segment's end.
    """
    tokens = tokenize(new_text)
    if not tokens:
        return []
    if len(tokens) == len(old_words):
        return [
            {"start": float(w["start"]), "end": float(w["end"]), "word": tok, "probability": 1.0}
            for w, tok in zip(old_words, tokens, strict=True)
        ]
    span_start = float(old_words[0]["start"]) if old_words else start
    span_end = float(old_words[-1]["end"]) if old_words else end
    span_end = max(span_end, span_start + MIN_WORD_S * len(tokens))
    weights = [max(len(tok.strip(".,!?;:\"'")), 1) for tok in tokens]
    total = float(sum(weights))
    words: list[dict[str, Any]] = []
    cursor = span_start
    for tok, weight in zip(tokens, weights, strict=True):
        length = (span_end - span_start) * weight / total
        words.append({"start": round(cursor, 3), "end": round(cursor + length, 3), "word": tok, "probability": 1.0})
        cursor += length
    words[-1]["end"] = round(span_end, 3)
    return words
