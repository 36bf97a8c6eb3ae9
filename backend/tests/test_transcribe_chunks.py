"""Transcription a piece at a time: where the cuts go, how the pieces join (tables), reading audio
windows from disk, and the real model across seams forced into the middle of speech."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.services.speech import chunks
from spaceclip.services.speech import speakers as sp
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech.audio import ArrayAudio, WavAudio, is_plain_wav, mean_square
from spaceclip.services.speech.chunks import Chunk
from spaceclip.services.speech.transcript import Segment, Word
from tests.seams import check_seam
from tests.speech import Conversation, word_error_rate

# --- where the cuts go ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "chunk_s", "expected"),
    [
        (100.0, 300.0, []),  # fits in one piece
        (300.0, 300.0, []),
        (301.0, 300.0, [150.5]),  # just over: two equal pieces, not 300 + 1
        (900.0, 300.0, [300.0, 600.0]),
        (1000.0, 300.0, [250.0, 500.0, 750.0]),
        (14400.0, 300.0, [300.0 * k for k in range(1, 48)]),  # four hours: 48 pieces
    ],
)
def test_planned_cuts(duration: float, chunk_s: float, expected: list[float]) -> None:
    assert chunks.planned_cuts(duration, chunk_s) == pytest.approx(expected)


def _levels(*spans: tuple[int, float]) -> np.ndarray:
    """A level profile from (frame count, dB) runs."""
    return np.concatenate([np.full(n, db) for n, db in spans])


# (profile, offset, planned) -> cut. Frames are 20 ms; speech at -20 dB, pauses at -70 dB.
@pytest.mark.parametrize(
    ("levels", "offset", "planned", "expected"),
    [
        (_levels((50, -20), (10, -70), (50, -20)), 0.0, 0.5, 1.1),  # the one pause, wherever planned
        (_levels((50, -20), (10, -70), (50, -20)), 100.0, 101.0, 101.1),  # in seconds of the file
        (_levels((10, -20), (5, -70), (30, -20), (20, -70), (10, -20)), 0.0, 0.1, 1.1),  # the longest pause
        (_levels((10, -70), (30, -20), (10, -70)), 0.0, 0.7, 0.9),  # equal pauses: the nearest
        (_levels((10, -70), (30, -20), (10, -70)), 0.0, 0.1, 0.1),
        (_levels((20, -20), (10, -64), (20, -20)), 0.0, 0.0, 0.5),  # quiet is relative to the quietest
        (_levels((40, -20), (4, -120), (40, -20)), 0.0, 0.0, 0.84),  # digital silence
        (np.zeros(0), 10.0, 12.5, 12.5),  # nothing read: the plan stands
    ],
)
def test_quietest_point(levels: np.ndarray, offset: float, planned: float, expected: float) -> None:
    assert chunks.quietest_point(levels, offset, planned) == pytest.approx(expected)


def test_frame_levels_are_db_of_each_frame() -> None:
    samples = np.concatenate([np.full(320, 0.1, dtype=np.float32), np.zeros(320, dtype=np.float32), np.ones(100)])
    assert chunks.frame_levels(samples) == pytest.approx([-20.0, -120.0])  # the 100 left over: no frame


@pytest.mark.parametrize(
    ("duration", "cuts", "overlap", "expected"),
    [
        (100.0, [], 1.5, [Chunk(0.0, 100.0, 0.0, 100.0)]),
        (
            700.0,
            [301.2, 598.0],
            1.5,
            [Chunk(0.0, 302.7, 0.0, 301.2), Chunk(299.7, 599.5, 301.2, 598.0), Chunk(596.5, 700.0, 598.0, 700.0)],
        ),
        (10.0, [9.5], 1.0, [Chunk(0.0, 10.0, 0.0, 9.5), Chunk(8.5, 10.0, 9.5, 10.0)]),  # clipped to the audio
    ],
)
def test_plan_chunks(duration: float, cuts: list[float], overlap: float, expected: list[Chunk]) -> None:
    assert chunks.plan_chunks(duration, cuts, overlap=overlap) == expected


# --- joining the pieces -----------------------------------------------------------------------------


def _seg(*words: tuple[str, float, float]) -> Segment:
    ws = tuple(Word(start=s, end=e, word=w, probability=0.9) for w, s, e in words)
    return Segment(start=ws[0].start, end=ws[-1].end, text=" ".join(w.word for w in ws), words=ws)


def _joined(left: list[Segment], right: list[Segment], cut: float) -> list[tuple[str, float, float]]:
    kept_left, kept_right = chunks.merge_seam(left, right, cut)
    return [(w.word, w.start, w.end) for s in (*kept_left, *kept_right) for w in s.words]


# (left piece, right piece, cut) -> the joined words. The pieces overlap around the cut at 10.0.
@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # A cut in a pause: each side keeps its own words, the edge fragments go.
        (
            [_seg(("one", 8.0, 8.4), ("two", 8.5, 9.0)), _seg(("thr", 11.0, 11.4))],
            [_seg(("wo", 8.9, 9.0)), _seg(("three", 11.0, 11.5), ("four", 11.6, 12.0))],
            [("one", 8.0, 8.4), ("two", 8.5, 9.0), ("three", 11.0, 11.5), ("four", 11.6, 12.0)],
        ),
        # A word across the cut, timed alike by both: the side of its middle keeps it, once.
        (
            [_seg(("across", 9.7, 10.5))],
            [_seg(("across", 9.72, 10.48), ("next", 10.6, 11.0))],
            [("across", 9.72, 10.48), ("next", 10.6, 11.0)],
        ),
        (
            [_seg(("before", 9.0, 9.5), ("across", 9.6, 10.2))],
            [_seg(("across", 9.62, 10.22), ("after", 10.3, 10.8))],
            [("before", 9.0, 9.5), ("across", 9.6, 10.2), ("after", 10.3, 10.8)],
        ),
        # Timed differently: the middles fall on opposite sides, yet there is one word.
        (
            [_seg(("across", 9.5, 10.1))],  # middle 9.8: left keeps it
            [_seg(("across", 9.7, 10.5), ("after", 10.6, 11.0))],  # middle 10.1: right would too
            [("across", 9.5, 10.1), ("after", 10.6, 11.0)],
        ),
        (
            [_seg(("before", 9.0, 9.5), ("across", 9.8, 10.5))],  # middle 10.15: left drops it
            [_seg(("across", 9.6, 10.3), ("after", 10.6, 11.0))],  # middle 9.95: right would too
            [("before", 9.0, 9.5), ("across", 9.8, 10.5), ("after", 10.6, 11.0)],
        ),
        # Heard by one side only: kept on its own side, dropped on the other (an edge fragment).
        (
            [_seg(("left", 9.2, 9.6))],
            [_seg(("right", 10.4, 10.8))],
            [("left", 9.2, 9.6), ("right", 10.4, 10.8)],
        ),
        ([_seg(("late", 10.3, 10.6))], [_seg(("x", 12.0, 12.3))], [("x", 12.0, 12.3)]),
        # Kept words that still overlap a little meet in the middle of the overlap.
        (
            [_seg(("a", 9.2, 9.9))],
            [_seg(("b", 9.8, 10.6))],
            [("a", 9.2, 9.85), ("b", 9.85, 10.6)],
        ),
        # An empty side.
        ([], [_seg(("only", 10.5, 11.0))], [("only", 10.5, 11.0)]),
        ([_seg(("only", 9.0, 9.5))], [], [("only", 9.0, 9.5)]),
    ],
)
def test_merge_seam(left: list[Segment], right: list[Segment], expected: list[tuple[str, float, float]]) -> None:
    joined = _joined(left, right, 10.0)
    assert joined == [(w, pytest.approx(s), pytest.approx(e)) for w, s, e in expected]
    for a, b in itertools.pairwise(joined):
        assert a[1] <= a[2] <= b[1] + 1e-9


def test_merge_seam_rebuilds_cut_segments_and_keeps_whole_ones() -> None:
    whole = _seg(("kept", 5.0, 5.5), ("too", 5.6, 6.0))
    cut_one = _seg(("in", 9.0, 9.4), ("out", 10.2, 10.6))
    wordless_left = Segment(start=9.0, end=9.6, text="[music]")
    wordless_right = Segment(start=9.9, end=10.4, text="[applause]")
    left, right = chunks.merge_seam([whole, cut_one, wordless_left], [wordless_right, _seg(("out", 10.2, 10.6))], 10.0)
    assert left[0] is whole
    assert left[1] == Segment(start=9.0, end=9.4, text="in", words=cut_one.words[:1])
    assert left[2] is wordless_left  # its middle is before the cut
    assert [s.text for s in right] == ["[applause]", "out"]


# (left regions, right regions, cut) -> joined regions.
@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ([(1.0, 3.0), (8.0, 9.0)], [(11.0, 12.0)], [(1.0, 3.0), (8.0, 9.0), (11.0, 12.0)]),
        ([(8.0, 9.0), (10.5, 11.5)], [(8.5, 9.0), (10.5, 12.0)], [(8.0, 9.0), (10.5, 12.0)]),  # the right's after
        ([(9.0, 11.5)], [(8.5, 12.5)], [(8.5, 12.5)]),  # a region across the cut, clipped by the left's edge
        ([], [(9.0, 9.5), (10.1, 11.0)], [(10.1, 11.0)]),
    ],
)
def test_join_regions(
    left: list[tuple[float, float]], right: list[tuple[float, float]], expected: list[tuple[float, float]]
) -> None:
    assert chunks.join_regions(left, right, 10.0) == expected


# --- audio windows from disk ------------------------------------------------------------------------


def _write_wav(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def test_wav_windows_match_the_whole_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    wav = _write_wav(tmp_path / "noise.wav", 0.2 * rng.standard_normal(16000 * 3))
    whole = tx.load_audio(wav)
    with WavAudio.open(wav) as audio:
        assert audio.frames == whole.size
        assert np.array_equal(audio.read(1000, 21000), whole[1000:21000])
        assert np.array_equal(audio.read(-50, 10), whole[:10])  # clipped to the audio
        assert audio.read(whole.size - 5, whole.size + 100).size == 5
        assert audio.read(whole.size + 1, whole.size + 9).size == 0
        assert mean_square(audio) == pytest.approx(float(np.mean(np.square(whole, dtype=np.float64))))


def test_only_16k_mono_pcm_is_read_from_disk(tmp_path: Path) -> None:
    assert is_plain_wav(_write_wav(tmp_path / "ok.wav", np.zeros(160)))
    assert not is_plain_wav(_write_wav(tmp_path / "fast.wav", np.zeros(160), rate=44100))
    assert not is_plain_wav(_write_wav(tmp_path / "stereo.wav", np.zeros(320), channels=2))
    (tmp_path / "junk.wav").write_bytes(b"RIFF....WAVEjunk")
    assert not is_plain_wav(tmp_path / "junk.wav")


@pytest.mark.parametrize(("first", "stop"), [(0, 40), (7, 151), (250, 301)])
def test_mel_frames_of_a_block_are_those_of_the_whole(first: int, stop: int) -> None:
    rng = np.random.default_rng(11)
    samples = (0.1 * rng.standard_normal(16000 * 3)).astype(np.float32)
    whole = sp.mel_spectrogram(samples)
    assert len(whole) == 301
    block = sp.mel_frames(ArrayAudio(samples), first, stop)
    assert np.allclose(block, whole[first:stop], rtol=1e-4, atol=1e-6)


# --- the real model across seams --------------------------------------------------------------------

MAX_SEAM_ERRORS = 1  # per seam: words doubled, lost or misheard within 2 s of it


def _mid_turn_plan(conv: Conversation, every_s: float) -> list[Chunk]:
    """Cuts every ``every_s`` seconds moved into the middle of the turn there (inside speech)."""
    cuts: list[float] = []
    t = every_s
    while t < conv.duration - every_s / 2:
        turn = min(conv.turns, key=lambda u: abs((u.start + u.end) / 2 - t))
        cuts.append(round((turn.start + turn.end) / 2, 3))
        t += every_s
    return chunks.plan_chunks(conv.duration, sorted(set(cuts)))


def test_words_at_seams_in_mid_speech_are_neither_lost_nor_doubled(
    three_speaker_conversation: Conversation, tmp_path: Path
) -> None:
    conv = three_speaker_conversation
    settings = Settings(data_dir=tmp_path / "data", whisper_model="tiny.en", _env_file=None)
    plan = _mid_turn_plan(conv, 25.0)
    assert len(plan) >= 5
    progress: list[float] = []
    transcript = tx.transcribe(conv.wav, settings, plan=plan, progress=progress.append)
    words = list(transcript.words)
    for a, b in itertools.pairwise(words):
        assert a.start <= a.end <= b.start + 1e-6
    checks = [check_seam(conv.turns, words, c.keep_from) for c in plan[1:]]
    for check in checks:
        print(f"seam {check.cut:.1f} s: {check.errors} errors in {check.words} words")
        print(f"  ref {' '.join(check.reference)}\n  got {' '.join(check.heard)}")
    assert [c.cut for c in checks if c.errors > MAX_SEAM_ERRORS] == []
    reference = " ".join(t.text for t in conv.turns)
    assert word_error_rate(reference, transcript.text) <= 0.12
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_planned_pieces_cut_in_pauses(three_speaker_conversation: Conversation) -> None:
    conv = three_speaker_conversation
    with WavAudio.open(conv.wav) as audio:
        plan = tx.chunk_plan(audio, chunk_s=30.0)
    assert len(plan) == int(np.ceil(conv.duration / 30.0))
    assert plan[0].start == 0.0 and plan[-1].end == pytest.approx(conv.duration, abs=1e-3)
    for chunk in plan[1:]:
        inside = [t for t in conv.turns if t.start + 0.05 < chunk.keep_from < t.end - 0.05]
        assert inside == [], f"cut at {chunk.keep_from} s is inside a turn"
