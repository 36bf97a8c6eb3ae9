"""Subtitle files that travel with a clip: its part of the transcript as SRT and WebVTT, timed from 0."""

from __future__ import annotations

from dataclasses import replace

from spaceclip.services.render.captions.layout import clean_text, clip_words
from spaceclip.services.speech.transcript import Segment, Transcript, Word, to_srt, to_vtt

__all__ = ["clip_srt", "clip_transcript", "clip_vtt"]


def _clip_segment(segment: Segment, start: float, end: float) -> Segment | None:
    if segment.words:
        kept = clip_words(segment.words, start, end)
        if not kept:
            return None
        whole = len(kept) == len([w for w in segment.words if clean_text(w.word)])
        words = tuple(Word(w.start, w.end, w.text, 1.0, segment.speaker) for w in kept)
        text = segment.text if whole else " ".join(w.text for w in kept)
        return Segment(start=words[0].start, end=words[-1].end, text=text, speaker=segment.speaker, words=words)
    if segment.end <= start or segment.start >= end or not segment.text.strip():
        return None
    length = end - start
    return replace(
        segment, start=min(max(segment.start - start, 0.0), length), end=min(max(segment.end - start, 0.0), length)
    )


def clip_transcript(transcript: Transcript, start: float, end: float) -> Transcript:
    """The part of ``transcript`` inside ``[start, end)``, re-timed so the clip starts at 0. Pure."""
    segments = tuple(s for s in (_clip_segment(seg, start, end) for seg in transcript.segments) if s is not None)
    return replace(transcript, duration=max(0.0, end - start), segments=segments, turns=())


def clip_srt(transcript: Transcript, start: float, end: float) -> str:
    """SubRip subtitles for the clip ``[start, end)``, timed from the clip's start, with speaker names."""
    return to_srt(clip_transcript(transcript, start, end))


def clip_vtt(transcript: Transcript, start: float, end: float) -> str:
    """WebVTT subtitles for the clip ``[start, end)``, timed from the clip's start, with speaker voices."""
    return to_vtt(clip_transcript(transcript, start, end))
