"""Who spoke when, offline, on one channel: speech found, embedded, clustered, re-segmented, mapped onto words.

1. Speech regions: Silero VAD (the model inside ``faster-whisper``), read a block at a time;
   the words' own spans when it hears nothing.
2. Windows of :data:`WINDOW_S` every :data:`HOP_S` inside each region (a region shorter than a
   window is one window), each given a d-vector by ``resemblyzer``'s voice encoder over blocks of the
   audio read from disk one at a time (its weights ship in the wheel; the encoder loads once per
   process, kept in :data:`~spaceclip.services.models_cache.MODELS`, and
   :func:`warm_up` loads it before the first job).
3. :mod:`~spaceclip.services.speech.speaker_clusters`: the channel is taken out (centring), the
   windows are clustered (spectral clustering; the count is the ``num_speakers`` hint or found),
   and a Viterbi re-segmentation gives every :data:`FRAME_S` frame of speech its speaker, so a turn
   can change anywhere, not only at pauses. A long episode clusters at most :data:`MAX_CLUSTERED`
   windows from regions spread over it; the rest follow the centroids in the re-segmentation.
4. :func:`diarize` returns the turns (who spoke when); :func:`apply_turns` gives every word the
   speaker of most of the frames under it, re-splits segments where the speaker changes, and names
   speakers ``Speaker 1..n`` in order of first appearance.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import scipy.fft

from spaceclip.services.models_cache import MODELS
from spaceclip.services.speech import speaker_clusters as sc
from spaceclip.services.speech.audio import ArrayAudio, Audio, mean_square
from spaceclip.services.speech.speaker_clusters import normalise
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, VoiceTurn, Word

if TYPE_CHECKING:
    from resemblyzer import VoiceEncoder

__all__ = [
    "SpeakerTurn",
    "apply_turns",
    "assign_speakers",
    "diarize",
    "load_encoder",
    "speech_regions",
    "split_segments",
    "spread_regions",
    "warm_up",
    "window_spans",
    "word_regions",
]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
WINDOW_S = 0.75  # long enough for a d-vector, short enough to hear a 0.5 s interjection (1.0 s missed them)
HOP_S = 0.2
MIN_WINDOW_S = 0.5
FRAME_S = 0.1  # the re-segmentation's resolution
WORD_PAD_S = 0.1  # around words, when the VAD hears nothing
WORD_JOIN_S = 0.3
MAX_SPEAKERS = 12  # the most a hint may ask for
MAX_FOUND = 8  # the most found without a hint
#: Less speech than this (s) is one speaker unless the count is given: a few seconds of one voice
#: make too few windows for the silhouette to tell a split voice from two people (a 3 s espeak-ng
#: sentence split into four "speakers" with 0.31-0.37 silhouettes).
MIN_SPLIT_SPEECH_S = 5.0
MAX_CLUSTERED = 1500  # windows clustered at most (about 5 min of speech); the others follow the centroids
VAD_THRESHOLD = 0.35
VAD_MIN_SILENCE_MS = 300
VAD_PAD_MS = 30
VAD_MIN_SPEECH_MS = 100
_VAD_BLOCK_S = 300.0
_MEL_STEP_S = 0.01  # resemblyzer's mel hop (10 ms)
_BATCH = 64
_N_FFT = 400  # 25 ms at 16 kHz
_HOP = 160  # 10 ms at 16 kHz
_BLOCK_S = 300.0  # audio embedded per block: its mel frames stay under 100 MB

_DEVICE = "cpu"
_N_MELS = 40


def load_encoder() -> VoiceEncoder:
    """The voice encoder, loaded on first use and then kept for the process."""
    return MODELS.get(("resemblyzer", _DEVICE), _load_encoder)


def _load_encoder() -> VoiceEncoder:
    with warnings.catch_warnings():
        # webrtcvad (a resemblyzer dependency) still imports pkg_resources; nothing to act on.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        from resemblyzer import VoiceEncoder

    started = time.perf_counter()
    encoder = VoiceEncoder(device=_DEVICE, verbose=False)
    encoder.eval()
    log.info("loaded the voice encoder in %.2f s", time.perf_counter() - started)
    return encoder


# --- pure helpers -------------------------------------------------------------------------------


def window_spans(
    start: float, end: float, *, window: float = WINDOW_S, hop: float = HOP_S, min_window: float = MIN_WINDOW_S
) -> list[tuple[float, float]]:
    """Windows of ``window`` s every ``hop`` s covering [start, end]; the last one ends at ``end``.

    A span shorter than a window is one window (at least ``min_window`` long, centred).
    """
    length = end - start
    if length <= window:
        if length < min_window:
            middle = (start + end) / 2
            return [(max(0.0, middle - min_window / 2), middle + min_window / 2)]
        return [(start, end)]
    spans: list[tuple[float, float]] = []
    t = start
    while t + window < end:
        spans.append((round(t, 3), round(t + window, 3)))
        t += hop
    spans.append((round(end - window, 3), round(end, 3)))
    return spans


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    """``speaker`` (0..n-1, in order of first appearance) talks from ``start`` to ``end`` (s)."""

    start: float
    end: float
    speaker: int


def word_regions(
    words: Sequence[Word], *, pad: float = WORD_PAD_S, join: float = WORD_JOIN_S
) -> list[tuple[float, float]]:
    """Speech as the words say it: each word padded by ``pad``, gaps under ``join`` s closed."""
    out: list[list[float]] = []
    for word in sorted(words, key=lambda w: w.start):
        start, end = max(0.0, word.start - pad), word.end + pad
        if out and start - out[-1][1] < join:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(round(lo, 3), round(hi, 3)) for lo, hi in out]


def join_regions(regions: Sequence[tuple[float, float]], *, gap: float = 0.0) -> list[tuple[float, float]]:
    """Sorted regions with those closer than ``gap`` (or overlapping) joined."""
    out: list[list[float]] = []
    for lo, hi in sorted(regions):
        if out and lo - out[-1][1] <= gap:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def turns_of(starts: np.ndarray, ends: np.ndarray, path: np.ndarray) -> list[SpeakerTurn]:
    """Frames (``starts``/``ends``, time-ordered) with speaker ``path`` joined into turns; touching
    frames of one speaker make one turn, and speakers are renumbered by first appearance."""
    order: dict[int, int] = {}
    turns: list[SpeakerTurn] = []
    for lo, hi, label in zip(starts.tolist(), ends.tolist(), path.tolist(), strict=True):
        speaker = order.setdefault(int(label), len(order))
        last = turns[-1] if turns else None
        if last is not None and last.speaker == speaker and lo - last.end < 1e-6:
            turns[-1] = SpeakerTurn(last.start, round(hi, 3), speaker)
        else:
            turns.append(SpeakerTurn(round(lo, 3), round(hi, 3), speaker))
    return turns


def word_speakers(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> list[int]:
    """Each word's speaker: the one whose turns cover most of the word, else the nearest turn's."""
    if not turns:
        return [0] * len(words)
    starts = np.array([t.start for t in turns])
    ends = np.array([t.end for t in turns])
    speakers = np.array([t.speaker for t in turns])
    count = int(speakers.max()) + 1
    out: list[int] = []
    for word in words:
        overlap = np.clip(np.minimum(ends, word.end) - np.maximum(starts, word.start), 0.0, None)
        if overlap.max() > 0:
            out.append(int(np.bincount(speakers, weights=overlap, minlength=count).argmax()))
            continue
        middle = (word.start + word.end) / 2
        distance = np.maximum(starts - middle, 0.0) + np.maximum(middle - ends, 0.0)
        out.append(int(speakers[int(distance.argmin())]))
    return out


def split_segments(segments: Sequence[Segment], word_speakers: Sequence[str]) -> list[Segment]:
    """Give every word its speaker and cut segments where the speaker changes."""
    out: list[Segment] = []
    i = 0
    for segment in segments:
        if not segment.words:
            # A segment without word times keeps the speaker of the word before it.
            speaker = out[-1].speaker if out else (word_speakers[0] if word_speakers else None)
            out.append(replace(segment, speaker=speaker))
            continue
        current: list[Word] = []
        for word in segment.words:
            speaker = word_speakers[i]
            i += 1
            if current and current[-1].speaker != speaker:
                out.append(_segment_of(current, len(current) == len(segment.words), segment))
                current = []
            current.append(replace(word, speaker=speaker))
        out.append(_segment_of(current, len(current) == len(segment.words), segment))
    return out


def _segment_of(words: list[Word], whole: bool, original: Segment) -> Segment:
    text = original.text if whole else " ".join(w.word for w in words)
    return Segment(start=words[0].start, end=words[-1].end, text=text, speaker=words[0].speaker, words=tuple(words))


# --- the stage --------------------------------------------------------------------------------------


def _mel_filters() -> np.ndarray:
    """The encoder's mel filterbank, built once (librosa's first import takes seconds)."""
    return MODELS.get(("mel-filters", SAMPLE_RATE, _N_FFT, _N_MELS), _build_mel_filters)


def _build_mel_filters() -> np.ndarray:
    from librosa.filters import mel

    return np.asarray(mel(sr=SAMPLE_RATE, n_fft=_N_FFT, n_mels=_N_MELS), dtype=np.float32)


def mel_spectrogram(samples: np.ndarray) -> np.ndarray:
    """The encoder's input features: 40-band power mel spectrogram, 25 ms windows, 10 ms hop.

    Same numbers as ``resemblyzer.audio.wav_to_mel_spectrogram`` (librosa, centred, zero padded),
    computed with one NumPy FFT to skip librosa's slow first call.
    """
    audio = ArrayAudio(samples)
    return mel_frames(audio, 0, _mel_count(audio.frames))


def _mel_count(frames: int) -> int:
    return 1 + frames // _HOP


def mel_frames(audio: Audio, first: int, stop: int, *, gain: float = 1.0) -> np.ndarray:
    """Mel frames ``first..stop`` of the whole audio's :func:`mel_spectrogram` (times ``gain``
    applied to the samples), reading only the samples under them."""
    lo, hi = first * _HOP - _N_FFT // 2, (stop - 1) * _HOP + _N_FFT // 2
    samples = audio.read(lo, hi)
    before = max(0, -lo)  # the centred zero padding at the file's edges
    after = (hi - lo) - before - samples.size
    padded = np.pad(samples.astype(np.float32) * np.float32(gain), (before, after), mode="constant")
    count = stop - first
    stride = padded.strides[0]
    frames = np.lib.stride_tricks.as_strided(padded, (count, _N_FFT), (stride * _HOP, stride))
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_N_FFT) / _N_FFT)).astype(np.float32)
    # SciPy's FFT stays in float32 (NumPy's works in float64): ten times faster, same mel frames.
    power = np.abs(scipy.fft.rfft(frames * window, axis=1)) ** 2
    return np.asarray(power @ _mel_filters().T, dtype=np.float32)


def _volume_gain(mean_square_level: float, target_dbfs: float = -30.0) -> float:
    """The gain that raises quiet audio to ``target_dbfs`` RMS (never lowers it), as the encoder was trained."""
    if mean_square_level <= 0:
        return 1.0
    gain_db = target_dbfs - 10 * np.log10(mean_square_level)
    return float(10 ** (gain_db / 20)) if gain_db > 0 else 1.0


def _embed(audio: Audio, windows: Sequence[tuple[float, float]]) -> np.ndarray:
    """d-vectors (L2-normalised) of the audio under each window (time-ordered), computed over
    blocks of about :data:`_BLOCK_S` so only one block's audio and mel frames are in memory."""
    import torch

    encoder = load_encoder()
    gain = _volume_gain(mean_square(audio))
    count = _mel_count(audio.frames)
    spans: list[tuple[int, int]] = []
    for start, end in windows:
        first = min(round(start / _MEL_STEP_S), count - 1)
        spans.append((first, min(max(first + 1, round(end / _MEL_STEP_S)), count)))
    out = np.zeros((len(windows), 256), dtype=np.float32)
    block_frames = round(_BLOCK_S / _MEL_STEP_S)
    i = 0
    with torch.inference_mode():
        while i < len(spans):
            j = i
            while j < len(spans) and spans[j][1] - spans[i][0] <= block_frames:
                j += 1
            j = max(j, i + 1)
            first, stop = spans[i][0], max(s for _, s in spans[i:j])
            mel = mel_frames(audio, first, stop, gain=gain)
            # Windows of one length go through the LSTM together; short runs add a few odd lengths.
            by_length: dict[int, list[int]] = {}
            for k in range(i, j):
                by_length.setdefault(spans[k][1] - spans[k][0], []).append(k)
            for indices in by_length.values():
                for k in range(0, len(indices), _BATCH):
                    batch = indices[k : k + _BATCH]
                    mels = np.stack([mel[spans[b][0] - first : spans[b][1] - first] for b in batch])
                    out[batch] = encoder(torch.from_numpy(mels)).numpy()
            i = j
    return normalise(out)


