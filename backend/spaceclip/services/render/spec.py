"""What a render is asked to make: the frozen render snapshot, and the clip spec the renderer takes.

A :class:`RenderSnapshot` is the creator's choices for one export (platform, range, title, styles),
frozen when the export is requested so a later edit of the clip does not change a render in flight;
it is stored as the export row's ``settings`` JSON (:meth:`RenderSnapshot.to_dict`,
:meth:`RenderSnapshot.from_dict`). :func:`clip_spec` is the one place a snapshot meets the media it
applies to and becomes the :class:`ClipSpec` that :func:`~spaceclip.services.render.render.render_clip`
and :func:`~spaceclip.services.render.render.render_frame` take: the render job, the export preview
and ``spaceclip process`` all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spaceclip.services.edit.cuts import CutList
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render.brand import BrandLook
from spaceclip.services.render.presets import Preset, get_preset
from spaceclip.services.speech.transcript import Transcript

__all__ = [
    "DEFAULT_AUDIOGRAM_STYLE",
    "MIN_CLIP_S",
    "MIN_CUT_S",
    "ClipSpec",
    "RenderSnapshot",
    "clip_spec",
]

DEFAULT_AUDIOGRAM_STYLE = "bars"
#: The shortest clip a creator can make (checked when a clip is saved or edited).
MIN_CLIP_S = 1.0
#: The shortest cut the renderer makes: what is left of a clip once clamped to the source (a clip may
#: reach past the end of its media), below which there is too little to render at all.
MIN_CUT_S = 0.5


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class RenderSnapshot:
    """One export's choices, as stored in the export row's ``settings``.

    ``caption_style`` None renders no captions; ``audiogram_style`` None shows the source's own
    picture (audio-only sources still get an audiogram, see :class:`ClipSpec`).
    """

    platform: str
    start: float
    end: float
    title: str | None
    caption_style: str | None
    audiogram_style: str | None
    speaker_colors: bool
    #: The clip's cuts (fillers, pauses, struck words), resolved for this export's preset; None: none.
    cuts: CutList | None = None
    #: The account's brand kit when the export was asked for (paths relative to the upload root).
    brand: BrandLook | None = None
    #: The 9:16 layout asked for: ``auto`` (split screen while two people take turns), ``single``, ``split``.
    layout_mode: str = "auto"
    #: Speaker audiogram: a badge per speaker, the active one lit and pulsing (audiograms only).
    speaker_badges: bool = False
    #: Caption emphasis: numbers, names and ``keywords`` in the accent colour.
    emphasis: bool = False
    #: An emoji per caption line from the local lexicon (left out where no font draws it).
    emoji: bool = False
    #: The highlight's keywords, for emphasis.
    keywords: tuple[str, ...] = ()
    #: Caption size (``small``, ``medium``, ``large``) and position (``auto``, ``top``, ``middle``, ``bottom``).
    caption_size: str = "medium"
    caption_position: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored in ``exports.settings`` (the render job adds ``layout`` once it is done)."""
        return {
            "platform": self.platform,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "caption_style": self.caption_style,
            "audiogram_style": self.audiogram_style,
            "speaker_colors": self.speaker_colors,
            "cuts": None if self.cuts is None else self.cuts.to_dict(),
            "brand": None if self.brand is None else self.brand.to_dict(),
            "layout_mode": self.layout_mode,
            "speaker_badges": self.speaker_badges,
            "emphasis": self.emphasis,
            "emoji": self.emoji,
            "keywords": list(self.keywords),
            "caption_size": self.caption_size,
            "caption_position": self.caption_position,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RenderSnapshot:
        """A stored snapshot; keys it does not know (the render's ``layout``) are ignored.

        Only platform, start and end are required (KeyError without them); a row missing the
        optional keys renders without captions, with the source's picture and one caption colour.
        """
        return cls(
            platform=str(data["platform"]),
            start=float(data["start"]),
            end=float(data["end"]),
            title=_text(data.get("title")),
            caption_style=_text(data.get("caption_style")),
            audiogram_style=_text(data.get("audiogram_style")),
            speaker_colors=bool(data.get("speaker_colors", False)),
            cuts=CutList.from_dict(data["cuts"]) if data.get("cuts") else None,
            brand=BrandLook.from_dict(data["brand"]) if data.get("brand") else None,
            layout_mode=str(data.get("layout_mode") or "auto"),
            speaker_badges=bool(data.get("speaker_badges", False)),
            emphasis=bool(data.get("emphasis", False)),
            emoji=bool(data.get("emoji", False)),
            keywords=tuple(str(k) for k in data.get("keywords") or ()),
            caption_size=str(data.get("caption_size") or "medium"),
            caption_position=str(data.get("caption_position") or "auto"),
        )


@dataclass(frozen=True)
class ClipSpec:
    """What to render: a range of a source with its look, for one preset.

    ``audiogram_style`` None means "the source's own picture"; audio-only sources always get an
    audiogram (:data:`DEFAULT_AUDIOGRAM_STYLE` unless a style is given). ``caption_style`` None
    renders no captions. ``transcript`` should carry display names (``load_transcript`` does).
    """

    source: Path
    info: MediaInfo
    start: float
    end: float
    preset: Preset
    transcript: Transcript | None = None
    caption_style: str | None = "karaoke"
    audiogram_style: str | None = None
    title: str | None = None
    speaker_colors: bool = False
    audio_path: Path | None = None  # the 16 kHz analysis audio, for finding the loudest moment
    background: Any = None  # audiogram.Background; None: the default colour
    #: Ranges of ``[start, end]`` taken out (services/edit/cuts.py); None or no cuts: the range whole.
    cuts: CutList | None = None
    #: Watermark, brand font/colours and intro/outro cards (absolute paths); None: unbranded.
    brand: BrandLook | None = None
    #: ``auto``, ``single`` or ``split`` (see :mod:`spaceclip.services.render.split`).
    layout_mode: str = "auto"
    #: See :class:`RenderSnapshot`; ``speaker_photos``: speaker label -> the creator's photo for its badge.
    speaker_badges: bool = False
    speaker_photos: Mapping[str, Path] | None = None
    emphasis: bool = False
    emoji: bool = False
    keywords: tuple[str, ...] = ()
    caption_size: str = "medium"
    caption_position: str = "auto"

    @property
    def is_audiogram(self) -> bool:
        return self.audiogram_style is not None or not self.info.has_video

    @property
    def style_of_audiogram(self) -> str:
        return self.audiogram_style or DEFAULT_AUDIOGRAM_STYLE


def clip_spec(
    snapshot: RenderSnapshot,
    *,
    source: Path,
    info: MediaInfo,
    transcript: Transcript | None,
    audio_path: Path | None = None,
    resolve: Callable[[str], Path] | None = None,
    speaker_photos: Mapping[str, Path] | None = None,
) -> ClipSpec:
    """The :class:`ClipSpec` that renders ``snapshot`` from ``source``.

    ``resolve`` turns the brand kit's stored file paths into absolute ones (``Storage.resolve``);
    without it they are taken as they are. ``speaker_photos``: speaker label -> badge photo.

    Raises:
        ValidationFailed: the snapshot names no known platform, or a brand file is gone.
    """
    brand = snapshot.brand
    if brand is not None and resolve is not None:
        brand = brand.resolved(resolve)
    return ClipSpec(
        source=source,
        info=info,
        start=snapshot.start,
        end=snapshot.end,
        preset=get_preset(snapshot.platform),
        transcript=transcript,
        caption_style=snapshot.caption_style,
        audiogram_style=snapshot.audiogram_style,
        title=snapshot.title or None,
        speaker_colors=snapshot.speaker_colors,
        audio_path=audio_path,
        cuts=snapshot.cuts,
        brand=brand,
        layout_mode=snapshot.layout_mode,
        speaker_badges=snapshot.speaker_badges,
        speaker_photos=speaker_photos,
        emphasis=snapshot.emphasis,
        emoji=snapshot.emoji,
        keywords=snapshot.keywords,
        caption_size=snapshot.caption_size,
        caption_position=snapshot.caption_position,
    )
