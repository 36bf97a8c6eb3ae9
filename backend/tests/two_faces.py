"""A generated two-person wide shot from real face photos, with two voices and a transcript of their turns.

For the split-screen tests and benchmark (``services/render/split.py``). The faces are photos that ship
with scikit-image (a dev dependency), both free to use:

* left: ``skimage.data.astronaut()``, Eileen Collins, a NASA photograph, public domain;
* right: ``skimage.data.camera()``, "cameraman" by Lav Varshney, CC0 (the licence scikit-image gives).

Each face sits on a plain studio background, its head bobbing a few pixels; while its person speaks
(the transcript's turns), its mouth opens and closes at a syllable-like rate (a dark bar drawn over the
lips, inside the lower third of the box OpenCV's face detector finds), which is what
:func:`~spaceclip.services.render.faces.mouth_activity` sees. The sound is the same turns spoken by two
espeak-ng voices, one after the other; the transcript's turn and word times are where each utterance
was placed. :data:`SCRIPT` alternates short turns, then the left person talks alone for a while, then
short turns again.
"""

from __future__ import annotations

import json
import shutil
import wave
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import skimage.data

from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render.faces import detect_faces
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word

TIMEOUT_S = 300.0
W, H, FPS = 1280, 720, 25
RATE = 22050
GAP_S = 0.35
SPEAKERS = ("Eileen", "Lav")
VOICES = {"Eileen": "en+f3", "Lav": "en+m3"}
#: Where each person's lips are in the box the detector finds (shares of it): x, y, w, h, and the bar's opacity.
MOUTHS = {"Eileen": (0.3, 0.72, 0.4, 0.12, 0.9), "Lav": (0.4, 0.75, 0.16, 0.06, 0.8)}

#: (speaker, text) in order: a quick exchange, a monologue by the left person, another exchange.
SCRIPT: tuple[tuple[str, str], ...] = (
    ("Eileen", "Welcome back to the show, it is good to have you here."),
    ("Lav", "Thanks, I am glad to be back with you."),
    ("Eileen", "So tell me about the new camera."),
    ("Lav", "It is small, quiet and it sees in the dark."),
    ("Eileen", "That sounds perfect for night launches."),
    ("Eileen", "When we flew the shuttle, every picture was taken by hand through the window."),
    ("Eileen", "We planned each shot for weeks, and still missed the best moments over the ocean."),
    ("Eileen", "A camera that watches on its own would have changed everything for us."),
    ("Lav", "That is exactly why we built it."),
    ("Eileen", "How long does the battery last?"),
    ("Lav", "About ten hours, even in the cold."),
    ("Eileen", "Impressive, thank you for coming."),
)


@dataclass(frozen=True)
class TwoFaces:
    """The generated shot: the video file, its transcript and where each face is (source px)."""

    video: Path
    transcript: Transcript
    faces: dict[str, tuple[int, int, int, int]]  # speaker -> face box (x, y, w, h) at rest
    duration: float

    @property
    def turns(self) -> list[tuple[float, float, str]]:
        return [(s.start, s.end, s.speaker or "") for s in self.transcript.segments]


def _voice(text: str, voice: str, dest: Path) -> np.ndarray:
    espeak = shutil.which("espeak-ng") or "espeak-ng"
    wav = dest.with_suffix(".raw.wav")
    run_process([espeak, "-v", voice, "-s", "165", "-w", str(wav), text], timeout_s=TIMEOUT_S)
    run_process(ffmpeg_args("-i", wav, "-ac", "1", "-ar", str(RATE), "-y", dest), timeout_s=TIMEOUT_S)
    wav.unlink()
    with wave.open(str(dest), "rb") as f:
        data = np.frombuffer(f.readframes(f.getnframes()), dtype=np.int16)
    dest.unlink()
    # Trim espeak's leading and trailing silence, so the turn times are when the voice sounds.
    loud = np.flatnonzero(np.abs(data.astype(np.int32)) > 300)
    return data[loud[0] : loud[-1] + 1] if loud.size else data


def _patch(image: np.ndarray, box: tuple[int, int, int, int], zoom: float) -> np.ndarray:
    x0, y0, x1, y1 = box
    rgb = image if image.ndim == 3 else np.stack([image] * 3, axis=-1)
    return cv2.resize(rgb[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)


def _face_in(patch: np.ndarray) -> tuple[int, int, int, int]:
    found = detect_faces(cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY))
    assert found, "the face photo has no face the detector finds"
    b = found[0]
    return round(b.x), round(b.y), round(b.w), round(b.h)


def _transcript(placed: list[tuple[float, float, str, str]], duration: float) -> Transcript:
    segments = []
    for start, end, who, text in placed:
        tokens = text.split()
        step = (end - start) / len(tokens)
        words = tuple(
            Word(round(start + k * step, 3), round(start + (k + 0.9) * step, 3), tok, 0.95, who)
            for k, tok in enumerate(tokens)
        )
        segments.append(Segment(round(start, 3), round(end, 3), text, who, words))
    return Transcript(
        duration=duration, language="en", speakers=tuple(Speaker(s) for s in SPEAKERS), segments=tuple(segments)
    )


