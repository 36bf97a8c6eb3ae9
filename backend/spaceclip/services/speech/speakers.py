"""Who spoke when, offline: speaker embeddings over speech windows, clustered, mapped onto words.

1. Speech runs: consecutive words with no pause of :data:`RUN_GAP_S` or more between them.
2. Windows of :data:`WINDOW_S` every :data:`HOP_S` inside each run (a short run is one window),
   so no window straddles a pause, where speaker changes usually happen.
3. Each window gets a d-vector from ``resemblyzer``'s voice encoder, computed over blocks of the
   audio read from disk one at a time (its weights ship in the wheel;
   the encoder loads once per process, kept in :data:`~spaceclip.services.models_cache.MODELS`).
4. Agglomerative clustering on cosine distance (average linkage). The number of speakers is the
   ``num_speakers`` hint when given, otherwise the cut at :data:`DISTANCE_THRESHOLD`, with clusters
   holding under :data:`MIN_SPEAKER_SHARE` of the windows folded into their nearest neighbour.
   A long episode clusters :data:`MAX_CLUSTERED` windows spread over it, and the others join the
   nearest centroid, so memory stays flat.
5. Every word is scored against each speaker centroid with the windows covering its midpoint;
   stretches shorter than :data:`MIN_STRETCH_WORDS` words inside one run are smoothed away, so a
   single word never flips speaker. Segments are re-split where the speaker changes and speakers are
   named ``Speaker 1..n`` in order of first appearance.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from spaceclip.services.models_cache import MODELS
from spaceclip.services.speech.audio import ArrayAudio, Audio, mean_square
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word

if TYPE_CHECKING:
    from resemblyzer import VoiceEncoder

__all__ = [
    "assign_speakers",
    "cluster_embeddings",
    "cluster_sample",
    "label_words",
    "load_encoder",
    "speech_runs",
    "split_segments",
    "window_spans",
]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
RUN_GAP_S = 0.25
WINDOW_S = 1.6  # the encoder's own partial-utterance length (160 mel frames)
HOP_S = 0.4
MIN_WINDOW_S = 0.3
DISTANCE_THRESHOLD = 0.33
MIN_SPEAKER_SHARE = 0.04
MIN_STRETCH_WORDS = 3
MAX_SPEAKERS = 12
MAX_CLUSTERED = 4000  # windows clustered at most (its distance matrix is 64 MB); the rest join the nearest
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


@dataclass(frozen=True, slots=True)
class Run:
    """Words ``first..last`` (inclusive indices) spoken without a pause, from ``start`` to ``end``."""

    first: int
    last: int
    start: float
    end: float


def speech_runs(words: Sequence[Word], *, gap: float = RUN_GAP_S) -> list[Run]:
    """Split time-ordered words into runs at pauses of ``gap`` seconds or more."""
    runs: list[Run] = []
    for i, word in enumerate(words):
        if runs and word.start - runs[-1].end < gap:
            last = runs[-1]
            runs[-1] = Run(last.first, i, last.start, max(last.end, word.end))
        else:
            runs.append(Run(i, i, word.start, word.end))
    return runs


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


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9))


def cluster_embeddings(
    embeddings: np.ndarray,
    *,
    num_speakers: int | None = None,
    threshold: float = DISTANCE_THRESHOLD,
    min_share: float = MIN_SPEAKER_SHARE,
) -> np.ndarray:
    """Cluster L2-normalised embeddings; returns labels 0..k-1 (k = ``num_speakers`` if given).

    Without a hint, average-linkage clustering is cut at cosine distance ``threshold`` and clusters
    holding less than ``min_share`` of the windows join the nearest bigger cluster.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = len(embeddings)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1 or num_speakers == 1:
        return np.zeros(n, dtype=np.int64)
    tree = linkage(embeddings, method="average", metric="cosine")
    if num_speakers is not None:
        raw = fcluster(tree, t=min(num_speakers, n), criterion="maxclust")
    else:
        raw = fcluster(tree, t=threshold, criterion="distance")
    labels = np.unique(raw, return_inverse=True)[1].astype(np.int64)
    if num_speakers is None:
        labels = _fold_small(embeddings, labels, max(2, int(np.ceil(min_share * n))))
        labels = _cap(embeddings, labels, MAX_SPEAKERS)
    return labels


def cluster_sample(embeddings: np.ndarray, *, num_speakers: int | None = None, most: int = MAX_CLUSTERED) -> np.ndarray:
    """:func:`cluster_embeddings` on at most ``most`` windows spread evenly over the recording, the
    others given the cluster of the nearest centroid (the distance matrix of a four-hour episode's
    every window would take gigabytes)."""
    n = len(embeddings)
    if n <= most:
        return cluster_embeddings(embeddings, num_speakers=num_speakers)
    picked = np.linspace(0, n - 1, most).round().astype(np.int64)
    labels = cluster_embeddings(embeddings[picked], num_speakers=num_speakers)
    centroids = _centroids(embeddings[picked], labels)
    out = np.argmax(embeddings @ centroids.T, axis=1).astype(np.int64)
    return np.unique(out, return_inverse=True)[1].astype(np.int64)


