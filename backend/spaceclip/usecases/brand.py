"""The account's brand kit: its settings, its font and logo files, and the look each export snapshots.

One kit per user (``brand_kits``, unique ``owner_id``). Settings are saved with the kit's version
(409 when stale). An uploaded font or logo is checked by what it is (:func:`validate_font`,
:func:`validate_logo`); only then is it written, under a server-chosen name in
``upload_dir/brand/<user_id>/`` (``font-<sha256 prefix>.ttf|otf``, ``logo-<prefix>.png``), and the
file it replaces is removed. A refused upload stores nothing. :func:`brand_look` is what
``usecases/exports.py`` freezes into each export's snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.brand_schemas import BrandKitPublic, CardSettings, FontCoverage
from spaceclip.models.tables import BrandKit
from spaceclip.services.ingest.storage import Storage, sanitize_filename
from spaceclip.services.render.brand import BrandLook, Card, validate_font, validate_logo
from spaceclip.services.render.presets import Preset

log = logging.getLogger(__name__)

__all__ = [
    "brand_look",
    "card_preview",
    "check_card_titles",
    "export_brand",
    "export_font_note",
    "file_path",
    "font_coverage",
    "get_kit",
    "kit_public",
    "look_of",
    "remove_file",
    "save_kit",
    "set_font",
    "set_logo",
]

NO_FONT = "Your brand kit has no font yet. Upload a TTF or OTF file on the Brand kit page first."
NO_LOGO = "Your brand kit has no logo yet. Upload a PNG, JPEG or WebP image on the Brand kit page first."
MAX_NAMED = 50


def get_kit(db: Session, owner_id: str) -> BrandKit | None:
    """The user's kit, or None when none was saved yet."""
    return db.scalars(select(BrandKit).where(BrandKit.owner_id == owner_id)).one_or_none()


def _card(enabled: bool, title: str, seconds: float) -> CardSettings:
    return CardSettings(enabled=enabled, title=title, seconds=seconds)


def kit_public(kit: BrandKit | None, storage: Storage) -> BrandKitPublic:
    """The kit as the API shows it (defaults, version 0, when there is none)."""
    if kit is None:
        kit = BrandKit(
            enabled=True, background="#111827", text_color="#FFFFFF", accent="#F59E0B", logo_position="top-right",
            logo_scale=0.16, logo_opacity=0.9, intro_enabled=False, intro_title="", intro_seconds=2.0,
            outro_enabled=False, outro_title="", outro_seconds=2.0, version=0,
        )  # fmt: skip
    size = None
    if kit.logo_path:
        from PIL import Image

        with Image.open(storage.resolve(kit.logo_path)) as img:
            size = list(img.size)
    return BrandKitPublic(
        enabled=kit.enabled,
        background=kit.background,
        text_color=kit.text_color,
        accent=kit.accent,
        logo_position=kit.logo_position,
        logo_scale=kit.logo_scale,
        logo_opacity=kit.logo_opacity,
        intro=_card(kit.intro_enabled, kit.intro_title, kit.intro_seconds),
        outro=_card(kit.outro_enabled, kit.outro_title, kit.outro_seconds),
        font_family=kit.font_family,
        font_name=kit.font_name,
        has_logo=kit.logo_path is not None,
        logo_name=kit.logo_name,
        logo_size=size,
        version=kit.version or 0,
        updated_at=kit.updated_at,
    )


def _kit_for_edit(db: Session, owner_id: str, expected_version: int | None) -> BrandKit:
    kit = get_kit(db, owner_id)
    current = 0 if kit is None else kit.version
    if expected_version is not None and expected_version != current:
        raise Conflict("Your brand kit was changed meanwhile (in another tab?). Reload it and make your change again.")
    if kit is None:
        kit = BrandKit(owner_id=owner_id)
        db.add(kit)
    return kit


@transactional
def save_kit(
    db: Session, storage: Storage, owner_id: str, changes: dict[str, Any], *, expected_version: int
) -> BrandKit:
    """Save the kit's settings (made on first save).

    Raises:
        Conflict: ``expected_version`` is not the kit's version (0 when there is none).
        ValidationFailed: a card title has characters the kit's font cannot draw.
    """
    kit = _kit_for_edit(db, owner_id, expected_version)
    for key in ("enabled", "background", "text_color", "accent", "logo_position", "logo_scale", "logo_opacity"):
        value = changes[key]
        setattr(kit, key, value.upper() if key in {"background", "text_color", "accent"} else value)
    for name in ("intro", "outro"):
        card = changes[name]
        setattr(kit, f"{name}_enabled", bool(card["enabled"]))
        setattr(kit, f"{name}_title", " ".join(str(card.get("title") or "").split()))
        setattr(kit, f"{name}_seconds", float(card["seconds"]))
    check_card_titles(_absolute(look_of(kit), storage))
    db.flush()
    return kit


