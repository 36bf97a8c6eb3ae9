"""A project's chapters (``/api/projects/{id}/chapters``): the list, its edits and its formats."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.schemas import JobPublic

__all__ = ["ChapterEdit", "ChapterFormat", "ChapterOp", "ChapterPublic", "ChapterState", "PlanChaptersRequest"]


class ChapterPublic(BaseModel):
    start: float = Field(description="Seconds from the start of the episode")
    end: float
    title: str


class ChapterState(BaseModel):
    """The stored chapters (null: never planned), whether they follow YouTube's rules, and the latest
    planning job."""

    chapters: list[ChapterPublic] | None
    version: int | None = Field(description="Send it back with an edit; a stale one is a 409")
    edited: bool = Field(description="The creator changed them since they were planned")
    youtube_problems: list[str] = Field(description="What keeps them from being YouTube chapters (empty: none)")
    llm_note: str | None = Field(description="Why the titles are extractive when the LLM was asked")
    job: JobPublic | None


class PlanChaptersRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    use_llm: bool = Field(default=True, description="Ask the local LLM for the titles when it answers")
    replace: bool = Field(default=False, description="Replace chapters the creator edited")


class ChapterOp(StrEnum):
    rename = "rename"
    move = "move"
    merge = "merge"


class ChapterEdit(BaseModel):
    """One edit: rename chapter ``index`` to ``title``, move its start to the sentence start nearest
    ``to`` (seconds), or merge it into the chapter before it."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    version: int = Field(ge=1)
    op: ChapterOp
    index: int = Field(ge=0, le=999, description="0 is the first chapter")
    title: str | None = Field(default=None, max_length=300)
    to: float | None = Field(default=None, ge=0, le=24 * 3600)


class ChapterFormat(StrEnum):
    """youtube: description block; podlove: Podlove Simple Chapters XML; json: Podcasting 2.0 JSON chapters."""

    youtube = "youtube"
    podlove = "podlove"
    json = "json"
