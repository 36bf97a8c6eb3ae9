"""Speaker detection on generated three-voice speech, and its pure parts as tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.speech import speakers as sp
from spaceclip.services.speech.transcribe import load_audio
from spaceclip.services.speech.transcript import Segment, Transcript, Word
from tests.speech import AnalyzedConversation, speaker_accuracy

MIN_SPEAKER_ACCURACY = 0.90


def test_finds_three_speakers_named_in_order(three_speaker_analysis: AnalyzedConversation) -> None:
    transcript = three_speaker_analysis.transcript
    assert [s.label for s in transcript.speakers] == ["Speaker 1", "Speaker 2", "Speaker 3"]
    assert all(s.name is None for s in transcript.speakers)
    assert transcript.segments[0].speaker == "Speaker 1"
    used = {seg.speaker for seg in transcript.segments}
    assert used == {"Speaker 1", "Speaker 2", "Speaker 3"}


def test_voice_turns_are_kept_under_the_speakers_labels(three_speaker_analysis: AnalyzedConversation) -> None:
    conv, transcript = three_speaker_analysis.conversation, three_speaker_analysis.transcript
    turns = transcript.turns
    assert turns and {t.speaker for t in turns} == {s.label for s in transcript.speakers}
    assert all(t.end > t.start for t in turns) and [t.start for t in turns] == sorted(t.start for t in turns)
    # They follow the voices: mapped to the true speakers the words were, they agree with the truth
    # at most instants of speech (10 ms steps).
    _, mapping = speaker_accuracy(conv.turns, list(transcript.words))
    said = right = 0
    for step in range(round(conv.turns[-1].end * 100)):
        t = step / 100
        truth = {x.speaker for x in conv.turns if x.start <= t < x.end}
        heard = {mapping.get(v.speaker) for v in turns if v.start <= t < v.end}
        if truth:
            said += 1
            right += bool(heard) and heard <= truth
    assert right / said >= 0.9, f"{right}/{said}"


def test_words_go_to_the_right_speaker(three_speaker_analysis: AnalyzedConversation) -> None:
    conv, transcript = three_speaker_analysis.conversation, three_speaker_analysis.transcript
    accuracy, mapping = speaker_accuracy(conv.turns, list(transcript.words))
    print(f"speaker accuracy {accuracy:.3f}, mapping {mapping}")
    assert accuracy >= MIN_SPEAKER_ACCURACY
    # Speaker 1..n in order of first appearance: the host opens the show.
    assert mapping["Speaker 1"] == conv.turns[0].speaker


def test_segments_are_split_at_speaker_changes(three_speaker_analysis: AnalyzedConversation) -> None:
    conv, transcript = three_speaker_analysis.conversation, three_speaker_analysis.transcript
    changes = sum(
        1 for a, b in zip(transcript.segments, transcript.segments[1:], strict=False) if a.speaker != b.speaker
    )
    true_changes = sum(1 for a, b in zip(conv.turns, conv.turns[1:], strict=False) if a.speaker != b.speaker)
    assert abs(changes - true_changes) <= 2


def test_speaker_count_hint_is_obeyed(three_speaker_analysis: AnalyzedConversation) -> None:
    samples = load_audio(three_speaker_analysis.conversation.wav)
    relabelled = sp.assign_speakers(three_speaker_analysis.transcript, samples, num_speakers=2)
    assert len(relabelled.speakers) == 2
    assert {s.speaker for s in relabelled.segments} == {"Speaker 1", "Speaker 2"}


def test_one_voice_is_one_speaker(three_speaker_analysis: AnalyzedConversation) -> None:
    transcript = three_speaker_analysis.transcript
    host_segments = tuple(s for s in transcript.segments if s.speaker == "Speaker 1")
    host_only = replace(transcript, speakers=(), segments=host_segments)
    samples = load_audio(three_speaker_analysis.conversation.wav)
    relabelled = sp.assign_speakers(host_only, samples)
    assert [s.label for s in relabelled.speakers] == ["Speaker 1"]


def test_no_words_no_speakers() -> None:
    empty = Transcript(duration=3.0, language="en")
    assert sp.assign_speakers(empty, np.zeros(48000, dtype=np.float32)).speakers == ()


def test_encoder_loads_once() -> None:
    assert sp.load_encoder() is sp.load_encoder()


def test_mel_spectrogram_matches_resemblyzer() -> None:
    from resemblyzer.audio import wav_to_mel_spectrogram

    rng = np.random.default_rng(7)
    t = np.arange(16000 * 2) / 16000
    wav = (0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
    ours, theirs = sp.mel_spectrogram(wav), wav_to_mel_spectrogram(wav)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, rtol=1e-3, atol=1e-4)


def _w(start: float, end: float, text: str = "w", speaker: str | None = None) -> Word:
    return Word(start=start, end=end, word=text, probability=0.9, speaker=speaker)


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], []),
        ([(0.05, 0.5)], [(0.0, 0.6)]),  # padded by 0.1 s, never before 0
        ([(1.0, 1.5), (1.6, 2.0)], [(0.9, 2.1)]),  # 0.1 s apart: one region
        ([(1.0, 1.5), (2.1, 2.5)], [(0.9, 1.6), (2.0, 2.6)]),  # 0.4 s between the pads: two
        ([(3.0, 3.2), (1.0, 1.2)], [(0.9, 1.3), (2.9, 3.3)]),  # order does not matter
    ],
)
def test_word_regions(spans: list[tuple[float, float]], expected: list[tuple[float, float]]) -> None:
    assert sp.word_regions([_w(s, e) for s, e in spans]) == expected


@pytest.mark.parametrize(
    ("regions", "gap", "expected"),
    [
        ([], 0.0, []),
        ([(2.0, 3.0), (0.0, 1.0)], 0.0, [(0.0, 1.0), (2.0, 3.0)]),
        ([(0.0, 1.0), (0.5, 2.0)], 0.0, [(0.0, 2.0)]),  # overlapping
        ([(0.0, 1.0), (1.2, 2.0)], 0.3, [(0.0, 2.0)]),  # closer than the gap
        ([(0.0, 1.0), (1.4, 2.0)], 0.3, [(0.0, 1.0), (1.4, 2.0)]),
    ],
)
def test_join_regions(regions: list[tuple[float, float]], gap: float, expected: list[tuple[float, float]]) -> None:
    assert sp.join_regions(regions, gap=gap) == expected


@pytest.mark.parametrize(
    ("frames", "path", "expected"),
    [
        ([], [], []),
        ([(0.0, 0.1), (0.1, 0.2), (0.2, 0.3)], [5, 5, 2], [(0.0, 0.2, 0), (0.2, 0.3, 1)]),  # renumbered
        ([(0.0, 0.1), (0.5, 0.6)], [1, 1], [(0.0, 0.1, 0), (0.5, 0.6, 0)]),  # a gap splits a turn
        ([(0.0, 0.1), (0.1, 0.2), (0.2, 0.3)], [0, 1, 0], [(0.0, 0.1, 0), (0.1, 0.2, 1), (0.2, 0.3, 0)]),
    ],
)
def test_turns_of(frames: list[tuple[float, float]], path: list[int], expected: list[tuple[float, float, int]]) -> None:
    starts = np.array([f[0] for f in frames], dtype=np.float64)
    ends = np.array([f[1] for f in frames], dtype=np.float64)
    turns = sp.turns_of(starts, ends, np.array(path, dtype=np.int64))
    assert [(t.start, t.end, t.speaker) for t in turns] == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ((0.2, 0.4), 0),  # inside a turn
        ((0.9, 1.3), 1),  # mostly in the second turn
        ((0.7, 1.05), 0),  # mostly in the first
        ((3.0, 3.2), 1),  # in no turn: the nearest one
        ((-0.5, -0.2), 0),
    ],
)
def test_word_speakers(word: tuple[float, float], expected: int) -> None:
    turns = [sp.SpeakerTurn(0.0, 1.0, 0), sp.SpeakerTurn(1.0, 2.0, 1)]
    assert sp.word_speakers([_w(*word)], turns) == [expected]


def test_word_speakers_without_turns() -> None:
    assert sp.word_speakers([_w(0, 1), _w(1, 2)], []) == [0, 0]


def test_apply_turns_names_speakers_by_first_word() -> None:
    words = (_w(0.0, 0.5, "a"), _w(0.6, 1.0, "b"), _w(1.2, 1.6, "c"), _w(2.0, 2.4, "d"))
    transcript = Transcript(duration=3.0, language="en", segments=(Segment(0.0, 2.4, "a b c d", None, words),))
    turns = [sp.SpeakerTurn(0.0, 1.1, 1), sp.SpeakerTurn(1.1, 1.9, 0), sp.SpeakerTurn(1.9, 2.5, 1)]
    out = sp.apply_turns(transcript, turns)
    assert [s.label for s in out.speakers] == ["Speaker 1", "Speaker 2"]
    assert [(s.text, s.speaker) for s in out.segments] == [
        ("a b", "Speaker 1"),
        ("c", "Speaker 2"),
        ("d", "Speaker 1"),
    ]
    assert [(t.start, t.end, t.speaker) for t in out.turns] == [
        (0.0, 1.1, "Speaker 1"),
        (1.1, 1.9, "Speaker 2"),
        (1.9, 2.5, "Speaker 1"),
    ]


def test_apply_turns_leaves_out_a_voice_no_word_was_given() -> None:
    words = (_w(0.0, 0.5, "a"), _w(0.6, 1.0, "b"))
    transcript = Transcript(duration=3.0, language="en", segments=(Segment(0.0, 1.0, "a b", None, words),))
    turns = [sp.SpeakerTurn(0.0, 1.05, 0), sp.SpeakerTurn(1.5, 1.7, 1)]  # 1: a cough, no words
    out = sp.apply_turns(transcript, turns)
    assert [(t.start, t.end, t.speaker) for t in out.turns] == [(0.0, 1.05, "Speaker 1")]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (1.0, 1.8, [(1.0, 1.8)]),  # shorter than a window: the region itself
        (1.0, 1.1, [(0.8, 1.3)]),  # very short: widened to 0.5 s around its middle
        (0.05, 0.1, [(0.0, 0.325)]),  # never before 0
        (0.0, 1.0, [(0.0, 1.0)]),
        (0.0, 1.2, [(0.0, 1.0), (0.2, 1.2)]),
        (10.0, 11.7, [(10.0, 11.0), (10.4, 11.4), (10.7, 11.7)]),  # the last ends at the end
    ],
)
def test_window_spans(start: float, end: float, expected: list[tuple[float, float]]) -> None:
    spans = sp.window_spans(start, end, window=1.0, hop=0.4)
    assert len(spans) == len(expected)
    assert np.allclose(np.array(spans), np.array(expected))


def test_split_segments_at_speaker_changes() -> None:
    words = (_w(0, 1, "a"), _w(1, 2, "b"), _w(2, 3, "c"), _w(3, 4, "d"))
    segments = [Segment(0, 4, "a b c d", None, words), Segment(5, 6, "(music)", None, ())]
    out = sp.split_segments(segments, ["Speaker 1", "Speaker 1", "Speaker 2", "Speaker 2"])
    assert [(s.start, s.end, s.text, s.speaker) for s in out] == [
        (0, 2, "a b", "Speaker 1"),
        (2, 4, "c d", "Speaker 2"),
        (5, 6, "(music)", "Speaker 2"),
    ]
    assert [w.speaker for s in out for w in s.words] == ["Speaker 1", "Speaker 1", "Speaker 2", "Speaker 2"]
    whole = sp.split_segments(segments[:1], ["Speaker 3"] * 4)
    assert whole[0].text == "a b c d" and whole[0].speaker == "Speaker 3"


@pytest.mark.parametrize(
    ("counts", "most", "expected"),
    [
        ([5, 5, 5], 20, [0, 1, 2]),  # all fit
        ([10] * 10, 50, [1, 3, 5, 7, 9]),  # every other region, spread over the recording
        ([10] * 9 + [40], 40, [3, 6]),  # never more than asked
        ([100], 50, [0]),  # one region too long: still clustered
        ([], 10, []),
    ],
)
def test_spread_regions(counts: list[int], most: int, expected: list[int]) -> None:
    picked = sp.spread_regions(counts, most)
    assert picked == expected
    assert sum(counts[i] for i in picked) <= max(most, max(counts, default=0))


def test_a_long_recording_clusters_a_sample(
    three_speaker_analysis: AnalyzedConversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the conversation were hours long: only some regions are clustered, the rest follow.
    monkeypatch.setattr(sp, "MAX_CLUSTERED", 150)
    conv = three_speaker_analysis.conversation
    relabelled = sp.assign_speakers(three_speaker_analysis.transcript, load_audio(conv.wav))
    accuracy, _mapping = speaker_accuracy(conv.turns, list(relabelled.words))
    assert len(relabelled.speakers) == 3
    assert accuracy >= MIN_SPEAKER_ACCURACY


def test_a_few_seconds_of_one_voice_are_one_speaker(tmp_path: Path) -> None:
    """A 3 s sentence makes too few windows for the silhouette: one speaker without a hint, the
    hint still obeyed."""
    import subprocess

    from spaceclip.config import Settings
    from spaceclip.services.speech.transcribe import transcribe

    wav = tmp_path / "hello.wav"
    text = "Welcome to the show. Today we talk about small business."
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True, timeout=60)
    settings = Settings(data_dir=tmp_path / "data", whisper_model="tiny.en", whisper_language=None, _env_file=None)  # type: ignore[call-arg]
    transcript = transcribe(wav, settings)
    samples = load_audio(wav)
    assert [s.label for s in sp.assign_speakers(transcript, samples).speakers] == ["Speaker 1"]
    assert len(sp.assign_speakers(transcript, samples, num_speakers=2).speakers) == 2
