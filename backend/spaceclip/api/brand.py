"""Routes: your brand kit (settings, font, logo), its card preview and the font's coverage of a project."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from spaceclip.api.bodies import read_capped
from spaceclip.api.deps import CurrentUser, DbSession, SettingsDep
from spaceclip.api.responses import errors
from spaceclip.models.bounds import MAX_VERSION
from spaceclip.models.brand_schemas import BrandKitPublic, BrandKitUpdate, FontCoverage
from spaceclip.models.render_keys import PlatformKey
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.brand import MAX_FONT_BYTES, MAX_LOGO_BYTES
from spaceclip.usecases import brand as brand_store
from spaceclip.usecases.projects import get_project
from spaceclip.usecases.transcripts import load_transcript

router = APIRouter(prefix="/api/brand", tags=["brand"])

FileKind = Literal["font", "logo"]
CAPS = {"font": MAX_FONT_BYTES, "logo": MAX_LOGO_BYTES}


def _raw_body(kind: str) -> dict[str, Any]:
    what = "A TTF or OTF font (at most 10 MB)" if kind == "font" else "A PNG, JPEG or WebP image (at most 5 MB)"
    return {
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "description": f"{what}, as the raw request body; checked by its contents, never its name or type.",
        }
    }


Version = Annotated[int | None, Query(ge=0, le=MAX_VERSION, description="The kit version you edited; stale: 409")]
Name = Annotated[str | None, Query(max_length=255, description="The file's name, for display only")]


@router.get("", response_model=BrandKitPublic)
def get_brand(user: CurrentUser, db: DbSession, settings: SettingsDep) -> BrandKitPublic:
    """Your brand kit (defaults and version 0 before the first save)."""
    return brand_store.kit_public(brand_store.get_kit(db, user.id), Storage(settings))


@router.put("", response_model=BrandKitPublic, responses=errors(409))
def save_brand(body: BrandKitUpdate, user: CurrentUser, db: DbSession, settings: SettingsDep) -> BrandKitPublic:
    """Save your brand kit's colours, watermark and intro/outro cards (applied to every later export)."""
    storage = Storage(settings)
    kit = brand_store.save_kit(db, storage, user.id, body.model_dump(), expected_version=body.version)
    return brand_store.kit_public(kit, storage)


@router.put("/{kind}", response_model=BrandKitPublic, openapi_extra=_raw_body("font"), responses=errors(409, 413, 415))
async def upload_brand_file(
    kind: FileKind,
    request: Request,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    name: Name = None,
    version: Version = None,
) -> BrandKitPublic:
    """Upload the kit's font (TTF/OTF) or logo (PNG/JPEG/WebP) as the raw body; a bad file stores nothing."""
    data = await read_capped(request, CAPS[kind])
    storage = Storage(settings)
    store = brand_store.set_font if kind == "font" else brand_store.set_logo
    kit = await run_in_threadpool(store, db, storage, user.id, data, name, expected_version=version)
    return brand_store.kit_public(kit, storage)


@router.delete("/{kind}", response_model=BrandKitPublic, responses=errors(409))
def delete_brand_file(
    kind: FileKind, user: CurrentUser, db: DbSession, settings: SettingsDep, version: Version = None
) -> BrandKitPublic:
    """Remove the kit's font (back to Source Sans Pro) or logo (no watermark)."""
    storage = Storage(settings)
    return brand_store.kit_public(
        brand_store.remove_file(db, storage, user.id, kind, expected_version=version), storage
    )


@router.get("/logo", response_class=FileResponse, responses={200: {"content": {"image/png": {}}}, **errors(404)})
def get_brand_logo(user: CurrentUser, db: DbSession, settings: SettingsDep) -> FileResponse:
    """The kit's logo as stored (re-encoded PNG)."""
    path = brand_store.file_path(db, Storage(settings), user.id, "logo")
    return FileResponse(path, media_type="image/png", headers={"X-Content-Type-Options": "nosniff"})


@router.get("/card", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def preview_brand_card(
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    which: Annotated[Literal["intro", "outro"], Query(description="The card to draw")] = "intro",
    platform: PlatformKey = PlatformKey.tiktok,
) -> Response:
    """The intro or outro card as exports show it (PNG, halfway through), drawn by the render's filters."""
    with tempfile.TemporaryDirectory(prefix="spaceclip-card-") as tmp:
        png = brand_store.card_preview(db, Storage(settings), user.id, which, platform.value, settings, Path(tmp))
    return Response(content=png, media_type="image/png", headers={"Content-Disposition": "inline"})


@router.get("/coverage", response_model=FontCoverage, responses=errors(404))
def get_font_coverage(
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    project_id: Annotated[str, Query(max_length=64, description="The project whose transcript to check")],
) -> FontCoverage:
    """Which characters of a project's transcript your brand font cannot draw (captions fall back for them)."""
    get_project(db, user.id, project_id)
    transcript = load_transcript(db, project_id)
    text = " ".join(w.word for w in transcript.words)
    return brand_store.font_coverage(db, Storage(settings), user.id, text)
