"""Sources and measurements for renders with cuts inside the clip (tests/test_render_cuts.py, benchmarks/bench_cuts.py).

* :func:`make_tone_source`: a continuous 440 Hz tone under a test picture, the hard case for a cut
  (a cut mid-wave jumps from one sample value to another: a click).
* :func:`speech_with_pauses`: sentences that really say "um" and "uh", spoken by flite, with long
  silences between some of them; :func:`make_speech_source` puts them under a 9:16 test picture.
* :func:`decode_mono`, :func:`seam_jumps`, :func:`silences`, :func:`stream_lengths`: what the rendered
  file holds (decoded samples, the largest sample-to-sample step at each seam and away from the seams,
  the silent stretches, the picture's and the sound's lengths).
* :func:`hard_cut`: the same kept ranges joined without a crossfade, AAC-encoded too: the click a
  plain cut would make.
* :func:`measure_speech_cuts`: the whole round trip on speech (transcribe, cut, render, re-transcribe)
  and every figure the test asserts and the benchmark prints.
"""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spaceclip.services.edit.cuts import DEFAULT_PAUSE_OVER_S, DEFAULT_PAUSE_TO_S, CutList
from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process
from spaceclip.services.render.command import window_keeps as _window_keeps
from spaceclip.services.render.render import RenderResult
from spaceclip.services.speech.transcript import Word

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


@dataclass(frozen=True)
class SpeechCutFigures:
    """What a render with fillers cut and pauses shortened does to generated speech, re-transcribed."""

    source_s: float
    cuts: CutList
    fillers_scripted: int
    fillers_before: int  # flagged in the source's transcript, inside the clip
    fillers_removed: int  # of those, cut out
    fillers_after: int  # flagged in the re-transcription of the render
    removed_heard_again: int  # re-transcribed fillers within 0.3 s of where a removed one was
    pause_to_s: float
    pause_over_s: float
    longest_pause_source: float
    longest_pause_out: float
    pauses_out: tuple[tuple[float, float], ...]
    #: each of the source's silences longer than X, as long as it lasts in the render
    long_pauses: tuple[tuple[float, float], ...]
    caption_offsets: tuple[float, ...]  # |burned pop event start - re-timed word start|
    srt_offsets: tuple[float, ...]  # |SRT cue start - the nearest re-timed word start|
    heard_offsets: tuple[float, ...]  # |re-timed word start - re-transcribed word start|, aligned words
    jumps: SeamJumps
    hard_jumps: SeamJumps
    picture_s: float
    sound_s: float
    result: RenderResult


def _tokens(words: Sequence[Word]) -> tuple[list[str], list[int]]:
    from tests.speech import normalize_words

    tokens, owners = [], []
    for i, w in enumerate(words):
        for token in normalize_words(w.word):
            tokens.append(token)
            owners.append(i)
    return tokens, owners


def heard_offsets(expected: Sequence[Word], heard: Sequence[Word]) -> list[float]:
    """|start difference| of each expected word aligned (same spelling) with a heard word."""
    from tests.speech import align

    ref, ref_owner = _tokens(expected)
    hyp, hyp_owner = _tokens(heard)
    _, pairs = align(ref, hyp)
    seen: set[int] = set()
    out: list[float] = []
    for r, h in pairs:
        if r is None or h is None or ref[r] != hyp[h] or ref_owner[r] in seen:
            continue
        seen.add(ref_owner[r])
        out.append(abs(expected[ref_owner[r]].start - heard[hyp_owner[h]].start))
    return out