def make_two_faces(path: Path, *, script: tuple[tuple[str, str], ...] = SCRIPT) -> TwoFaces:
    """Write the two-person video to ``path`` (H.264 + AAC) and ``path.json`` (transcript, faces)."""
    work = path.with_suffix(".parts")
    work.mkdir(parents=True, exist_ok=True)
    pieces, placed, t = [], [], 0.4
    for k, (who, text) in enumerate(script):
        voice = _voice(text, VOICES[who], work / f"u{k}.wav")
        placed.append((t, t + voice.size / RATE, who, text))
        pieces.append((round(t * RATE), voice))
        t += voice.size / RATE + GAP_S
    duration = round(t + 0.4, 2)
    sound = np.zeros(round(duration * RATE), dtype=np.int16)
    for at, voice in pieces:
        sound[at : at + voice.size] = voice
    wav = work / "talk.wav"
    with wave.open(str(wav), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(sound.tobytes())

    photos = {
        "Eileen": _patch(skimage.data.astronaut(), (130, 20, 320, 230), 1.4),  # type: ignore[no-untyped-call]
        "Lav": _patch(skimage.data.camera(), (130, 50, 330, 260), 1.35),  # type: ignore[no-untyped-call]
    }
    spots = {"Eileen": (150, 200), "Lav": (W - 150 - photos["Lav"].shape[1], 200)}
    args: list[str | Path] = ["-f", "lavfi", "-i", f"color=c=0x2E4A5C:s={W}x{H}:r={FPS}:d={duration}", "-i", wav]
    chain, last, faces = [], "0:v", {}
    for i, who in enumerate(SPEAKERS, start=2):
        img = work / f"{who}.png"
        cv2.imwrite(str(img), cv2.cvtColor(photos[who], cv2.COLOR_RGB2BGR))
        args += ["-loop", "1", "-framerate", str(FPS), "-i", img]
        fx, fy, fw, fh = _face_in(photos[who])
        px, py = spots[who]
        faces[who] = (px + fx, py + fy, fw, fh)
        turns = "+".join(f"between(t,{a:.3f},{b:.3f})" for a, b, s, _ in placed if s == who)
        rate = 4.4 if i == 2 else 3.7
        mx, my, mw, mh, alpha = MOUTHS[who]
        mouth = f"x={fx + fw * mx:.0f}:y={fy + fh * my:.0f}:w={fw * mw:.0f}:h={fh * mh:.0f}"
        talk = f"drawbox={mouth}:color=0x401818@{alpha}:t=fill:enable='({turns})*lt(mod(t*{rate},1),0.5)'"
        bob = f"{py}+5*sin(2*PI*t*{0.4 + 0.1 * i:.1f})"
        chain.append(f"[{i}:v]{talk}[m{i}]")
        chain.append(f"[{last}][m{i}]overlay=x={px}:y='{bob}':shortest=1[v{i}]")
        last = f"v{i}"
    args += ["-filter_complex", ";".join(chain), "-map", f"[{last}]", "-map", "1:a", "-t", f"{duration}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(FPS)]
    args += ["-c:a", "aac", "-b:a", "96k", "-y", path]
    run_process(ffmpeg_args(*args), timeout_s=TIMEOUT_S)
    shutil.rmtree(work)
    made = TwoFaces(path, _transcript(placed, duration), faces, duration)
    path.with_suffix(".json").write_text(
        json.dumps({"faces": faces, "placed": placed, "duration": duration}), encoding="utf-8"
    )
    return made


def load_two_faces(path: Path) -> TwoFaces:
    """A shot made earlier by :func:`make_two_faces` (its ``.json`` beside it)."""
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    placed = [(a, b, s, text) for a, b, s, text in meta["placed"]]
    faces = {k: (v[0], v[1], v[2], v[3]) for k, v in meta["faces"].items()}
    return TwoFaces(path, _transcript(placed, meta["duration"]), faces, meta["duration"])


def two_faces(path: Path) -> TwoFaces:
    """The shot at ``path``, made once."""
    if path.exists() and path.with_suffix(".json").exists():
        return load_two_faces(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_two_faces(path)


# --- measuring a rendered split screen -------------------------------------------------------------------


@dataclass(frozen=True)
class SplitFigures:
    """What a rendered file shows: per-frame layout, faces in the halves, and the active mark."""

    split_frames: int
    both_faces_inside: int  # split frames where each half holds a face wholly inside it
    top_inside: int
    bottom_inside: int
    single_frames: int
    single_face_inside: int
    mark_delays: list[float]  # per change of speaker in a split stretch: mark change - turn start (s)
    mark_wrong: float  # share of split frames, more than 0.5 s from a turn change, marking the wrong half
    runs: list[tuple[float, float, str]]  # the layout as seen in the file

    @property
    def inside_share(self) -> float:
        return self.both_faces_inside / self.split_frames if self.split_frames else 0.0

    @property
    def shortest_run(self) -> float:
        return min((b - a for a, b, _ in self.runs), default=0.0)


def _decode(video: Path, width: int, height: int, fps: float, dest: Path) -> np.ndarray:
    run_process(
        ffmpeg_args(
            "-i", video, "-an", "-vf", f"fps={fps:g},scale={width}:{height}:flags=area",
            "-pix_fmt", "rgb24", "-f", "rawvideo", "-y", dest,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    size = dest.stat().st_size // (width * height * 3)
    return np.memmap(dest, dtype=np.uint8, mode="r", shape=(size, height, width, 3))


def _inside(gray: np.ndarray) -> bool:
    """A face found wholly inside this picture (not touching its edges)."""
    h, w = gray.shape
    return any(
        b.x >= 1 and b.y >= 1 and b.x + b.w <= w - 1 and b.y + b.h <= h - 1 for b in detect_faces(gray, profiles=True)
    )


def measure_split(
    video: Path,
    out_w: int,
    out_h: int,
    turns: list[tuple[float, float, str]],
    half_of: dict[str, int],
    work: Path,
    *,
    mark_rgb: tuple[int, int, int] = (0xFF, 0xC8, 0x3D),
) -> SplitFigures:
    """Decode ``video`` (a split-screen render) and measure its layout, faces and mark.

    A frame is split when the divider (a black bar across the middle) shows; the active half is the one
    whose outer edge rows are the mark's colour. Faces are looked for (frontal and profile) in each half
    of the split frames, and in the whole of single ones, at 5 frames per second; the layout and the
    mark are read on every frame.
    """
    qw, qh = out_w // 4 // 2 * 2, out_h // 4 // 2 * 2
    small = _decode(video, qw, qh, 25, work / "quarter.rgb")
    mid = qh // 2
    kinds, active = [], []
    color = np.array(mark_rgb, dtype=np.float32)
    for frame in small:
        bar = frame[mid - 2 : mid + 2, 4:-4].astype(np.float32)
        split = float(bar.mean(axis=(1, 2)).min()) < 30
        kinds.append("split" if split else "single")
        top = frame[1:2, 8:-8].astype(np.float32).mean(axis=(0, 1))
        bottom = frame[qh - 2 : qh - 1, 8:-8].astype(np.float32).mean(axis=(0, 1))
        near = [float(np.abs(edge - color).max()) < 45 for edge in (top, bottom)]
        active.append(0 if near[0] and not near[1] else 1 if near[1] and not near[0] else None)
    times = [k / 25 for k in range(len(kinds))]
    runs: list[tuple[float, float, str]] = []
    for t, kind in zip(times, kinds, strict=True):
        if runs and runs[-1][2] == kind:
            runs[-1] = (runs[-1][0], t + 1 / 25, kind)
        else:
            runs.append((t, t + 1 / 25, kind))

    def split_at(t: float) -> bool:
        return any(a <= t < b and k == "split" for a, b, k in runs)

    changes = [(a, half_of[s]) for a, _, s in sorted(turns) if s in half_of]
    changes = [c for i, c in enumerate(changes) if i == 0 or c[1] != changes[i - 1][1]]
    delays = []
    for at, half in changes:
        if not (split_at(at - 0.6) and split_at(at + 0.6)):
            continue
        hit = next((t for t, a in zip(times, active, strict=True) if t >= at - 1.0 and a == half), None)
        if hit is not None:
            delays.append(round(hit - at, 3))
    wrong = total = 0
    for t, kind, a in zip(times, kinds, active, strict=True):
        if kind != "split" or any(abs(t - c) <= 0.5 for c, _ in changes):
            continue
        expected = next((h for c, h in reversed(changes) if c <= t), None)
        if expected is None:
            continue
        total += 1
        wrong += a != expected

    big = _decode(video, out_w // 2 // 2 * 2, out_h // 2 // 2 * 2, 5, work / "half.rgb")
    split_frames = both = top_ok = bottom_ok = single_frames = single_ok = 0
    for k, frame in enumerate(big):
        gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
        q = min(len(kinds) - 1, round(k / 5 * 25))
        if kinds[q] == "split":
            split_frames += 1
            hh = gray.shape[0] // 2
            top, bottom = _inside(gray[: hh - 2]), _inside(gray[hh + 2 :])
            top_ok, bottom_ok, both = top_ok + top, bottom_ok + bottom, both + (top and bottom)
        else:
            single_frames += 1
            single_ok += _inside(gray)
    share = wrong / total if total else 0.0
    return SplitFigures(split_frames, both, top_ok, bottom_ok, single_frames, single_ok, delays, share, runs)