def _centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = int(labels.max()) + 1
    return _normalise(np.stack([embeddings[labels == c].mean(axis=0) for c in range(k)]))


def _fold_small(embeddings: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Move the windows of clusters smaller than ``min_size`` to the nearest big cluster."""
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= min_size)
    if len(big) == 0 or len(big) == len(sizes):
        return labels
    centroids = _centroids(embeddings, labels)[big]
    out = labels.copy()
    small = ~np.isin(labels, big)
    out[small] = big[np.argmax(embeddings[small] @ centroids.T, axis=1)]
    return np.unique(out, return_inverse=True)[1].astype(np.int64)


def _cap(embeddings: np.ndarray, labels: np.ndarray, most: int) -> np.ndarray:
    """Merge the closest pair of clusters until there are at most ``most``."""
    while labels.max() + 1 > most:
        c = _centroids(embeddings, labels)
        sim = c @ c.T
        np.fill_diagonal(sim, -np.inf)
        a, b = np.unravel_index(int(np.argmax(sim)), sim.shape)
        labels = np.where(labels == max(a, b), min(a, b), labels)
        labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    return labels


def smooth_labels(labels: Sequence[int], runs: Sequence[Run], *, min_words: int = MIN_STRETCH_WORDS) -> list[int]:
    """Absorb stretches of fewer than ``min_words`` words into a neighbouring stretch of the same run.

    The shortest stretch goes first (the earliest on ties) and takes the label of its longer
    neighbour, until every stretch in the run is long enough or the run has one label.
    """
    out = list(labels)
    for run in runs:
        segment = out[run.first : run.last + 1]
        while True:
            stretches = _stretches(segment)
            short = [i for i, (lo, hi, _) in enumerate(stretches) if hi - lo < min_words]
            if len(stretches) == 1 or not short:
                break
            idx = min(short, key=lambda i: stretches[i][1] - stretches[i][0])
            lo, hi, _ = stretches[idx]
            neighbours = [stretches[j] for j in (idx - 1, idx + 1) if 0 <= j < len(stretches)]
            target = max(neighbours, key=lambda s: s[1] - s[0])
            segment[lo:hi] = [target[2]] * (hi - lo)
        out[run.first : run.last + 1] = segment
    return out


def _stretches(labels: Sequence[int]) -> list[tuple[int, int, int]]:
    """Maximal equal-label stretches as (start, stop, label)."""
    stretches: list[tuple[int, int, int]] = []
    for i, label in enumerate(labels):
        if stretches and stretches[-1][2] == label:
            stretches[-1] = (stretches[-1][0], i + 1, label)
        else:
            stretches.append((i, i + 1, label))
    return stretches


def label_words(
    words: Sequence[Word],
    windows: Sequence[tuple[float, float]],
    window_labels: np.ndarray,
    scores: np.ndarray,
) -> list[int]:
    """A cluster per word: the best-scoring cluster summed over the windows covering its midpoint
    (the nearest window when none covers it). ``scores`` is windows x clusters similarity."""
    starts = np.array([w[0] for w in windows])
    ends = np.array([w[1] for w in windows])
    middles = (starts + ends) / 2
    out: list[int] = []
    for word in words:
        mid = (word.start + word.end) / 2
        covering = np.flatnonzero((starts <= mid) & (ends >= mid))
        if covering.size == 0:
            out.append(int(window_labels[int(np.argmin(np.abs(middles - mid)))]))
        else:
            out.append(int(np.argmax(scores[covering].sum(axis=0))))
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
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
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
    return _normalise(out)


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
    runs = speech_runs(words)
    windows = [span for run in runs for span in window_spans(run.start, run.end)]
    audio = ArrayAudio(samples) if isinstance(samples, np.ndarray) else samples
    embeddings = _embed(audio, windows)
    if num_speakers is not None:
        num_speakers = max(1, min(num_speakers, MAX_SPEAKERS))
    clusters = cluster_sample(embeddings, num_speakers=num_speakers)
    scores = embeddings @ _centroids(embeddings, clusters).T
    word_clusters = smooth_labels(label_words(words, windows, clusters, scores), runs)
    # Speaker 1 is whoever speaks first.
    order = list(dict.fromkeys(word_clusters))
    names = {cluster: f"Speaker {n}" for n, cluster in enumerate(order, start=1)}
    segments = split_segments(transcript.segments, [names[c] for c in word_clusters])
    log.info(
        "found %d speakers in %d windows in %.2f s",
        len(order),
        len(windows),
        time.perf_counter() - started,
    )
    speakers = tuple(Speaker(label=names[c]) for c in order)
    return replace(transcript, speakers=speakers, segments=tuple(segments))
