"""A clip's edit for a desktop editor: OpenTimelineIO, FCPXML, FCP 7 XML and CMX 3600 EDL.

:func:`build_timeline` turns a clip's :class:`~spaceclip.services.edit.cuts.CutList` into an
OpenTimelineIO timeline: a video track (when the source has a picture) and an audio track, one
clip per kept range, each referencing the *original* media (a ``file://`` URL, available range =
the media's length), so the editor cuts from the full-quality source and the creator can still
trim each seam. :func:`export_edit` writes it with the OpenTimelineIO adapters (``otio_json``,
``fcpx_xml``, ``fcp_xml``, ``cmx_3600``) and returns the file with a ``clip.srt`` sidecar (the
captions in the cut clip's time), a ``crop.csv`` when the picture is reframed, and the list of
what the format could not carry, so nothing is dropped silently.

The rate is the export preset's frame rate: the cuts are snapped to that grid from the clip's start
(:func:`~spaceclip.services.edit.defaults.cuts_for_preset`), so every kept range is a whole number
of frames at it, and the timeline's length in frames is the rendered clip's. Source in/out points
are the nearest frame of that rate (within half a frame of the cut list's times).

What each format carries (and :data:`LEFT_OUT` says what it does not):

- ``.otio``: everything: cuts, captions as markers, the crop window and its keyframes in each
  clip's ``metadata["spaceclip"]["crop"]`` (OpenTimelineIO has no crop schema).
- FCPXML, FCP 7 XML: cuts and caption markers; the adapters write no crop or transform, so the crop
  keyframes are in ``crop.csv`` only.
- EDL: cuts (video events) and caption locators (upper case, one line); no crop, no separate audio
  events, no frame rate (read it at the preset's rate).
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import opentimelineio as otio

from spaceclip.services.edit.cuts import CutList
from spaceclip.services.render.crop_path import CropPlan, position_at
from spaceclip.services.speech.transcript import Transcript, to_srt

log = logging.getLogger(__name__)

__all__ = [
    "EDITOR_FORMATS",
    "LEFT_OUT",
    "EditorExport",
    "EditorFormat",
    "EditorSource",
    "FormatKey",
    "build_timeline",
    "crop_csv",
    "export_edit",
    "read_cut_list",
    "zip_exports",
]

FormatKey = Literal["otio", "fcpxml", "fcp7", "edl"]


@dataclass(frozen=True, slots=True)
class EditorFormat:
    """One editor format: its OpenTimelineIO adapter, file suffix and who opens it."""

    key: FormatKey
    adapter: str
    suffix: str
    label: str


EDITOR_FORMATS: dict[str, EditorFormat] = {
    f.key: f
    for f in (
        EditorFormat("otio", "otio_json", ".otio", "OpenTimelineIO"),
        EditorFormat("fcpxml", "fcpx_xml", ".fcpxml", "FCPXML (Final Cut Pro, DaVinci Resolve)"),
        EditorFormat("fcp7", "fcp_xml", ".xml", "FCP 7 XML (Premiere Pro)"),
        EditorFormat("edl", "cmx_3600", ".edl", "CMX 3600 EDL"),
    )
}

CROP_NOTE = "crop keyframes: {fmt} has no crop the adapter writes; the crop window over time is in crop.csv"
#: What each format cannot carry of a SpaceClip edit (each line names where it went instead).
LEFT_OUT: dict[str, tuple[str, ...]] = {
    "otio": (),
    "fcpxml": ("caption styling: captions are markers and clip.srt, not styled titles",),
    "fcp7": ("caption styling: captions are markers and clip.srt, not styled titles",),
    "edl": (
        "audio events: an EDL from the adapter lists video (V) events only; the sound is in the same source ranges",
        "caption text case and length: EDL locators are one upper-case line; the full captions are in clip.srt",
        "frame rate: an EDL does not store it; read it at {fps:g} fps",
    ),
}
NO_PICTURE_EDL = "picture: the source has no video; the EDL's events are marked V but carry the sound's ranges"
MARKER_CHARS = 120


@dataclass(frozen=True, slots=True)
class EditorSource:
    """The original media the timeline references."""

    path: Path
    duration_s: float
    has_video: bool = True
    #: The display size of the picture (for the crop's meaning); 0 without video.
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class EditorExport:
    """One clip's edit in one format: the files to hand over and what the format left out."""

    format: EditorFormat
    stem: str
    timeline: bytes
    srt: str
    crop_csv: str | None = None
    left_out: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def timeline_name(self) -> str:
        return f"{self.stem}{self.format.suffix}"

    def readme(self) -> str:
        """README.txt: what is in the download and what the format could not carry."""
        lines = [
            f"SpaceClip editor export: {self.format.label}",
            "",
            f"{self.timeline_name}: the cuts, referencing the original media (relink it if you moved the file).",
            "clip.srt: the captions, timed to the cut clip (import as a subtitle track).",
        ]
        if self.crop_csv is not None:
            lines.append("crop.csv: the reframe crop (source pixels) at each keyframe, in source and clip time.")
        lines += ["", "Left out:" if self.left_out else "Left out: nothing."]
        lines += [f"- {item}" for item in self.left_out]
        return "\n".join(lines) + "\n"