def _write(folder: Path, name: str, data: bytes) -> Path:
    dest = folder / name
    tmp = folder / f".{name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _replace_file(storage: Storage, kit: BrandKit, attr: str, new: Path | None) -> None:
    old = getattr(kit, attr)
    setattr(kit, attr, None if new is None else storage.relative(new))
    if old and old != getattr(kit, attr):
        storage.resolve(old).unlink(missing_ok=True)


@transactional
def set_font(
    db: Session, storage: Storage, owner_id: str, data: bytes, filename: str | None, *, expected_version: int | None
) -> BrandKit:
    """Check ``data`` is a usable TTF/OTF font, store it and make it the kit's font.

    Raises:
        PayloadTooLarge, UnsupportedMedia: see :func:`~spaceclip.services.render.brand.validate_font`
            (nothing is stored).
        Conflict: a stale ``expected_version``.
    """
    info = validate_font(data)
    kit = _kit_for_edit(db, owner_id, expected_version)
    name = f"font-{hashlib.sha256(data).hexdigest()[:16]}{info.extension}"
    folder = storage.brand_dir(owner_id, create=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-", suffix=info.extension) as probe:
        probe.write(data)
        probe.flush()
        check_card_titles(replace(_absolute(look_of(kit), storage), font=probe.name))
    path = _write(folder, name, data)
    _replace_file(storage, kit, "font_path", path)
    kit.font_family = info.family
    kit.font_name = sanitize_filename(filename) or f"font{info.extension}"
    db.flush()
    log.info("Brand font %s (%s, %d glyphs) stored for user %s", name, info.family, info.glyphs, owner_id)
    return kit


@transactional
def set_logo(
    db: Session, storage: Storage, owner_id: str, data: bytes, filename: str | None, *, expected_version: int | None
) -> BrandKit:
    """Check ``data`` is a PNG/JPEG/WebP logo within the caps, store it re-encoded as PNG.

    Raises:
        PayloadTooLarge, UnsupportedMedia: see :func:`~spaceclip.services.render.brand.validate_logo`
            (nothing is stored).
        Conflict: a stale ``expected_version``.
    """
    info = validate_logo(data)
    kit = _kit_for_edit(db, owner_id, expected_version)
    name = f"logo-{hashlib.sha256(info.png).hexdigest()[:16]}.png"
    path = _write(storage.brand_dir(owner_id, create=True), name, info.png)
    _replace_file(storage, kit, "logo_path", path)
    kit.logo_name = sanitize_filename(filename) or "logo.png"
    db.flush()
    log.info("Brand logo %s (%dx%d %s) stored for user %s", name, info.width, info.height, info.format, owner_id)
    return kit


@transactional
def remove_file(db: Session, storage: Storage, owner_id: str, which: str, *, expected_version: int | None) -> BrandKit:
    """Remove the kit's ``font`` (back to the bundled one) or ``logo`` (no watermark).

    Raises:
        NotFound: the kit has no such file.
    """
    kit = get_kit(db, owner_id)
    if kit is None or getattr(kit, f"{which}_path") is None:
        raise NotFound(NO_FONT if which == "font" else NO_LOGO)
    kit = _kit_for_edit(db, owner_id, expected_version)
    _replace_file(storage, kit, f"{which}_path", None)
    if which == "font":
        kit.font_family = kit.font_name = None
    else:
        kit.logo_name = None
    db.flush()
    return kit


def file_path(db: Session, storage: Storage, owner_id: str, which: str) -> Path:
    """The kit's stored ``font`` or ``logo`` file.

    Raises:
        NotFound: the kit has no such file.
    """
    kit = get_kit(db, owner_id)
    rel = None if kit is None else getattr(kit, f"{which}_path")
    if rel is None:
        raise NotFound(NO_FONT if which == "font" else NO_LOGO)
    return storage.resolve(rel)


def look_of(kit: BrandKit) -> BrandLook:
    """The kit as a render sees it (stored relative paths), whether or not it is switched on."""
    return BrandLook(
        background=kit.background,
        text=kit.text_color,
        accent=kit.accent,
        font=kit.font_path,
        font_family=kit.font_family,
        logo=kit.logo_path,
        logo_position=kit.logo_position,  # type: ignore[arg-type]
        logo_scale=kit.logo_scale,
        logo_opacity=kit.logo_opacity,
        intro=Card(kit.intro_title, kit.intro_seconds) if kit.intro_enabled else None,
        outro=Card(kit.outro_title, kit.outro_seconds) if kit.outro_enabled else None,
    )


def _absolute(look: BrandLook, storage: Storage) -> BrandLook:
    font = None if look.font is None else str(storage.resolve(look.font))
    logo = None if look.logo is None else str(storage.resolve(look.logo))
    return replace(look, font=font, logo=logo)


def brand_look(db: Session, owner_id: str) -> BrandLook | None:
    """What an export asked for now is branded with: the kit, or None (no kit, or switched off)."""
    kit = get_kit(db, owner_id)
    if kit is None or not kit.enabled:
        return None
    return look_of(kit)


def font_coverage(db: Session, storage: Storage, owner_id: str, text: str) -> FontCoverage:
    """Which characters of ``text`` (a project's transcript) the kit's font cannot draw.

    Raises:
        NotFound: the kit has no font.
    """
    from spaceclip.services.render.glyphs import missing_chars

    path = file_path(db, storage, owner_id, "font")
    kit = get_kit(db, owner_id)
    assert kit is not None
    distinct = {c for c in text if not c.isspace()}
    missing = missing_chars(text, path)
    return FontCoverage(
        font_family=kit.font_family or "", missing=list(missing[:MAX_NAMED]), checked_chars=len(distinct)
    )


def export_font_note(look: BrandLook | None, storage: Storage, text: str) -> str | None:
    """What an export tells the creator, when it is asked for, about the characters of its clip's
    ``text`` (captions, title, speakers' names) the brand font cannot draw; None without a brand
    font or when it has them all. Those characters are drawn in a fallback font (SpaceClip's own, or
    the installed font the captions fall back to)."""
    from spaceclip.services.render.glyphs import missing_chars, named_chars

    if look is None or look.font is None:
        return None
    missing = missing_chars(text, storage.resolve(look.font))
    if not missing:
        return None
    shown = named_chars(missing)
    family = look.font_family or "Your brand font"
    log.info("Brand font %s lacks %d characters of an export's text: %s", family, len(missing), shown)
    return (
        f"{family} cannot draw {shown} in this clip's captions, title or speaker names; they are "
        "drawn in a fallback font. To keep one look, upload a font that has them, or edit the text."
    )


def card_preview(
    db: Session, storage: Storage, owner_id: str, which: str, platform: str, settings: Settings, work_dir: Path
) -> bytes:
    """A PNG of the kit's ``which`` card for ``platform``, drawn as exports draw it (defaults without a kit)."""
    from spaceclip.services.render.presets import get_preset
    from spaceclip.services.render.render import render_card

    kit = get_kit(db, owner_id)
    look = BrandLook() if kit is None else look_of(kit)
    if kit is not None:
        # The preview shows the card even while it is switched off, with the title the creator typed.
        title, seconds = getattr(kit, f"{which}_title"), getattr(kit, f"{which}_seconds")
        card = Card(title, seconds)
        look = replace(look, intro=card) if which == "intro" else replace(look, outro=card)
    return render_card(look.resolved(storage.resolve), get_preset(platform), which, settings, work_dir)


def check_card_titles(look: BrandLook) -> None:
    """Refuse card titles the kit's font cannot draw (drawtext would show boxes), naming the characters.

    Raises:
        ValidationFailed: some title character is not in the font.
    """
    from spaceclip.services.render.glyphs import missing_chars

    for name, card in (("intro", look.intro), ("outro", look.outro)):
        if card is None or not card.title:
            continue
        missing = missing_chars(card.title, look.font_path())
        if missing:
            raise ValidationFailed(
                f"Your brand font cannot draw {' '.join(missing[:12])} in the {name} card's title. "
                "Change the title, or upload a font that has these characters."
            )


def export_brand(db: Session, storage: Storage, owner_id: str, preset: Preset, body_s: float) -> BrandLook | None:
    """The kit an export asked for now is rendered with (None: no kit, or switched off), checked first.

    Raises:
        ValidationFailed: the clip with the cards is longer than ``preset`` allows, or a card title
            has characters the kit's font cannot draw.
    """
    look = brand_look(db, owner_id)
    if look is None:
        return None
    total = body_s + look.cards_seconds
    if look.cards_seconds and total > preset.max_duration + 1e-6:
        raise ValidationFailed(
            f"With your brand kit's intro and outro ({look.cards_seconds:g} s) this clip runs {total:.1f} s; "
            f"{preset.name} allows at most {preset.max_duration:g} s. Shorten the clip or the cards, "
            "or switch them off in your brand kit."
        )
    check_card_titles(_absolute(look, storage))
    return look