def measure_speech_cuts(work: Path, *, preset_key: str = "tiktok") -> SpeechCutFigures:
    """Speak :data:`SCRIPT` with long pauses, transcribe it (tiny.en, filler prompt), render the whole
    recording for ``preset_key`` with the preset's default cuts, then re-transcribe the render."""
    from spaceclip.config import Settings
    from spaceclip.services.edit.defaults import cuts_for_preset
    from spaceclip.services.media.probe import probe_media
    from spaceclip.services.render.command import clip_window
    from spaceclip.services.render.presets import get_preset
    from spaceclip.services.render.render import caption_script, render_clip
    from spaceclip.services.render.spec import ClipSpec
    from spaceclip.services.speech.transcribe import transcribe
    from spaceclip.services.speech.transcript import parse_srt
    from tests.ass_reader import parse_events

    speech = speech_with_pauses(work)
    source = make_speech_source(work, speech)
    settings = Settings(data_dir=work / "data", whisper_model="tiny.en", _env_file=None)
    info = probe_media(source, settings)
    preset = get_preset(preset_key)
    transcript = transcribe(speech, settings, filler_prompt=True)
    end = info.duration_s
    cuts = cuts_for_preset(0.0, end, transcript.words, preset)
    spec = ClipSpec(source=source, info=info, start=0.0, end=end, preset=preset, transcript=transcript,
                    caption_style="pop", cuts=cuts)  # fmt: skip
    result = render_clip(spec, work / "out", settings)
    out_48k = decode_mono(result.video)
    heard = transcribe(decode_mono(result.video, rate=SPEECH_RATE), settings, filler_prompt=True)

    before = [w for w in transcript.words if w.filler and 0.0 <= (w.start + w.end) / 2 <= end]
    removed = [w for w in before if cuts.is_cut((w.start + w.end) / 2)]
    where = [cuts.to_output((w.start + w.end) / 2) for w in removed]
    after = [w for w in heard.words if w.filler]
    again = sum(1 for w in after if any(abs((w.start + w.end) / 2 - t) <= 0.3 for t in where))

    retimed = cuts.retime_words(transcript.words)
    window = clip_window(spec.start, spec.end, info.duration_s)
    script = caption_script(spec, *window, {})
    assert script is not None
    events = [e for e in parse_events(script) if e.words]
    caption = [
        abs(e.start - w.start) for e, w in zip(events, [w for w in retimed if w.end - w.start >= 0.005], strict=True)
    ]
    assert result.srt is not None
    cues = parse_srt(result.srt.read_text(encoding="utf-8"))
    # a cue (a segment, or a piece of a long one) starts on one of the re-timed words
    starts = [w.start for w in cuts.retime_transcript(transcript).words]
    srt = [min(abs(c.start - t) for t in starts) for c in cues]
    hard = hard_cut(source, window_keeps_of(cuts, window), work / "hard.m4a")
    picture, sound = stream_lengths(result.video)
    pauses_out = silences(out_48k)
    long_pauses = []
    for a, b in silences(speech, rate=SPEECH_RATE):
        if b - a > DEFAULT_PAUSE_OVER_S:
            at = cuts.to_output((a + b) / 2)
            kept = [q - p for p, q in pauses_out if p - 0.01 <= at <= q + 0.01]
            long_pauses.append((round(b - a, 3), max(kept, default=0.0)))
    return SpeechCutFigures(
        source_s=end, cuts=cuts, fillers_scripted=scripted_fillers(), fillers_before=len(before),
        fillers_removed=len(removed), fillers_after=len(after), removed_heard_again=again,
        pause_to_s=DEFAULT_PAUSE_TO_S, pause_over_s=DEFAULT_PAUSE_OVER_S,
        longest_pause_source=max((b - a for a, b in silences(speech, rate=SPEECH_RATE)), default=0.0),
        longest_pause_out=max((b - a for a, b in pauses_out), default=0.0),
        pauses_out=tuple(pauses_out), long_pauses=tuple(long_pauses),
        caption_offsets=tuple(caption), srt_offsets=tuple(srt),
        heard_offsets=tuple(heard_offsets(retimed, list(heard.words))),
        jumps=seam_jumps(out_48k, cuts.seams), hard_jumps=seam_jumps(decode_mono(hard), cuts.seams),
        picture_s=picture, sound_s=sound, result=result,
    )  # fmt: skip


def window_keeps_of(cuts: CutList, window: tuple[float, float]) -> list[tuple[float, float]]:
    """The kept ranges in source seconds, clipped to the render's window ``(start, length)``."""
    start, length = window
    return [(start + a, start + b) for a, b in _window_keeps(cuts.keeps, start, length)]
