"""Sources and measurements for renders with cuts inside the clip (tests/test_render_cuts.py, benchmarks/bench_cuts.py).

* :func:`make_tone_source`: a continuous 440 Hz tone under a test picture, the hard case for a cut
  (a cut mid-wave jumps from one sample value to another: a click).
* :func:`speech_with_pauses`: sentences that really say "um" and "uh", spoken by flite, with long
  silences between some of them; :func:`make_speech_source` puts them under a 9:16 test picture.
* :func:`decode_mono`, :func:`seam_jumps`, :func:`silences`, :func:`stream_lengths`: what the rendered
  file holds (decoded samples, the largest sample-to-sample step at each seam and away from the seams,
  the silent stretches, the picture's and the sound's lengths).
* :func:`hard_cut`: the same kept ranges joined without a crossfade, encoded the same way: the click a
  plain cut would make.
"""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process

RATE = 48_000
TIMEOUT_S = 300.0
#: Sentences with their fillers in [brackets] (spoken; the brackets mark the truth) and the silence after each (s).
SCRIPT: tuple[tuple[str, float], ...] = (
    ("[Um,] I think the main thing is pricing.", 1.6),
    ("We tried it last year and, [uh,] it did not work.", 0.4),
    ("The customers wanted it cheaper.", 2.2),
    ("[Uh,] so we opened a second shop in the spring.", 1.2),
    ("[Um,] the ovens were old but they worked.", 0.3),
    ("Our best week was in December, [um,] right before the holidays.", 1.0),
)
VOICE = "flite:slt"
SPEECH_RATE = 16_000


def spoken(line: str) -> str:
    return line.replace("[", "").replace("]", "")


def scripted_fillers() -> int:
    return sum(len(re.findall(r"\[[^\]]*\]", line)) for line, _ in SCRIPT)


