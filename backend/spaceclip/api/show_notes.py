"""Routes: a project's show notes (summary, speakers, chapters, key quotes, clips) as Markdown or text."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Response

from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.services.publish.show_notes import render_markdown, render_text
from spaceclip.usecases.projects import get_project
from spaceclip.usecases.show_notes import build_show_notes

router = APIRouter(prefix="/api", tags=["show notes"])

SUMMARY_SOURCE_HEADER = "X-SpaceClip-Summary"


class ShowNotesFormat(StrEnum):
    markdown = "markdown"
    text = "text"


@router.get(
    "/projects/{project_id}/show-notes",
    response_class=Response,
    responses={
        200: {
            "content": {"text/markdown": {}, "text/plain": {}},
            "headers": {SUMMARY_SOURCE_HEADER: {"description": "extractive or llm", "schema": {"type": "string"}}},
        },
        **errors(409),
    },
)
def get_show_notes(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    fmt: Annotated[ShowNotesFormat, Query(alias="format", description="markdown or text")] = ShowNotesFormat.markdown,
    llm: Annotated[
        bool, Query(description="Ask the local LLM to write the summary (extractive when it cannot)")
    ] = True,
    download: Annotated[bool, Query(description="Send as a file to save")] = False,
) -> Response:
    """The episode's show notes: a summary paragraph, speakers by name, chapters, key quotes with
    timestamps and links to the clips. The ``X-SpaceClip-Summary`` header says who wrote the summary."""
    notes = build_show_notes(db, settings, get_project(db, user.id, project_id), use_llm=llm)
    markdown = fmt is ShowNotesFormat.markdown
    body = render_markdown(notes) if markdown else render_text(notes)
    headers = {SUMMARY_SOURCE_HEADER: notes.summary_source}
    if download:
        headers["Content-Disposition"] = attachment(
            "show-notes.md" if markdown else "show-notes.txt", default_stem="notes"
        )
    return Response(
        content=body.encode("utf-8"),
        media_type="text/markdown; charset=utf-8" if markdown else "text/plain; charset=utf-8",
        headers=headers,
    )