def _rt(seconds: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(round(seconds * rate), rate)


def _reference(source: EditorSource, rate: float) -> otio.schema.ExternalReference:
    available = otio.opentime.TimeRange(_rt(0.0, rate), _rt(source.duration_s, rate))
    return otio.schema.ExternalReference(target_url=source.path.resolve().as_uri(), available_range=available)


def _crop_metadata(crop: CropPlan, cuts: CutList, a: float, b: float) -> dict[str, Any]:
    """The crop inside the kept range ``[a, b]`` (source s): the window's size and its keyframes."""
    keys = [(a, *position_at(crop, a - cuts.start))]
    keys += [(cuts.start + k.t, k.x, k.y) for k in crop.keyframes if a < cuts.start + k.t < b]
    keys.append((b, *position_at(crop, b - cuts.start)))
    return {
        "mode": crop.mode,
        "source_width": crop.src_w,
        "source_height": crop.src_h,
        "width": crop.crop_w,
        "height": crop.crop_h,
        # Source seconds (the clip's own media time) and the window's top-left corner in pixels.
        "keyframes": [{"source_s": round(t, 4), "x": round(x, 1), "y": round(y, 1)} for t, x, y in keys],
    }


def crop_csv(crop: CropPlan, cuts: CutList) -> str:
    """The crop window at each keyframe of each kept range: source and clip time, x, y, w, h (pixels)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_s", "clip_s", "x", "y", "width", "height"])
    for a, b in cuts.keeps:
        for key in _crop_metadata(crop, cuts, a, b)["keyframes"]:
            t = key["source_s"]
            writer.writerow([f"{t:.3f}", f"{cuts.to_output(t):.3f}", key["x"], key["y"], crop.crop_w, crop.crop_h])
    return out.getvalue()


def _add_markers(clips: Sequence[otio.schema.Clip], cuts: CutList, captions: Transcript, rate: float) -> None:
    """Each caption line as a marker on the clip where it starts (marker times are that clip's source time)."""
    offsets = [cuts.to_output(a) for a, _ in cuts.keeps]
    for seg in captions.segments:
        i = max(j for j, off in enumerate(offsets) if off <= seg.start + 1e-6) if offsets else 0
        a, b = cuts.keeps[i]
        start = a + (seg.start - offsets[i])
        length = max(0.0, min(seg.end - seg.start, b - start))
        text = " ".join(seg.text.split())
        if len(text) > MARKER_CHARS:
            text = text[: MARKER_CHARS - 1] + "…"
        marked = otio.opentime.TimeRange(_rt(start, rate), _rt(length, rate))
        clips[i].markers.append(otio.schema.Marker(name=text, marked_range=marked, metadata={"speaker": seg.speaker}))


def build_timeline(
    name: str,
    source: EditorSource,
    cuts: CutList,
    rate: float,
    *,
    captions: Transcript | None = None,
    crop: CropPlan | None = None,
) -> otio.schema.Timeline:
    """The clip as an OpenTimelineIO timeline: one clip per kept range on a video and an audio track.

    Args:
        name: the timeline's (and each clip's) name.
        source: the original media the clips reference.
        cuts: the clip's cut list (source seconds).
        rate: frames per second of every time in the timeline (the export preset's).
        captions: the captions in the cut clip's time (:meth:`CutList.retime_transcript`), as markers.
        crop: the reframe plan (keyframe times from the clip's start), into each video clip's metadata.
    """
    timeline = otio.schema.Timeline(name=name)
    timeline.global_start_time = otio.opentime.RationalTime(0, rate)
    kinds = [otio.schema.TrackKind.Video] if source.has_video else []
    kinds.append(otio.schema.TrackKind.Audio)
    for kind in kinds:
        track = otio.schema.Track(name="V1" if kind == otio.schema.TrackKind.Video else "A1", kind=kind)
        for a, b in cuts.keeps:
            start = _rt(a, rate)
            # Both ends are the nearest frame, so a range snapped to the rate keeps its whole frames.
            length = otio.opentime.RationalTime(_rt(b, rate).value - start.value, rate)
            clip = otio.schema.Clip(
                name=name,
                media_reference=_reference(source, rate),
                source_range=otio.opentime.TimeRange(start, length),
            )
            if crop is not None and kind == otio.schema.TrackKind.Video:
                clip.metadata["spaceclip"] = {"crop": _crop_metadata(crop, cuts, a, b)}
            track.append(clip)
        timeline.tracks.append(track)
    if captions is not None and captions.segments:
        _add_markers(list(timeline.tracks[0].find_clips()), cuts, captions, rate)
    timeline.metadata["spaceclip"] = {"cuts": cuts.to_dict(), "rate": rate, "source": str(source.path.name)}
    return timeline


def export_edit(
    fmt: str,
    stem: str,
    source: EditorSource,
    cuts: CutList,
    rate: float,
    *,
    captions: Transcript | None = None,
    crop: CropPlan | None = None,
    notes: Sequence[str] = (),
) -> EditorExport:
    """The clip's edit written in ``fmt`` (a key of :data:`EDITOR_FORMATS`) with its sidecars.

    ``captions`` is the cut clip's transcript (clip time); ``crop`` the reframe plan, None when the
    picture is not cropped; ``notes`` are added to what it leaves out (the caller's own omissions).

    Raises:
        KeyError: ``fmt`` is not a key of :data:`EDITOR_FORMATS` (the API checks it first).
    """
    spec = EDITOR_FORMATS[fmt]
    timeline = build_timeline(stem, source, cuts, rate, captions=captions, crop=crop)
    kwargs: dict[str, Any] = {"rate": rate} if spec.adapter == "cmx_3600" else {}
    if fmt == "edl" and not source.has_video:
        # The EDL writer takes exactly one video track; the sound's ranges go as its events.
        timeline.tracks[0].kind = otio.schema.TrackKind.Video
    text = otio.adapters.write_to_string(timeline, adapter_name=spec.adapter, **kwargs)
    left = [item.format(fps=rate) for item in LEFT_OUT[fmt]]
    if crop is not None and fmt != "otio":
        left.insert(0, CROP_NOTE.format(fmt=spec.label.split(" (")[0]))
    if fmt == "edl" and not source.has_video:
        left.append(NO_PICTURE_EDL)
    left += notes
    srt = to_srt(captions) if captions is not None else ""
    export = EditorExport(
        format=spec,
        stem=stem,
        timeline=text.encode("utf-8"),
        srt=srt,
        crop_csv=crop_csv(crop, cuts) if crop is not None else None,
        left_out=tuple(left),
    )
    files = {export.timeline_name: export.timeline, "clip.srt": srt.encode("utf-8")}
    if export.crop_csv is not None:
        files["crop.csv"] = export.crop_csv.encode("utf-8")
    files["README.txt"] = export.readme().encode("utf-8")
    export.files.update(files)
    log.debug("editor export %s: %d kept ranges, left out %s", fmt, len(cuts.keeps), left)
    return export


def zip_exports(exports: Sequence[EditorExport]) -> bytes:
    """One zip of the exports' files; with several, each clip's files in a folder named by its stem."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for export in exports:
            prefix = f"{export.stem}/" if len(exports) > 1 else ""
            for name, data in export.files.items():
                archive.writestr(prefix + name, data)
    return buffer.getvalue()


def read_cut_list(data: bytes | str, fmt: str, rate: float) -> dict[str, list[tuple[float, float]]]:
    """Read an exported timeline back with the OpenTimelineIO adapters: per track kind, each clip's
    source ``(in, out)`` in seconds, in timeline order."""
    spec = EDITOR_FORMATS[fmt]
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    kwargs: dict[str, Any] = {"rate": rate} if spec.adapter == "cmx_3600" else {}
    timeline = otio.adapters.read_from_string(text, adapter_name=spec.adapter, **kwargs)
    ranges: dict[str, list[tuple[float, float]]] = {}
    for track in timeline.tracks:
        for clip in track.find_clips():
            r = clip.source_range or clip.available_range()
            ranges.setdefault(str(track.kind), []).append(
                (r.start_time.to_seconds(), r.end_time_exclusive().to_seconds())
            )
    return ranges