def speech_with_pauses(work: Path) -> np.ndarray:
    """The script spoken at 16 kHz (float32), each sentence followed by its silence."""
    from tests.speech import synthesize

    pieces: list[np.ndarray] = [np.zeros(SPEECH_RATE // 4, dtype=np.float32)]
    for i, (line, pause) in enumerate(SCRIPT):
        pieces.append(synthesize(VOICE, spoken(line), work, i).astype(np.float32) / 32768)
        pieces.append(np.zeros(round(pause * SPEECH_RATE), dtype=np.float32))
    return np.concatenate(pieces)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def _mux(picture: str, audio_args: Sequence[str | Path], dest: Path) -> Path:
    run_process(ffmpeg_args(
        "-f", "lavfi", "-i", picture, *audio_args, "-map", "0:v", "-map", "1:a", "-shortest",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "pcm_s16le", "-y", dest,
    ), timeout_s=TIMEOUT_S)  # fmt: skip
    return dest


def make_speech_source(work: Path, speech: np.ndarray) -> Path:
    """``speech`` (16 kHz) under a 270x480 (9:16, so a 9:16 preset only scales it) 30 fps test picture."""
    wav = write_wav(work / "speech.wav", speech, SPEECH_RATE)
    seconds = speech.size / SPEECH_RATE
    return _mux(f"testsrc2=s=270x480:r=30:d={seconds:.3f}", ["-i", wav], work / "speech.mkv")


def make_tone_source(work: Path, *, seconds: float = 6.0, loud: tuple[float, float] | None = None) -> Path:
    """A 440 Hz tone at -24 dBFS (48 kHz) under a 270x480 30 fps test picture; ``loud``: a stretch
    18 dB louder (what a cut may take out)."""
    level = "volume=0.5" if loud is None else f"volume='0.5*if(between(t,{loud[0]:g},{loud[1]:g}),8,1)':eval=frame"
    return _mux(
        f"testsrc2=s=270x480:r=30:d={seconds:g}",
        ["-f", "lavfi", "-i", f"sine=f=440:d={seconds:g}:sample_rate={RATE},{level}"],
        work / "tone.mkv",
    )


def decode_mono(path: Path, *, rate: int = RATE) -> np.ndarray:
    """The first audio stream of ``path`` as float32 mono samples at ``rate``."""
    raw = run_process(
        ffmpeg_args("-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"), timeout_s=TIMEOUT_S
    ).stdout
    return np.frombuffer(raw, dtype=np.float32)


@dataclass(frozen=True)
class SeamJumps:
    """The largest sample-to-sample step within ``window`` s of each seam, and the largest elsewhere."""

    at_seams: tuple[float, ...]
    elsewhere: float

    @property
    def worst(self) -> float:
        return max(self.at_seams, default=0.0)

    @property
    def ratio(self) -> float:
        """The worst seam's step over the signal's own largest step away from the seams."""
        return self.worst / self.elsewhere if self.elsewhere > 0 else float("inf")


def seam_jumps(
    samples: np.ndarray, seams: Sequence[float], *, rate: int = RATE, window: float = 0.005, edge: float = 0.05
) -> SeamJumps:
    """Steps within ``window`` s of each seam; "elsewhere" leaves out 30 ms around each seam and the first
    and last ``edge`` s (the encoder's start and the file's abrupt end are no seam's doing)."""
    steps = np.abs(np.diff(samples.astype(np.float64)))
    near = np.zeros(steps.size, dtype=bool)
    margin = round(edge * rate)
    near[:margin] = True
    near[max(0, steps.size - margin) :] = True
    at: list[float] = []
    for t in seams:
        lo, hi = max(0, round((t - window) * rate)), min(steps.size, round((t + window) * rate) + 1)
        if hi > lo:
            at.append(float(steps[lo:hi].max()))
            # the fade itself (20 ms) and AAC's frame (21 ms) spread a seam: keep 30 ms clear of it
            near[max(0, round((t - 0.03) * rate)) : min(steps.size, round((t + 0.03) * rate))] = True
    rest = steps[~near]
    return SeamJumps(tuple(at), float(rest.max()) if rest.size else 0.0)


def silences(samples: np.ndarray, *, rate: int = RATE, noise_db: float = -40.0, shortest: float = 0.1,
             frame_s: float = 0.01) -> list[tuple[float, float]]:  # fmt: skip
    """The stretches of ``samples`` whose 10 ms frames all have an RMS under ``noise_db`` dBFS, at least
    ``shortest`` s long, as ``(start, end)`` seconds."""
    frame = round(frame_s * rate)
    n = samples.size // frame
    rms = np.sqrt(np.mean(samples[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1))
    quiet = 20 * np.log10(np.maximum(rms, 1e-10)) < noise_db
    out: list[tuple[float, float]] = []
    i = 0
    while i < n:
        if not quiet[i]:
            i += 1
            continue
        j = i
        while j < n and quiet[j]:
            j += 1
        if (j - i) * frame_s >= shortest - 1e-9:
            out.append((round(i * frame_s, 3), round(j * frame_s, 3)))
        i = j
    return out


def stream_lengths(path: Path) -> tuple[float, float]:
    """(picture length: frames counted / frame rate, sound length: decoded samples / rate), seconds."""
    data = json.loads(run_process(ffprobe_args(
        path, "-select_streams", "v:0", "-count_frames", "-show_streams", "-of", "json",
    ), timeout_s=TIMEOUT_S).stdout_text)  # fmt: skip
    video = data["streams"][0]
    num, den = (int(x) for x in str(video["r_frame_rate"]).split("/"))
    frames = int(video["nb_read_frames"])
    return frames * den / num, decode_mono(path).size / RATE


def hard_cut(source: Path, keeps: Sequence[tuple[float, float]], dest: Path, *, gain_db: float = 0.0) -> Path:
    """The sound of ``keeps`` (source seconds) joined end to end with no crossfade, AAC-encoded at 48 kHz."""
    n = len(keeps)
    parts = [f"[0:a:0]aresample={RATE},volume={gain_db:.2f}dB,asplit={n}" + "".join(f"[s{i}]" for i in range(n))]
    parts += [f"[s{i}]atrim=start={a:.6f}:end={b:.6f},asetpts=PTS-STARTPTS[t{i}]" for i, (a, b) in enumerate(keeps)]
    parts.append("".join(f"[t{i}]" for i in range(n)) + f"concat=n={n}:v=0:a=1[a]")
    run_process(ffmpeg_args(
        "-i", source, "-filter_complex", ";".join(parts), "-map", "[a]", "-c:a", "aac", "-b:a", "192k", "-y", dest,
    ), timeout_s=TIMEOUT_S)  # fmt: skip
    return dest