def speech_regions(audio: Audio) -> list[tuple[float, float]]:
    """Where anyone speaks (s), by Silero VAD over blocks of :data:`_VAD_BLOCK_S`, joined across blocks."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=VAD_THRESHOLD,
        min_silence_duration_ms=VAD_MIN_SILENCE_MS,
        speech_pad_ms=VAD_PAD_MS,
        min_speech_duration_ms=VAD_MIN_SPEECH_MS,
    )
    block = round(_VAD_BLOCK_S * SAMPLE_RATE)
    regions: list[tuple[float, float]] = []
    for first in range(0, audio.frames, block):
        samples = audio.read(first, min(audio.frames, first + block)).astype(np.float32)
        for r in get_speech_timestamps(samples, options):
            regions.append(((first + r["start"]) / SAMPLE_RATE, (first + r["end"]) / SAMPLE_RATE))
    return [(round(lo, 3), round(hi, 3)) for lo, hi in join_regions(regions, gap=VAD_MIN_SILENCE_MS / 1000)]


def spread_regions(windows_per_region: Sequence[int], most: int) -> list[int]:
    """Indices of regions spread evenly over the recording holding at most ``most`` windows in all
    (every region when they fit; at least the first)."""
    total = sum(windows_per_region)
    if total <= most:
        return list(range(len(windows_per_region)))
    step = total / most
    picked: list[int] = []
    budget = 0.0
    for i, count in enumerate(windows_per_region):
        budget += count / step
        if budget >= count:
            picked.append(i)
            budget -= count
    return picked or [0][: len(windows_per_region)]


def diarize(audio: Audio, words: Sequence[Word], *, num_speakers: int | None = None) -> list[SpeakerTurn]:
    """Who spoke when in ``audio``: turns in time order, speakers numbered by first appearance.

    Args:
        audio: the recording (16 kHz mono).
        words: its words with times; they stand in for speech when the VAD hears none.
        num_speakers: how many speakers there are, if the user knows (1..:data:`MAX_SPEAKERS`).
    """
    regions = speech_regions(audio) or word_regions(words)
    if not regions:
        return []
    per_region = [window_spans(lo, hi, window=WINDOW_S, hop=HOP_S, min_window=MIN_WINDOW_S) for lo, hi in regions]
    windows = [span for spans in per_region for span in spans]
    raw = _embed(audio, windows)
    hint = None if num_speakers is None else max(1, min(num_speakers, MAX_SPEAKERS))
    if hint is None and sum(hi - lo for lo, hi in regions) < MIN_SPLIT_SPEECH_S:
        hint = 1
    picked = spread_regions([len(spans) for spans in per_region], MAX_CLUSTERED)
    grid = sc.Grid.build(regions, windows, FRAME_S)
    if len(picked) == len(regions):
        result = sc.choose_speakers(sc.centre(raw), grid, hint=hint, most=MAX_FOUND)
    else:
        # Cluster the windows of regions spread over the episode (centred on their own mean, as a
        # short recording is), then let every window follow the nearest centroid and re-segment.
        offsets = np.cumsum([0] + [len(spans) for spans in per_region])
        rows = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in picked])
        sample_grid = sc.Grid.build([regions[i] for i in picked], [windows[r] for r in rows], FRAME_S)
        centred = sc.centre(raw, mean=raw[rows].mean(axis=0))
        sample = sc.choose_speakers(centred[rows], sample_grid, hint=hint, most=MAX_FOUND)
        anchors = sc.centroids(centred[rows], sample.windows, sample.count)
        result = sc.resegment(centred, np.argmax(centred @ anchors.T, axis=1), grid)
    return turns_of(grid.starts, grid.ends, result.frames)


def apply_turns(transcript: Transcript, turns: Sequence[SpeakerTurn]) -> Transcript:
    """``transcript`` with every word and segment given its speaker from ``turns`` (``Speaker 1..n``
    in order of first appearance among the words), segments split where the speaker changes, and
    the turns kept as the transcript's voice turns under those labels."""
    words = list(transcript.words)
    if not words:
        return replace(transcript, speakers=())
    labels = word_speakers(words, turns)
    order = list(dict.fromkeys(labels))
    names = {label: f"Speaker {n}" for n, label in enumerate(order, start=1)}
    segments = split_segments(transcript.segments, [names[label] for label in labels])
    speakers = tuple(Speaker(label=names[label]) for label in order)
    # A voice no word was given to has no label; its turns are left out.
    voices = tuple(VoiceTurn(t.start, t.end, names[t.speaker]) for t in turns if t.speaker in names)
    return replace(transcript, speakers=speakers, segments=tuple(segments), turns=voices)


def warm_up() -> None:
    """Load the voice encoder and the VAD now, so the first job does not wait for them."""
    from faster_whisper.vad import get_vad_model

    load_encoder()
    _mel_filters()
    get_vad_model()


def assign_speakers(
    transcript: Transcript, samples: np.ndarray | Audio, *, num_speakers: int | None = None
) -> Transcript:
    """Label every word and segment of ``transcript`` with ``Speaker 1..n``.

    Args:
        transcript: segments with word times (from :func:`spaceclip.services.speech.transcribe.transcribe`).
        samples: the same audio: float32 samples at 16 kHz, or an :class:`Audio` read a block at a time.
        num_speakers: how many speakers there are, if the user knows.
    """
    words = list(transcript.words)
    if not words:
        return replace(transcript, speakers=())
    started = time.perf_counter()
    audio = ArrayAudio(samples) if isinstance(samples, np.ndarray) else samples
    turns = diarize(audio, words, num_speakers=num_speakers)
    labelled = apply_turns(transcript, turns)
    log.info(
        "found %d speakers in %d turns in %.2f s",
        len(labelled.speakers),
        len(turns),
        time.perf_counter() - started,
    )
    return labelled
