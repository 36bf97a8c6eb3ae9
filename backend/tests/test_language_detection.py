"""Language detection over windows spread across the recording: where it listens (a table), the real
multilingual ``base`` on generated non-English speech, and a long music-like intro before German."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.services.speech import chunks
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech import whisper_models as wm
from spaceclip.services.speech.audio import ArrayAudio, WavAudio
from tests.languages import normalize_text, speak, tone
from tests.test_whisper_models import _settings

# Languages that base detects with probability above 0.9 on the espeak-ng paragraphs
# (benchmarks/bench_models.py prints all of them; Portuguese, Dutch, Russian and Swedish in espeak-ng's
# robotic voices are mistaken for Latin or Polish).
DETECTED = ("de", "fr", "es", "it", "pl", "cs")


@pytest.mark.parametrize(
    ("duration", "count", "window", "expected"),
    [
        (0.0, 5, 45.0, []),
        (6.0, 5, 45.0, [(0.0, 6.0)]),  # a short clip: all of it
        (45.0, 5, 45.0, [(0.0, 45.0)]),
        (70.0, 5, 45.0, [(0.0, 45.0), (25.0, 70.0)]),  # the second window is past a 40 s intro
        (135.0, 5, 45.0, [(0.0, 45.0), (45.0, 90.0), (90.0, 135.0)]),
        (3600.0, 5, 45.0, [(0.0, 45.0), (888.75, 933.75), (1777.5, 1822.5), (2666.25, 2711.25), (3555.0, 3600.0)]),
        (3600.0, 1, 45.0, [(1777.5, 1822.5)]),  # one window: the middle, not the intro
        (100.0, 3, 30.0, [(0.0, 30.0), (35.0, 65.0), (70.0, 100.0)]),
    ],
)
def test_detection_windows(duration: float, count: int, window: float, expected: list[tuple[float, float]]) -> None:
    assert tx.detection_windows(duration, count=count, window=window) == expected


@pytest.fixture(scope="module")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the multilingual base, assembled once for this module, language left to detect."""
    data = tmp_path_factory.mktemp("base-data")
    wm.install_model("base", data / "models")
    return _settings(data, whisper_model="base")


def test_base_detects_the_language_of_generated_speech(base_settings: Settings, tmp_path: Path) -> None:
    model = tx.load_model(base_settings)
    heard = {}
    for code in DETECTED:
        clip = speak(code, tmp_path)
        with WavAudio.open(clip.wav) as audio:
            guess = tx.detect_language(model, audio)
        assert guess is not None and guess.windows == 1
        heard[code] = (guess.language, guess.probability)
    assert {code: language for code, (language, _) in heard.items()} == {code: code for code in DETECTED}
    assert min(p for _, p in heard.values()) > 0.5


def test_german_after_a_long_music_like_intro(base_settings: Settings, tmp_path: Path) -> None:
    clip = speak("de", tmp_path, lead_in=tone(40.0))
    with WavAudio.open(clip.wav) as audio:
        guess = tx.detect_language(tx.load_model(base_settings), audio)
        assert guess is not None and guess.language == "de" and guess.probability > 0.5
        # A first piece of only the intro: its decoder hears no speech, yet the German piece after
        # it is decoded in German, and the transcript says so.
        plan = chunks.plan_chunks(clip.duration, [38.0])
        transcript = tx.transcribe(audio, base_settings, plan=plan)
    assert transcript.language == "de"
    heard = normalize_text(transcript.text).split()
    said = set(normalize_text(clip.text).split())
    assert np.mean([w in said for w in heard]) > 0.6


def test_nothing_to_detect(base_settings: Settings, tmp_path: Path) -> None:
    silence = ArrayAudio(np.zeros(50 * 16000, dtype=np.float32))
    assert tx.detect_language(tx.load_model(base_settings), silence) is None  # no window holds speech
    english_only = tx.load_model(_settings(tmp_path, whisper_model="tiny.en"))
    assert tx.detect_language(english_only, silence) is None
