"""Which speaker badge is lit in each frame of a rendered speaker audiogram, against the true turns.

Used by ``test_audiogram_badges.py`` and ``benchmarks/bench_badges.py``. A one-channel conversation
of :mod:`tests.conversations` (three voices, known turns) is rendered by
:func:`~spaceclip.services.render.render.render_clip` as a speaker audiogram, with a transcript whose
segments are the turns (the speaker track the badges follow). Every
frame of the MP4 is decoded at a quarter of its size in grey; a badge is *lit* when the mean
brightness inside its disc (the inner 60% of the radius, clear of the halo and the radial ring) is
above the midpoint of that badge's darkest and brightest frames.

A frame where at least one speaker truly talks is *right* when some badge is lit and every lit badge
belongs to a speaker talking then (in an overlap either or both may be lit). Frames where nobody
talks are counted apart: a badge is allowed to stay lit through a same-speaker pause under
``TURN_GAP_S``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from spaceclip.config import Settings
from spaceclip.services.media.probe import probe_media
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render.audiogram.badges import BadgeSlot, badge_slots
from spaceclip.services.render.presets import Preset, get_preset
from spaceclip.services.render.render import render_clip
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript
from tests.conversations import RATE, MixedConversation, read_wav

SCALE = 4


@dataclass(frozen=True)
class BadgeScore:
    frames: int  # frames where a true speaker talks
    right: int
    silent_frames: int
    silent_lit: int  # silent frames with a badge lit
    render_s: float
    video: Path
    #: Pearson correlation, over frames with one badge lit, of the halo's brightness around it with
    #: the sound's level (RMS of the frame's 1/fps of audio): the pulse follows the voice.
    pulse: float

    @property
    def accuracy(self) -> float:
        return self.right / self.frames if self.frames else 0.0


def turn_segments(conv: MixedConversation) -> list[Segment]:
    """The conversation's true turns as transcript segments (no words)."""
    return [Segment(start=t.start, end=t.end, text=t.text, speaker=t.speaker) for t in conv.turns]


def _frames(video: Path, w: int, h: int) -> np.ndarray:
    raw = video.with_suffix(".gray")
    argv = ffmpeg_args("-i", video, "-vf", f"scale={w}:{h}:flags=area,format=gray", "-f", "rawvideo", "-y", raw)
    run_process(argv, timeout_s=300)
    return np.fromfile(raw, dtype=np.uint8).reshape(-1, h, w)


def diarized_transcript(conv: MixedConversation, work: Path) -> Transcript:
    """SpaceClip's own analysis of ``conv`` (Whisper + the speaker stage, told the number of speakers),
    each found speaker named after the true speaker its words overlap most (two may get one name)."""
    from spaceclip.services.analysis import analyze_media

    settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
    (work / "analysis").mkdir(parents=True, exist_ok=True)
    found = analyze_media(conv.wav, work / "analysis", settings, num_speakers=len(conv.speakers)).transcript
    overlap: dict[str, dict[str, float]] = {}
    for word in found.words:
        for turn in conv.turns:
            both = min(word.end, turn.end) - max(word.start, turn.start)
            if word.speaker and both > 0:
                row = overlap.setdefault(word.speaker, {})
                row[turn.speaker] = row.get(turn.speaker, 0.0) + both
    name = {label: max(row, key=lambda k: row[k]) for label, row in overlap.items()}

    def renamed(seg: Segment) -> Segment:
        words = tuple(replace(w, speaker=name.get(w.speaker or "", w.speaker)) for w in seg.words)
        return replace(seg, speaker=name.get(seg.speaker or "", seg.speaker), words=words)

    turns = tuple(replace(t, speaker=name.get(t.speaker, t.speaker)) for t in found.turns)
    return replace(found, speakers=(), segments=tuple(renamed(s) for s in found.segments), turns=turns)


def measure(
    conv: MixedConversation,
    work: Path,
    *,
    style: str = "bars",
    preset: Preset | None = None,
    transcript: Transcript | None = None,
) -> BadgeScore:
    """Render ``conv`` as a speaker audiogram in ``style`` and score the lit badge frame by frame.

    ``transcript``: what to render (default: segments that are the true turns, no words;
    :func:`diarized_transcript` for SpaceClip's own); the score is always against the true turns.
    """
    preset = preset or get_preset("tiktok")
    settings = Settings(data_dir=work / "data", _env_file=None)  # type: ignore[call-arg]
    segs = list(transcript.segments) if transcript is not None else turn_segments(conv)
    voices = transcript.turns if transcript is not None else ()
    names = list(dict.fromkeys([*(s.speaker for s in segs if s.speaker), *(t.speaker for t in voices)]))
    transcript = Transcript(
        duration=conv.duration, language="en", speakers=tuple(Speaker(n) for n in names), segments=tuple(segs),
        turns=voices,
    )  # fmt: skip
    spec = ClipSpec(
        source=conv.wav, info=probe_media(conv.wav, settings), start=0.0, end=conv.duration, preset=preset,
        transcript=transcript, caption_style=None, audiogram_style=style, speaker_badges=True,
    )  # fmt: skip
    result = render_clip(spec, work / f"out-{style}", settings, thumbnail=False, subtitles_files=False)
    w, h = preset.width // SCALE, preset.height // SCALE
    frames = _frames(result.video, w, h).astype(np.float32)
    slots = badge_slots(len(names), preset.width, preset.height, preset.safe)
    yy, xx = np.mgrid[0:h, 0:w]
    means = []
    for slot in slots:
        r = 0.6 * slot.d / 2 / SCALE
        mask = (xx - slot.cx / SCALE) ** 2 + (yy - slot.cy / SCALE) ** 2 <= r * r
        means.append(frames[:, mask].mean(axis=1))
    levels = np.stack(means, axis=1)  # frames x badges
    threshold = (levels.min(axis=0) + levels.max(axis=0)) / 2
    lit = levels > threshold
    right = frames_n = silent = silent_lit = 0
    for i in range(lit.shape[0]):
        t = i / preset.fps
        active = conv.active_at(t)
        shown = {names[k] for k in range(len(names)) if lit[i, k]}
        if active:
            frames_n += 1
            right += bool(shown) and shown <= active
        else:
            silent += 1
            silent_lit += bool(shown)
    pulse = _pulse(conv, frames, slots, lit, preset.fps, xx, yy)
    return BadgeScore(frames_n, right, silent, silent_lit, sum(result.seconds.values()), result.video, pulse)


def _pulse(
    conv: MixedConversation, frames: np.ndarray, slots: list[BadgeSlot], lit: np.ndarray, fps: float,
    xx: np.ndarray, yy: np.ndarray,
) -> float:  # fmt: skip
    """Correlation of the halo ring's brightness (0.56-0.68 diameters from the centre) with the audio RMS."""
    audio = read_wav(conv.wav)
    hop = round(RATE / fps)
    halo, level = [], []
    for i in range(lit.shape[0]):
        on = np.flatnonzero(lit[i])
        if on.size != 1:
            continue
        slot = slots[int(on[0])]
        dist = np.hypot(xx - slot.cx / SCALE, yy - slot.cy / SCALE) * SCALE / slot.d
        ring = (dist >= 0.56) & (dist <= 0.68)
        halo.append(float(frames[i][ring].mean()))
        chunk = audio[max(0, (i - 1) * hop) : i * hop]
        level.append(float(np.sqrt(np.mean(chunk.astype(np.float64) ** 2))) if chunk.size else 0.0)
    if len(halo) < 3:
        return 0.0
    return float(np.corrcoef(halo, level)[0, 1])
