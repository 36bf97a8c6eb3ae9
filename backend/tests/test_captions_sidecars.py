"""A clip's SRT and WebVTT: its part of the transcript, re-timed from the clip's start."""

from __future__ import annotations

import pytest

from spaceclip.services.render.captions import clip_srt, clip_transcript, clip_vtt
from spaceclip.services.speech.transcript import Segment, Transcript, Word, parse_srt, parse_vtt
from tests.caption_sample import CLIP_END, CLIP_START, TRANSCRIPT, expected_words


def test_clip_srt_is_retimed_with_speaker_names() -> None:
    srt = clip_srt(TRANSCRIPT, CLIP_START, CLIP_END)
    cues = parse_srt(srt, speaker_names=["Maya", "Speaker 2"])
    assert cues[0].start == pytest.approx(expected_words()[0][1], abs=0.001)
    assert cues[0].speaker == "Maya" and any(c.speaker == "Speaker 2" for c in cues)
    words = " ".join(c.text for c in cues).split()
    assert words == [w for w, _, _, _ in expected_words()]
    assert all(0 <= c.start < c.end <= CLIP_END - CLIP_START for c in cues)
    first_word_of = {i: w for i, w in enumerate(expected_words())}
    assert abs(cues[1].start - next(w[1] for w in first_word_of.values() if w[0] == cues[1].text.split()[0])) <= 0.1


def test_clip_vtt_is_retimed_with_voices() -> None:
    vtt = clip_vtt(TRANSCRIPT, CLIP_START, CLIP_END)
    assert vtt.startswith("WEBVTT")
    cues = parse_vtt(vtt)
    assert cues[0].speaker == "Maya" and cues[0].start == pytest.approx(expected_words()[0][1], abs=0.001)
    assert " ".join(c.text for c in cues).split() == [w for w, _, _, _ in expected_words()]


def test_clip_transcript_keeps_corrected_text_of_whole_segments() -> None:
    seg = Segment(
        2.0,
        3.0,
        "Corrected, with care.",
        "Speaker 1",
        (Word(2.0, 2.4, "Corrected,", 1), Word(2.5, 3.0, "with care.", 1)),
    )
    t = Transcript(5.0, "en", (), (seg,))
    part = clip_transcript(t, 1.0, 4.0)
    assert part.segments[0].text == "Corrected, with care."
    assert part.segments[0].start == pytest.approx(1.0) and part.duration == 3.0
    assert clip_transcript(t, 3.5, 5.0).segments == ()
