"""Routes: search a project's transcript for moments ("find moments about ...")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.search_schemas import SearchHitPublic, SearchResults
from spaceclip.usecases import search as search_usecase

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/projects/{project_id}/search", response_model=SearchResults, responses=errors(409))
def search_project(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    q: Annotated[str, Query(description="What the moment is about", max_length=1000)],
    limit: Annotated[int, Query(ge=1, le=search_usecase.MAX_LIMIT)] = 10,
    llm: Annotated[bool, Query(description="Let the local LLM re-rank the first results when it answers")] = True,
) -> SearchResults:
    """Ranked ranges of whole sentences about ``q``, by meaning (MiniLM) and keywords, re-ranked by the
    local LLM when it answers. 409 before the transcript exists, 422 for an empty query or one over
    200 characters."""
    found = search_usecase.search_project(db, settings, user.id, project_id, q, limit=limit, use_llm=llm)
    return SearchResults(
        query=search_usecase.check_query(q),
        results=[
            SearchHitPublic(
                start=round(h.start, 3),
                end=round(h.end, 3),
                text=h.text,
                score=h.score,
                speakers=list(h.speakers),
                matched_keywords=list(h.matched),
                semantic=h.semantic,
                llm_rating=h.llm_rating,
                why=h.why,
            )
            for h in found.hits
        ],
        semantic=found.semantic,
        llm_reranked=found.llm_reranked,
        notes=found.notes,
        seconds=found.seconds,
    )
