"""Search a transcript for moments: the query checked, sentence vectors cached on disk, the LLM when it answers.

The sentence vectors of a project's transcript are kept in ``<output>/<project>/search/`` as one
``.npz`` named by the hash of the model and the sentences' texts, so the first query embeds the
transcript and every later one only its own words; an edited transcript gets a new file and the old
one is removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.errors import Conflict, ModelMissing, ValidationFailed
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.highlights.embeddings import get_embedder
from spaceclip.services.highlights.lexicon import covers
from spaceclip.services.highlights.llm import client_from_settings, log_note_once
from spaceclip.services.highlights.search import SearchHit, SearchOptions, llm_rerank, rank_windows
from spaceclip.services.highlights.sentences import SplitOptions, split_sentences
from spaceclip.services.highlights.types import Sentence
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.projects import get_project
from spaceclip.usecases.transcripts import load_transcript

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "SearchOutcome",
    "check_query",
    "search_project",
    "search_transcript",
    "sentence_vectors",
]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
LLM_RESULTS = 5  # how many results the LLM is asked about
LLM_BUDGET_S = 30.0
NO_TRANSCRIPT = "This project has no transcript yet. Wait for its analysis to finish, then search again."
KEYWORDS_ONLY = "The sentence embedding model is not installed, so the search matched keywords only. "


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """Results best first, and how they were found."""

    hits: list[SearchHit]
    semantic: bool  # the MiniLM vectors were used
    llm_reranked: bool
    notes: list[str] = field(default_factory=list)
    cached: bool = False  # the sentence vectors came from the disk cache
    seconds: float = 0.0


def check_query(query: str) -> str:
    """The query without surrounding space.

    Raises:
        ValidationFailed: empty, or longer than :data:`MAX_QUERY_CHARS`.
    """
    text = " ".join(query.split())
    if not text:
        raise ValidationFailed("Type what the moment is about, for example 'paying off debt'.")
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationFailed(f"The search is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} or fewer.")
    return text


def _cache_name(model: str, sentences: list[Sentence]) -> str:
    digest = hashlib.sha256(model.encode())
    for s in sentences:
        digest.update(b"\0" + s.text.encode())
    return f"sentences-{digest.hexdigest()[:32]}.npz"


def sentence_vectors(sentences: list[Sentence], cache_dir: Path | None) -> tuple[np.ndarray, bool]:
    """One unit vector per sentence, from ``cache_dir`` when this transcript's are there (and whether they were).

    Raises:
        ModelMissing: the embedding model is not installed.
    """
    embedder = get_embedder()
    path = cache_dir / _cache_name(embedder.name, sentences) if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            with np.load(path) as data:
                vectors = np.asarray(data["vectors"], dtype=np.float32)
            if vectors.shape[0] == len(sentences):
                return vectors, True
        except (OSError, ValueError, KeyError) as exc:
            log.warning("search cache %s unreadable (%s); embedding again", path, exc)
    vectors = embedder.encode([s.text for s in sentences])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("sentences-*.npz"):
            old.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, vectors=vectors)
        tmp.replace(path)
    return vectors, False


def search_transcript(
    transcript: Transcript,
    query: str,
    settings: Settings,
    *,
    cache_dir: Path | None = None,
    limit: int = 10,
    use_llm: bool = True,
) -> SearchOutcome:
    """Rank ``transcript``'s moments for ``query``: meaning and keywords, then the LLM when it answers.

    Never raises for a missing model or LLM: the outcome's notes say what was left out.
    """
    started = time.perf_counter()
    text = check_query(query)
    english = covers(transcript.language)
    sentences = split_sentences(list(transcript.words), SplitOptions(comma_splices=english))
    notes: list[str] = []
    vectors = query_vector = None
    cached = False
    try:
        vectors, cached = sentence_vectors(sentences, cache_dir) if sentences else (None, False)
        query_vector = get_embedder().encode([text])[0]
    except ModelMissing as exc:
        notes.append(KEYWORDS_ONLY + exc.user_message)
        log_note_once("embeddings", "all-MiniLM-L6-v2", notes[-1])
        vectors = query_vector = None
    options = SearchOptions(limit=max(1, min(limit, MAX_LIMIT)))
    hits = rank_windows(sentences, text, sentence_vectors=vectors, query_vector=query_vector, options=options)
    reranked = False
    if use_llm and hits:
        client = client_from_settings(settings)
        hits, note = llm_rerank(client, text, hits, limit=LLM_RESULTS, budget_s=LLM_BUDGET_S)
        reranked = any(h.llm_rating is not None for h in hits)
        if note:
            notes.append(note)
            log_note_once(client.host, client.model, note)
    return SearchOutcome(
        hits=hits,
        semantic=vectors is not None,
        llm_reranked=reranked,
        notes=notes,
        cached=cached,
        seconds=round(time.perf_counter() - started, 3),
    )


def search_project(
    db: Session,
    settings: Settings,
    owner_id: str,
    project_id: str,
    query: str,
    *,
    limit: int = 10,
    use_llm: bool = True,
) -> SearchOutcome:
    """Search the owner's project's transcript (vectors cached in its output folder).

    Raises:
        NotFound: not the owner's project.
        Conflict: the project has no transcript yet.
        ValidationFailed: an empty or too long query.
    """
    project = get_project(db, owner_id, project_id)
    check_query(query)
    if db.get(TranscriptRow, project.id) is None:
        raise Conflict(NO_TRANSCRIPT)
    transcript = load_transcript(db, project.id)
    cache_dir = Storage(settings).output_dir(project.id, create=True) / "search"
    return search_transcript(transcript, query, settings, cache_dir=cache_dir, limit=limit, use_llm=use_llm)
