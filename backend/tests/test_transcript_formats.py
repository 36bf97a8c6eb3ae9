"""Transcript data and exports (JSON, SRT, VTT, plain text): pure, tested as tables and round trips."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest

from spaceclip.services.speech.transcript import (
    Cue,
    Segment,
    Speaker,
    Transcript,
    VoiceTurn,
    Word,
    format_clock,
    format_srt_time,
    format_vtt_time,
    parse_srt,
    parse_timestamp,
    parse_vtt,
    speaker_turns,
    split_cues,
    to_srt,
    to_txt,
    to_vtt,
)


def _segment(start: float, text: str, speaker: str | None, step: float = 0.5) -> Segment:
    words = tuple(
        Word(round(start + i * step, 3), round(start + (i + 1) * step - 0.05, 3), w, 0.9, speaker)
        for i, w in enumerate(text.split())
    )
    return Segment(words[0].start, words[-1].end, text, speaker, words)


def _sample() -> Transcript:
    return Transcript(
        duration=3725.5,
        language="en",
        speakers=(Speaker("Speaker 1", "Ana <host> & co"), Speaker("Speaker 2")),
        segments=(
            _segment(0.0, "Hello and welcome.", "Speaker 1"),
            _segment(2.0, "Thanks, glad to be here.", "Speaker 2"),
            _segment(5.0, "So, where do we start?", "Speaker 2"),
            _segment(3600.0, "Goodbye everyone.", "Speaker 1"),
        ),
    )


@pytest.mark.parametrize(
    ("seconds", "srt", "vtt"),
    [
        (0.0, "00:00:00,000", "00:00:00.000"),
        (1.5, "00:00:01,500", "00:00:01.500"),
        (59.9994, "00:00:59,999", "00:00:59.999"),
        (59.9996, "00:01:00,000", "00:01:00.000"),  # rounds up across the minute
        (61.25, "00:01:01,250", "00:01:01.250"),
        (3599.9999, "01:00:00,000", "01:00:00.000"),
        (3725.042, "01:02:05,042", "01:02:05.042"),
        (36000.0, "10:00:00,000", "10:00:00.000"),
        (-0.2, "00:00:00,000", "00:00:00.000"),  # negatives clamp
    ],
)
def test_subtitle_time_formats(seconds: float, srt: str, vtt: str) -> None:
    assert format_srt_time(seconds) == srt
    assert format_vtt_time(seconds) == vtt
    assert parse_timestamp(srt) == pytest.approx(max(0.0, round(seconds, 3)))
    assert parse_timestamp(vtt) == pytest.approx(max(0.0, round(seconds, 3)))


@pytest.mark.parametrize(
    ("seconds", "clock"),
    [
        (0, "0:00"),
        (9.99, "0:09"),
        (61, "1:01"),
        (599, "9:59"),
        (3599.9, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (-3, "0:00"),
    ],
)
def test_clock_format(seconds: float, clock: str) -> None:
    assert format_clock(seconds) == clock


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:01,500", 1.5), ("01:02.250", 62.25), ("1:00:00.000", 3600.0), (" 00:00:02.000 ", 2.0)],
)
def test_parse_timestamp(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1.5", "00:00:01", "aa:bb:cc,ddd", "00:61:00,000x"])
def test_parse_timestamp_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_json_shape_is_exact() -> None:
    data = _sample().to_dict()
    assert set(data) == {"duration", "language", "speakers", "segments"}
    assert data["speakers"][0] == {"label": "Speaker 1", "name": "Ana <host> & co"}
    segment = data["segments"][0]
    assert set(segment) == {"start", "end", "speaker", "text", "words"}
    assert set(segment["words"][0]) == {"start", "end", "word", "probability", "filler"}
    assert segment["speaker"] == "Speaker 1"


def test_json_round_trip() -> None:
    transcript = _sample()
    again = Transcript.from_dict(json.loads(json.dumps(transcript.to_dict())))
    assert again == transcript
    assert [w.speaker for w in again.words][:3] == ["Speaker 1"] * 3


def test_voice_turns_travel_with_the_json_only_when_there_are_some() -> None:
    transcript = replace(_sample(), turns=(VoiceTurn(0.0, 1.2, "Speaker 1"), VoiceTurn(1.2, 2.0, "Speaker 2")))
    data = json.loads(json.dumps(transcript.to_dict()))
    assert data["turns"] == [[0.0, 1.2, "Speaker 1"], [1.2, 2.0, "Speaker 2"]]
    assert Transcript.from_dict(data) == transcript
    assert "turns" not in _sample().to_dict()


def test_words_accept_a_stored_speaker() -> None:
    word = Word.from_dict({"start": 1, "end": 2, "word": "hi", "probability": 0.5, "speaker": "Speaker 2"})
    assert word == Word(1.0, 2.0, "hi", 0.5, "Speaker 2")
    assert Word.from_dict({"start": 1, "end": 2, "word": "hi"}).probability == 1.0


def test_srt_round_trip_with_names() -> None:
    transcript = _sample()
    srt = to_srt(transcript)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,450\nAna <host> & co: Hello and welcome.\n")
    names = [s.display_name for s in transcript.speakers]
    cues = parse_srt(srt, speaker_names=names)
    assert cues == split_cues(transcript)
    assert [c.speaker for c in cues] == ["Ana <host> & co", "Speaker 2", "Speaker 2", "Ana <host> & co"]


def test_vtt_round_trip_with_voice_spans() -> None:
    transcript = _sample()
    vtt = to_vtt(transcript)
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.450\n<v Ana &lt;host&gt; &amp; co>Hello and welcome.\n")
    assert "<v Speaker 2>Thanks, glad to be here." in vtt
    assert parse_vtt(vtt) == split_cues(transcript)


def test_renamed_speakers_flow_into_every_export() -> None:
    renamed = _sample().with_speaker_names({"Speaker 2": "Raj", "Speaker 9": "nobody"})
    assert [s.display_name for s in renamed.speakers] == ["Ana <host> & co", "Raj"]
    assert "Raj: Thanks, glad to be here." in to_srt(renamed)
    assert "<v Raj>Thanks" in to_vtt(renamed)
    assert "[0:02] Raj: Thanks, glad to be here. So, where do we start?" in to_txt(renamed)
    assert renamed.to_dict()["speakers"][1] == {"label": "Speaker 2", "name": "Raj"}
    assert renamed.segments[1].speaker == "Speaker 2"  # segments keep the stable label
    back = renamed.with_speaker_names({"Speaker 2": None})
    assert "Speaker 2: Thanks" in to_srt(back)


def test_txt_groups_speaker_turns() -> None:
    text = to_txt(_sample())
    assert text == (
        "[0:00] Ana <host> & co: Hello and welcome.\n\n"
        "[0:02] Speaker 2: Thanks, glad to be here. So, where do we start?\n\n"
        "[1:00:00] Ana <host> & co: Goodbye everyone.\n"
    )
    # Round trip: the paragraphs give back the turns.
    turns = speaker_turns(_sample())
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) == len(turns)
    for paragraph, turn in zip(paragraphs, turns, strict=True):
        clock, _, rest = paragraph.partition("] ")
        speaker, _, body = rest.partition(": ")
        assert (clock[1:], speaker, body) == (format_clock(turn.start), turn.speaker, turn.text)


def test_exports_without_speakers() -> None:
    plain = Transcript(duration=4.0, language="en", segments=(_segment(0.0, "Just one voice.", None),))
    assert to_srt(plain) == "1\n00:00:00,000 --> 00:00:01,450\nJust one voice.\n"
    assert to_vtt(plain) == "WEBVTT\n\n00:00:00.000 --> 00:00:01.450\nJust one voice.\n"
    assert to_txt(plain) == "[0:00] Just one voice.\n"
    empty = Transcript(duration=0.0, language=None)
    assert (to_srt(empty), to_vtt(empty), to_txt(empty)) == ("", "WEBVTT\n", "")
    assert Transcript.from_dict(empty.to_dict()) == empty


def test_long_segments_are_split_into_cues_at_word_times() -> None:
    text = " ".join(f"word{i}" for i in range(40))
    transcript = Transcript(60.0, "en", (Speaker("Speaker 1"),), (_segment(0.0, text, "Speaker 1"),))
    cues = split_cues(transcript, max_chars=84, max_duration=7.0)
    assert len(cues) > 2
    assert " ".join(c.text for c in cues) == text
    for a, b in itertools.pairwise(cues):
        assert a.end <= b.start
    assert all(len(c.text) <= 84 and c.end - c.start <= 7.0 for c in cues)
    assert cues[0].start == 0.0 and cues[-1].end == transcript.segments[0].end


def test_vtt_text_is_escaped_and_kept_on_one_line() -> None:
    transcript = Transcript(2.0, "en", (), (Segment(0.0, 1.0, "a < b --> c\nd & e", None, ()),))
    vtt = to_vtt(transcript)
    assert "a &lt; b --&gt; c d &amp; e" in vtt
    assert parse_vtt(vtt) == [Cue(0.0, 1.0, "a < b --> c d & e", None)]
