"""Who is who: speaker embeddings clustered into voices, then re-segmented frame by frame (pure NumPy).

The speaker stage (:mod:`spaceclip.services.speech.speakers`) hands over one d-vector per short
window of speech. Here:

1. :func:`centre` takes the recording's mean embedding out of every window. What all windows share
   (the room, the microphone, the phone line) then no longer counts as "the same voice", and only
   what tells the speakers apart is left.
2. :func:`spectral_labels` clusters them (spectral clustering on a k-nearest-neighbour affinity, the
   neighbourhood size chosen by the normalised maximum eigengap, NME-SC), for a given count.
3. :func:`resegment` turns window clusters into a speaker per frame: each frame is scored against
   each speaker's centroid by the windows covering it, a Viterbi pass with a switch penalty picks
   the best path (so one stray window never flips the speaker), the windows take the label of the
   frames under them, and this repeats until it settles.
4. :func:`choose_speakers` finds how many people talk when nobody said: more speakers while no
   two of them share a voice (:data:`SAME_VOICE_SIMILARITY`), or one when no split is separated
   better than one voice split in parts (:data:`ONE_VOICE_SILHOUETTE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = [
    "ONE_VOICE_SILHOUETTE",
    "SAME_VOICE_SIMILARITY",
    "Clustering",
    "Grid",
    "centre",
    "choose_speakers",
    "normalise",
    "resegment",
    "spectral_labels",
    "spectral_vectors",
    "viterbi",
]

#: Below this silhouette (cosine, centred d-vectors) no split is better than one voice: one speaker
#: split any way measured 0.09-0.12 on the test recordings, the best split of 2-4 people 0.26-0.33.
ONE_VOICE_SILHOUETTE = 0.18
#: Two speakers whose centroids (centred d-vectors) are this alike are one voice split in two: on
#: the test conversations the true speakers measured -1.0..0.03, one extra split 0.15-0.86.
SAME_VOICE_SIMILARITY = 0.1
#: The cost of changing speaker between frames, in summed cosine similarity (a frame is 0.1 s).
SWITCH_PENALTY = 0.2
#: The weight of the whole affinity added to the k-NN graph (see spectral_vectors).
_CONNECT = 1e-5
_NEIGHBOUR_SHARES = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
_ITERATIONS = 4
_KMEANS_STARTS = 4


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


def centre(embeddings: np.ndarray, *, mean: np.ndarray | None = None) -> np.ndarray:
    """Embeddings less their mean (or ``mean``), re-normalised: the channel all windows share is
    taken out."""
    if mean is None:
        if len(embeddings) < 2:
            return normalise(embeddings)
        mean = embeddings.mean(axis=0)
    return normalise(embeddings - mean[None, :])


def centroids(embeddings: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Each label's normalised mean embedding (zero for a label with no rows)."""
    sums = np.zeros((count, embeddings.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, embeddings)
    return normalise(sums)


def spectral_vectors(embeddings: np.ndarray, most: int) -> np.ndarray:
    """The first ``most`` + 1 eigenvectors of the normalised Laplacian of the k-NN affinity whose
    neighbourhood gives the clearest eigengap (NME-SC: the smallest share / largest gap)."""
    from scipy.linalg import eigh

    n = len(embeddings)
    affinity = embeddings @ embeddings.T
    order = np.argsort(-affinity, axis=1)
    best: tuple[float, np.ndarray] | None = None
    count = min(most + 1, n)
    for share in _NEIGHBOUR_SHARES:
        p = max(2, int(share * n))
        if p >= n:
            continue
        binary = np.zeros_like(affinity)
        np.put_along_axis(binary, order[:, :p], 1.0, axis=1)
        # A faint copy of the (positive) affinity keeps the graph in one piece: a neighbourhood that
        # splits one voice into two islands would leave more zero eigenvalues than voices, and the
        # eigenvectors LAPACK returns for them are any basis of that space (they differ by version).
        binary = np.maximum(binary, binary.T) + _CONNECT * np.clip(affinity, 0.0, None)
        degree = binary.sum(axis=1)
        scale = 1.0 / np.sqrt(degree)
        laplacian = np.eye(n) - scale[:, None] * binary * scale[None, :]
        values, vectors = eigh(laplacian, subset_by_index=[0, count - 1])
        gap = float(np.max(np.diff(values))) if count > 1 else 0.0
        ratio = (p / n) / (gap + 1e-9)
        if best is None or ratio < best[0]:
            best = (ratio, vectors)
    if best is None:  # too few windows for any neighbourhood: the affinity itself
        return np.asarray(np.linalg.eigh(np.eye(n) - affinity / n)[1][:, :count])
    return best[1]


def spectral_labels(
    embeddings: np.ndarray, count: int, *, most: int = 12, vectors: np.ndarray | None = None, seed: int = 0
) -> np.ndarray:
    """Labels 0..count-1 for (centred, normalised) embeddings by spectral clustering.

    ``vectors`` are the Laplacian's eigenvectors from :func:`spectral_vectors` (at least ``count``
    of them), computed here when not given.
    """
    from scipy.cluster.vq import kmeans2

    n = len(embeddings)
    if count <= 1:
        return np.zeros(n, dtype=np.int64)
    if n <= count:
        return np.arange(n, dtype=np.int64)
    if vectors is None or vectors.shape[1] < count:
        vectors = spectral_vectors(embeddings, max(count, most))
    points = normalise(vectors[:, :count]).astype(np.float64)
    best: tuple[float, np.ndarray] | None = None
    for attempt in range(_KMEANS_STARTS):
        centres, labels = kmeans2(points, count, minit="++", seed=seed + attempt)
        inertia = float(((points - centres[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return np.asarray(best[1], dtype=np.int64)


@dataclass(frozen=True)
class Grid:
    """Frames (``FRAME_S`` apart) over speech, and which windows cover which frames.

    ``cover`` is frames x windows: row f averages the windows covering frame f's middle.
    ``under`` is windows x frames: 1 where the frame's middle lies inside the window.
    """

    starts: np.ndarray  # frame starts, s
    ends: np.ndarray  # frame ends, s
    cover: sparse.csr_matrix
    under: sparse.csr_matrix

    @classmethod
    def build(cls, regions: list[tuple[float, float]], windows: list[tuple[float, float]], frame: float) -> Grid:
        """Frames of ``frame`` s tiling each region (the last one shorter) and their windows."""
        starts: list[float] = []
        ends: list[float] = []
        for lo, hi in regions:
            count = max(1, int(np.ceil((hi - lo) / frame - 1e-9)))
            edges = lo + frame * np.arange(count + 1)
            edges[-1] = hi
            starts.extend(edges[:-1].tolist())
            ends.extend(edges[1:].tolist())
        s, e = np.asarray(starts), np.asarray(ends)
        middles = (s + e) / 2
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for w, (lo, hi) in enumerate(windows):
            first, stop = np.searchsorted(middles, lo, "left"), np.searchsorted(middles, hi, "right")
            rows.append(np.arange(first, stop))
            cols.append(np.full(stop - first, w))
        frame_idx = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        window_idx = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        ones = np.ones(frame_idx.size, dtype=np.float32)
        under = sparse.csr_matrix((ones, (window_idx, frame_idx)), shape=(len(windows), len(s)))
        covered = sparse.csr_matrix((ones, (frame_idx, window_idx)), shape=(len(s), len(windows)))
        counts = np.asarray(covered.sum(axis=1)).ravel()
        # A frame no window covers (a region's tail) borrows the nearest window.
        lonely = np.flatnonzero(counts == 0)
        if lonely.size and windows:
            w_mid = np.array([(lo + hi) / 2 for lo, hi in windows])
            order = np.argsort(w_mid)
            sorted_mid = w_mid[order]
            right = (
                np.searchsorted(sorted_mid, middles[lonely]).clip(1, len(order) - 1)
                if len(order) > 1
                else np.zeros(lonely.size, dtype=np.int64)
            )
            left = (right - 1).clip(0)
            closer_left = np.abs(sorted_mid[left] - middles[lonely]) <= np.abs(sorted_mid[right] - middles[lonely])
            nearest = order[np.where(closer_left, left, right)]
            extra = sparse.csr_matrix((np.ones(lonely.size, dtype=np.float32), (lonely, nearest)), shape=covered.shape)
            covered = covered + extra
            counts = np.asarray(covered.sum(axis=1)).ravel()
        cover = sparse.diags(1.0 / np.maximum(counts, 1.0)) @ covered
        return cls(s, e, sparse.csr_matrix(cover), under)

    @property
    def size(self) -> int:
        return int(self.starts.size)


def viterbi(scores: np.ndarray, penalty: float) -> np.ndarray:
    """The label path maximising the summed ``scores`` (frames x labels) less ``penalty`` per change."""
    frames, labels = scores.shape
    if frames == 0:
        return np.zeros(0, dtype=np.int64)
    back = np.zeros((frames, labels), dtype=np.int64)
    total = scores[0].astype(np.float64).copy()
    keep = np.arange(labels)
    for t in range(1, frames):
        best = int(total.argmax())
        moved = total[best] - penalty
        stay = total >= moved
        back[t] = np.where(stay, keep, best)
        total = np.where(stay, total, moved) + scores[t]
    path = np.zeros(frames, dtype=np.int64)
    path[-1] = int(total.argmax())
    for t in range(frames - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


@dataclass(frozen=True)
class Clustering:
    """Window labels and the frame path they settle into (labels 0..count-1, all used)."""

    windows: np.ndarray
    frames: np.ndarray
    count: int


def resegment(embeddings: np.ndarray, labels: np.ndarray, grid: Grid, *, penalty: float = SWITCH_PENALTY) -> Clustering:
    """Re-segment: frames follow the centroids of ``labels`` (Viterbi), windows follow their frames,
    until nothing changes (at most a few rounds). Labels that lose every window are dropped."""
    labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    count = int(labels.max()) + 1 if labels.size else 1
    path = np.zeros(grid.size, dtype=np.int64)
    for _ in range(_ITERATIONS):
        window_scores = embeddings @ centroids(embeddings, labels, count).T
        path = viterbi(np.asarray(grid.cover @ window_scores), penalty)
        votes = np.asarray(grid.under @ np.eye(count, dtype=np.float32)[path])
        has_frames = votes.sum(axis=1) > 0
        new = np.where(has_frames, votes.argmax(axis=1), labels)
        used, new = np.unique(new, return_inverse=True)
        new = new.astype(np.int64)
        if len(used) == count and np.array_equal(new, labels):
            break
        if len(used) < count:
            path = np.searchsorted(used, path).clip(0, len(used) - 1)
        labels, count = new, len(used)
    return Clustering(labels, path, count)


def _silhouette(embeddings: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(np.unique(labels)) < 2 or len(labels) <= len(np.unique(labels)):
        return -1.0
    return float(silhouette_score(embeddings, labels, metric="cosine"))


def _most_alike(centred: np.ndarray, clustering: Clustering) -> float:
    """The cosine similarity of the two most alike speaker centroids (centred d-vectors)."""
    c = centroids(centred, clustering.windows, clustering.count)
    similarity = c @ c.T
    np.fill_diagonal(similarity, -1.0)
    return float(similarity.max())


def choose_speakers(centred: np.ndarray, grid: Grid, *, hint: int | None, most: int) -> Clustering:
    """Cluster the (centred) windows into speakers, re-segmented on ``grid``.

    With ``hint``, that many. Otherwise the count grows from two while every pair of speakers stays
    apart (centroid similarity under :data:`SAME_VOICE_SIMILARITY`; a voice split in two gives two
    centroids pointing the same way), up to ``most``. When none of those splits is better separated
    than one voice split in parts (silhouette under :data:`ONE_VOICE_SILHOUETTE`), it is one speaker.
    """
    n = len(centred)
    one = Clustering(np.zeros(n, dtype=np.int64), np.zeros(grid.size, dtype=np.int64), 1)
    if n < 2 or hint == 1:
        return one
    if hint is not None:
        return resegment(centred, spectral_labels(centred, min(hint, n), most=max(hint, most)), grid)
    vectors = spectral_vectors(centred, most)
    best: Clustering | None = None
    separation = -1.0  # the best silhouette of the splits kept
    for count in range(2, min(most, n - 1) + 1):
        candidate = resegment(centred, spectral_labels(centred, count, vectors=vectors), grid)
        if candidate.count < count or (best is not None and _most_alike(centred, candidate) >= SAME_VOICE_SIMILARITY):
            break
        separation = max(separation, _silhouette(centred, candidate.windows))
        best = candidate
    if best is None or separation < ONE_VOICE_SILHOUETTE:
        return one
    return best
