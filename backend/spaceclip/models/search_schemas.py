"""Search for moments (``GET /api/projects/{id}/search``): ranked ranges of whole sentences."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["SearchHitPublic", "SearchResults"]


class SearchHitPublic(BaseModel):
    start: float = Field(description="Seconds: the first word of the range's first sentence")
    end: float = Field(description="Seconds: the last word of the range's last sentence")
    text: str
    score: float = Field(description="0-100, higher is a closer match")
    speakers: list[str] = Field(description="Who speaks in the range, by the creator's names")
    matched_keywords: list[str] = Field(description="The query's keywords the range says (matched by their stem)")
    semantic: float | None = Field(description="Cosine between the query and the range (null: keywords only)")
    llm_rating: float | None = Field(description="The local LLM's relevance rating 0-100 (null: not asked)")
    why: str = Field(description="What earned the range its place, in words")


class SearchResults(BaseModel):
    query: str
    results: list[SearchHitPublic]
    semantic: bool = Field(description="The sentence embedding model was used (false: keywords only)")
    llm_reranked: bool = Field(description="The local LLM re-ranked the first results")
    notes: list[str] = Field(description="What was left out and why (no embedding model, LLM unavailable)")
    seconds: float = Field(description="How long the search took")
