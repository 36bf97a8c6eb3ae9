"""The filler prompt as a setting (``SPACECLIP_FILLER_PROMPT``): off by default, read from the
environment, and used by the transcription the analyze job and the CLI run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.services.speech.transcribe import transcribe_with_speakers
from tests.conversations import _write_wav
from tests.speech import synthesize

LINES = (
    "Um, I think the, uh, the main thing is pricing.",
    "So, uh, we tried that last year and, um, it did not work.",
    "Hmm, that is a good question. Um, let me think.",
    "Uh, and then the bank said no, so, um, we waited.",
)
# flite's slt is heard saying "um" without the prompt; these voices mostly are not (bench_fillers).
VOICES = ("flite:rms", "espeak-ng:en-us", "flite:awb", "flite:kal16")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("true", True), ("1", True), ("false", False), ("0", False)],
)
def test_filler_prompt_setting(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool) -> None:
    if value is None:
        monkeypatch.delenv("SPACECLIP_FILLER_PROMPT", raising=False)
    else:
        monkeypatch.setenv("SPACECLIP_FILLER_PROMPT", value)
    assert Settings(_env_file=None).filler_prompt is expected  # type: ignore[call-arg]


def test_the_setting_reaches_whisper(tmp_path: Path) -> None:
    pieces = []
    for i, line in enumerate(LINES):
        speech = synthesize(VOICES[i % len(VOICES)], line, tmp_path, i).astype(np.float32) / 32768
        pieces += [speech, np.zeros(8000, np.float32)]
    wav = tmp_path / "fillers.wav"
    _write_wav(wav, np.concatenate(pieces))
    flagged = {}
    for prompt in (False, True):
        settings = Settings(data_dir=tmp_path / "data", whisper_model="tiny.en", filler_prompt=prompt, _env_file=None)
        transcript = transcribe_with_speakers(wav, settings, num_speakers=1)
        flagged[prompt] = [w.word for w in transcript.words if w.filler]
    assert len(flagged[True]) > len(flagged[False]), flagged
