"""Multi-voice speech conversations for tests and benchmarks, made at run time.

A script (``tests/data/*.json``) names a voice per speaker (``flite:slt``, ``flite:rms``,
``flite:awb`` or ``espeak-ng:en-us``...) and lists turns. Each turn is spoken, converted to 16 kHz
mono 16-bit with sox, trimmed of the synthesiser's own leading/trailing silence, and joined with
pauses. The truth keeps, per turn, the speaker, the text and where the speech really starts and ends.

Usage as a script: ``python -m tests.speech SCRIPT.json OUT.wav [--min-duration S]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

DATA_DIR = Path(__file__).resolve().parent / "data"
RATE = 16000
# Pauses between turns cycle through these (seconds), so the gaps are not all alike.
DEFAULT_PAUSES = (0.7, 0.9, 0.6, 1.1, 0.8)
_SILENCE_LEVEL = 0.004  # |sample| below this (of full scale) counts as the synthesiser's silence


@dataclass(frozen=True)
class TurnTruth:
    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Conversation:
    wav: Path
    duration: float
    turns: tuple[TurnTruth, ...]

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration": self.duration,
            "turns": [t.__dict__ for t in self.turns],
        }


def load_script(name_or_path: str | Path) -> dict[str, Any]:
    """A conversation script by file name in ``tests/data`` or by path."""
    path = Path(name_or_path)
    if not path.exists():
        path = DATA_DIR / str(name_or_path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def synthesize(voice: str, text: str, workdir: Path, index: int) -> np.ndarray:
    """Speak ``text`` with ``voice`` (``engine:name``) -> int16 samples at 16 kHz, silence trimmed."""
    engine, _, name = voice.partition(":")
    raw = workdir / f"turn{index}.raw.wav"
    out = workdir / f"turn{index}.wav"
    if engine == "flite":
        argv = ["flite", "-voice", name, "-t", text, "-o", str(raw)]
    elif engine in ("espeak-ng", "espeak"):
        argv = ["espeak-ng", "-v", name, "-s", "150", "-w", str(raw), text]
    else:
        raise ValueError(f"unknown speech engine {engine!r} in voice {voice!r}")
    subprocess.run(argv, check=True, timeout=120, capture_output=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    with wave.open(str(out)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SILENCE_LEVEL * 32767)
    if loud.size == 0:
        raise ValueError(f"voice {voice!r} produced no audible speech for {text!r}")
    return samples[loud[0] : loud[-1] + 1]


def render_conversation(
    script: dict[str, Any],
    out_wav: Path,
    *,
    min_duration: float = 0.0,
    pauses: tuple[float, ...] = DEFAULT_PAUSES,
    lead_in: float = 0.5,
) -> Conversation:
    """Render ``script`` to ``out_wav`` (16 kHz mono s16) and return the truth.

    Args:
        script: ``{"voices": {speaker: voice}, "turns": [{"speaker", "text"}, ...]}``.
        out_wav: where the WAV goes.
        min_duration: repeat the turns in order until the audio is at least this long (benchmarks).
        pauses: silence between turns, cycled.
        lead_in: silence before the first turn and after the last.
    """
    voices: dict[str, str] = script["voices"]
    turns: list[dict[str, str]] = script["turns"]
    pieces: list[np.ndarray] = []
    truth: list[TurnTruth] = []
    cache: dict[tuple[str, str], np.ndarray] = {}
    t = lead_in
    pieces.append(np.zeros(round(lead_in * RATE), dtype=np.int16))
    with tempfile.TemporaryDirectory(prefix="speech-") as tmp:
        index = 0
        while True:
            turn = turns[index % len(turns)]
            key = (voices[turn["speaker"]], turn["text"])
            if key not in cache:
                cache[key] = synthesize(key[0], key[1], Path(tmp), len(cache))
            speech = cache[key]
            if index:
                gap = np.zeros(round(pauses[(index - 1) % len(pauses)] * RATE), dtype=np.int16)
                pieces.append(gap)
                t += gap.size / RATE
            pieces.append(speech)
            end = t + speech.size / RATE
            truth.append(TurnTruth(turn["speaker"], turn["text"], round(t, 3), round(end, 3)))
            t = end
            index += 1
            if index >= len(turns) and t >= min_duration:
                break
    pieces.append(np.zeros(round(lead_in * RATE), dtype=np.int16))
    audio = np.concatenate(pieces)
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out_wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.tobytes())
    return Conversation(wav=out_wav, duration=round(audio.size / RATE, 3), turns=tuple(truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("script")
    parser.add_argument("out")
    parser.add_argument("--min-duration", type=float, default=0.0)
    args = parser.parse_args()
    conv = render_conversation(load_script(args.script), Path(args.out), min_duration=args.min_duration)
    Path(args.out).with_suffix(".truth.json").write_text(json.dumps(conv.to_dict(), indent=1))
    print(f"{conv.duration:.1f} s, {len(conv.turns)} turns -> {args.out}")


if __name__ == "__main__":
    main()


# --- comparing a transcript with the truth ----------------------------------------------------------

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> list[str]:
    """English words for a non-negative integer (``120`` -> ``one hundred twenty``)."""
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            high, rest = divmod(n, size)
            return number_words(high) + [name] + (number_words(rest) if rest else [])
    raise AssertionError("unreachable")


def normalize_words(text: str) -> list[str]:
    """Lower case, no punctuation, digits spelled out: the form both sides are compared in."""
    text = text.lower().replace("%", " percent ").replace("-", " ").replace("'", "")
    words: list[str] = []
    for token in "".join(c if c.isalnum() or c.isspace() else " " for c in text).split():
        if token.isdigit():
            words.extend(number_words(int(token)))
        else:
            words.append(token)
    return words


def align(ref: list[str], hyp: list[str]) -> tuple[int, list[tuple[int | None, int | None]]]:
    """Word edit distance and the alignment as (ref index | None, hyp index | None) pairs."""
    n, m = len(ref), len(hyp)
    dist = np.zeros((n + 1, m + 1), dtype=np.int32)
    dist[:, 0] = np.arange(n + 1)
    dist[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if ref[i - 1] == hyp[j - 1] else 1
            dist[i, j] = min(dist[i - 1, j] + 1, dist[i, j - 1] + 1, dist[i - 1, j - 1] + cost)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and dist[i, j] == dist[i - 1, j - 1] + (0 if ref[i - 1] == hyp[j - 1] else 1):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and dist[i, j] == dist[i - 1, j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return int(dist[n, m]), pairs


def word_error_rate(ref_text: str, hyp_text: str) -> float:
    ref, hyp = normalize_words(ref_text), normalize_words(hyp_text)
    errors, _ = align(ref, hyp)
    return errors / max(1, len(ref))


def turn_of_time(turns: tuple[TurnTruth, ...], t: float) -> int:
    """Index of the turn containing ``t``, else the nearest one."""
    return min(range(len(turns)), key=lambda i: max(turns[i].start - t, t - turns[i].end, 0.0))


def boundary_errors(turns: tuple[TurnTruth, ...], words: list[Any]) -> list[tuple[int, float, float]]:
    """Per turn: (index, first word start - turn start, last word end - turn end), the words being
    grouped to turns by their midpoints. Turns that got no word are left out."""
    grouped: dict[int, list[Any]] = {}
    for word in words:
        grouped.setdefault(turn_of_time(turns, (word.start + word.end) / 2), []).append(word)
    return [
        (i, grouped[i][0].start - turn.start, grouped[i][-1].end - turn.end)
        for i, turn in enumerate(turns)
        if i in grouped
    ]


def speaker_accuracy(turns: tuple[TurnTruth, ...], words: list[Any]) -> tuple[float, dict[str, str]]:
    """Share of recognised words given the right speaker, under the best one-to-one mapping of
    found speakers to true ones. Words are paired with the script by edit-distance alignment, so
    the times play no part; insertions and deletions are not counted."""
    from scipy.optimize import linear_sum_assignment

    ref: list[str] = []
    ref_speaker: list[str] = []
    for turn in turns:
        for token in normalize_words(turn.text):
            ref.append(token)
            ref_speaker.append(turn.speaker)
    hyp: list[str] = []
    hyp_speaker: list[str] = []
    for word in words:
        for token in normalize_words(word.word):
            hyp.append(token)
            hyp_speaker.append(word.speaker)
    _, pairs = align(ref, hyp)
    true_names = sorted(set(ref_speaker))
    found_names = sorted(set(hyp_speaker))
    counts = np.zeros((len(found_names), len(true_names)))
    total = 0
    for r, h in pairs:
        if r is not None and h is not None:
            counts[found_names.index(hyp_speaker[h]), true_names.index(ref_speaker[r])] += 1
            total += 1
    rows, cols = linear_sum_assignment(-counts)
    mapping = {found_names[r]: true_names[c] for r, c in zip(rows, cols, strict=True)}
    return float(counts[rows, cols].sum()) / max(1, total), mapping


# --- session fixtures (re-exported by tests/conftest.py) ---------------------------------------------


@dataclass(frozen=True)
class AnalyzedConversation:
    conversation: Conversation
    transcript: Any  # spaceclip.services.speech.transcript.Transcript
    progress: tuple[float, ...]
    seconds: float


@pytest.fixture(scope="session")
def three_speaker_conversation(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    """tests/data/conversation_three.json spoken by three flite voices (about 2.7 minutes)."""
    out = tmp_path_factory.mktemp("speech") / "conversation_three.wav"
    return render_conversation(load_script("conversation_three.json"), out)


@pytest.fixture(scope="session")
def three_speaker_analysis(
    three_speaker_conversation: Conversation, tmp_path_factory: pytest.TempPathFactory
) -> AnalyzedConversation:
    """The conversation through ``transcribe_with_speakers`` with the default model, once."""
    import time

    from spaceclip.config import Settings
    from spaceclip.services.speech.transcribe import transcribe_with_speakers

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        whisper_model="tiny.en",
        whisper_language=None,
        _env_file=None,
    )
    progress: list[float] = []
    started = time.perf_counter()
    transcript = transcribe_with_speakers(three_speaker_conversation.wav, settings, progress=progress.append)
    return AnalyzedConversation(three_speaker_conversation, transcript, tuple(progress), time.perf_counter() - started)
