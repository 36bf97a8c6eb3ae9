"""The one-channel test conversations: truth that matches the audio, one channel, overlap, effects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.media.process import ffprobe_args, run_process
from tests.conversations import RATE, MixedConversation, build_conversation, read_wav


@pytest.fixture(scope="module")
def four_voices(tmp_path_factory: pytest.TempPathFactory) -> MixedConversation:
    return build_conversation("four_voices", tmp_path_factory.mktemp("conversations"))


def _probe(path: Path) -> dict[str, str]:
    argv = ffprobe_args(path, "-show_entries", "stream=channels,sample_rate:format=duration", "-of", "json")
    result = run_process(argv, timeout_s=60)
    data = json.loads(result.stdout)
    return {**data["streams"][0], **data["format"]}


def _band_share(samples: np.ndarray, low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / RATE)
    return float(power[(freqs < low) | (freqs > high)].sum() / power.sum())


def test_one_channel_16k_as_long_as_the_truth(four_voices: MixedConversation) -> None:
    probe = _probe(four_voices.wav)
    assert int(probe["channels"]) == 1
    assert int(probe["sample_rate"]) == RATE
    assert abs(float(probe["duration"]) - four_voices.duration) < 0.01
    assert four_voices.turns[-1].end < four_voices.duration
    assert four_voices.turns[0].start > 0


def test_four_speakers_short_turns(four_voices: MixedConversation) -> None:
    assert four_voices.speakers == ["joe", "allison", "awb", "espeak"]
    lengths = [t.end - t.start for t in four_voices.turns]
    assert min(lengths) > 0.2 and max(lengths) < 3.5
    assert all(t.text for t in four_voices.turns)


def test_turns_overlap_and_truth_has_speech_under_it(four_voices: MixedConversation) -> None:
    assert four_voices.overlap_seconds() > 0.5
    dry = read_wav(four_voices.dry_wav)
    for turn in four_voices.turns:
        inside = dry[round(turn.start * RATE) : round(turn.end * RATE)]
        assert np.sqrt(np.mean(inside**2)) > 0.01
    # Before the first turn: silence.
    assert np.abs(dry[: round(four_voices.turns[0].start * RATE) - 160]).max() < 1e-3


def test_phone_band_and_room_are_applied(four_voices: MixedConversation) -> None:
    assert four_voices.effects == ("reverb", "50", "50", "70", "sinc", "300-3400")
    dry, wet = read_wav(four_voices.dry_wav), read_wav(four_voices.wav)
    # Outside the band (with room for the filter's slopes) the energy is gone.
    assert _band_share(dry, 200, 4000) > 0.05
    assert _band_share(wet, 200, 4000) < 0.005
    # The room fills the pauses: after the last turn ends the wet mix still rings, the dry one is silent.
    tail = slice(round(four_voices.turns[-1].end * RATE) + 800, round(four_voices.turns[-1].end * RATE) + 2400)
    assert np.abs(dry[tail]).max() < 1e-3
    assert np.sqrt(np.mean(wet[tail] ** 2)) > 1e-3


def test_rttm_matches_turns(four_voices: MixedConversation) -> None:
    lines = four_voices.rttm()
    assert len(lines) == len(four_voices.turns)
    fields = lines[1].split()
    turn = four_voices.turns[1]
    assert fields[0] == "SPEAKER" and fields[7] == turn.speaker
    assert float(fields[3]) == pytest.approx(turn.start) and float(fields[4]) == pytest.approx(turn.end - turn.start)
    assert set(four_voices.annotation().labels()) == set(four_voices.speakers)
