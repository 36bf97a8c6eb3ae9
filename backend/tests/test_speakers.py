"""Speaker detection on generated three-voice speech, and its pure parts as tables."""

from __future__ import annotations

from dataclasses import replace

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
        ([(0.0, 0.5)], [(0, 0, 0.0, 0.5)]),
        ([(0.0, 0.5), (0.6, 1.0)], [(0, 1, 0.0, 1.0)]),  # 0.1 s gap: one run
        ([(0.0, 0.5), (0.75, 1.0)], [(0, 0, 0.0, 0.5), (1, 1, 0.75, 1.0)]),  # 0.25 s: a pause
        ([(0.0, 0.5), (0.5, 1.0), (2.0, 2.2), (2.3, 2.4)], [(0, 1, 0.0, 1.0), (2, 3, 2.0, 2.4)]),
    ],
)
def test_speech_runs(spans: list[tuple[float, float]], expected: list[tuple[int, int, float, float]]) -> None:
    runs = sp.speech_runs([_w(s, e) for s, e in spans])
    assert [(r.first, r.last, r.start, r.end) for r in runs] == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (1.0, 2.0, [(1.0, 2.0)]),  # shorter than a window: the run itself
        (1.0, 1.1, [(0.9, 1.2)]),  # very short: widened to 0.3 s around its middle
        (0.05, 0.1, [(0.0, 0.225)]),  # never before 0
        (0.0, 1.6, [(0.0, 1.6)]),
        (0.0, 2.0, [(0.0, 1.6), (0.4, 2.0)]),
        (10.0, 12.2, [(10.0, 11.6), (10.4, 12.0), (10.6, 12.2)]),  # the last window ends at the end
    ],
)
def test_window_spans(start: float, end: float, expected: list[tuple[float, float]]) -> None:
    spans = sp.window_spans(start, end)
    assert len(spans) == len(expected)
    assert np.allclose(np.array(spans), np.array(expected))


@pytest.mark.parametrize(
    ("labels", "runs", "expected"),
    [
        ([0, 0, 1, 0, 0], [(0, 4)], [0, 0, 0, 0, 0]),  # one-word flip inside a run
        ([0, 0, 0, 1, 1, 1], [(0, 5)], [0, 0, 0, 1, 1, 1]),  # real change, 3 words each side
        ([0, 0, 0, 0, 1, 1], [(0, 5)], [0, 0, 0, 0, 0, 0]),  # 2-word tail joins its run
        ([0, 0, 1, 1], [(0, 1), (2, 3)], [0, 0, 1, 1]),  # short runs are left alone
        ([1, 0, 0, 0, 2, 0, 0, 0], [(0, 7)], [0, 0, 0, 0, 0, 0, 0, 0]),
        ([0, 1, 0, 1], [(0, 3)], [1, 1, 1, 1]),  # all short: settles on one label
    ],
)
def test_smooth_labels(labels: list[int], runs: list[tuple[int, int]], expected: list[int]) -> None:
    run_objs = [sp.Run(a, b, float(a), float(b)) for a, b in runs]
    assert sp.smooth_labels(labels, run_objs) == expected


def _blobs(sizes: list[int], spread: float = 0.05, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.abs(rng.standard_normal((len(sizes), 256)))
    points, truth = [], []
    for k, n in enumerate(sizes):
        points.append(np.abs(centres[k] + spread * rng.standard_normal((n, 256)) * np.linalg.norm(centres[k])))
        truth += [k] * n
    embeddings = np.concatenate(points)
    return embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True), np.array(truth)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len({(int(x), int(y)) for x, y in zip(a, b, strict=True)}) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("sizes", [[40], [30, 20], [25, 25, 10], [10, 10, 10, 10, 10]])
def test_cluster_count_is_found(sizes: list[int]) -> None:
    embeddings, truth = _blobs(sizes)
    labels = sp.cluster_embeddings(embeddings)
    assert _same_partition(labels, truth)


def test_cluster_hint_and_tiny_clusters() -> None:
    embeddings, _truth = _blobs([30, 30, 1])
    assert sp.cluster_embeddings(embeddings).max() + 1 == 2  # a lone window is no speaker
    assert sp.cluster_embeddings(embeddings, num_speakers=3).max() + 1 == 3
    assert sp.cluster_embeddings(embeddings, num_speakers=1).tolist() == [0] * 61
    assert sp.cluster_embeddings(embeddings[:1]).tolist() == [0]
    assert sp.cluster_embeddings(np.zeros((0, 256))).tolist() == []


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
