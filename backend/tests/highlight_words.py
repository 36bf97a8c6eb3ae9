"""Synthetic transcripts for the highlight tests: words with even times, turns with pauses."""

from __future__ import annotations

from collections.abc import Sequence

from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word

WORD_S = 0.3  # each word lasts this long ...
GAP_S = 0.05  # ... with this gap between words


def words_of(
    text: str, *, start: float = 0.0, speaker: str | None = "Speaker 1", gap_at: Sequence[int] = (), gap_s: float = 2.0
) -> list[Word]:
    """``text`` as words of ``WORD_S`` seconds from ``start``; a pause of ``gap_s`` before each word
    index in ``gap_at``."""
    words: list[Word] = []
    t = start
    for i, token in enumerate(text.split()):
        if i in gap_at:
            t += gap_s
        words.append(Word(round(t, 3), round(t + WORD_S, 3), token, 0.9, speaker))
        t += WORD_S + GAP_S
    return words


def transcript_of(turns: Sequence[tuple[str, str]], *, pause: float = 0.8) -> Transcript:
    """A transcript of ``(speaker label, text)`` turns, one segment per turn, ``pause`` s apart."""
    segments: list[Segment] = []
    t = 0.5
    for speaker, text in turns:
        words = words_of(text, start=t, speaker=speaker)
        segments.append(Segment(words[0].start, words[-1].end, text, speaker, tuple(words)))
        t = words[-1].end + pause
    labels = dict.fromkeys(s for s, _ in turns)
    return Transcript(
        duration=round(t + 0.5, 3),
        language="en",
        speakers=tuple(Speaker(label) for label in labels),
        segments=tuple(segments),
    )
