"""A rendered (or renderable) clip's editor export: its media, cut list, captions and crop from a ClipSpec.

:func:`clip_crop` is the crop the render makes of the same clip: the speaker-following plan of
:func:`~spaceclip.services.render.reframe.plan_crop` (``track=True``, as ``spaceclip process`` does
next to its render), or the fixed centre window (``track=False``: the API answers at once and does
not run face detection in a request). :func:`spec_exports` writes the clip in each chosen format;
:func:`write_beside` puts the files next to the rendered clip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from spaceclip.services.edit.cuts import CutList
from spaceclip.services.edit.editor import EditorExport, EditorSource, export_edit
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render.command import choose_layout, reframe_sample_fps
from spaceclip.services.render.crop_path import CropPlan, crop_size
from spaceclip.services.render.presets import Preset
from spaceclip.services.render.spec import ClipSpec

__all__ = ["CENTRE_NOTE", "clip_crop", "editor_source", "spec_cut_list", "spec_exports", "write_beside"]

CENTRE_NOTE = (
    "speaker tracking: this download's crop is the centre window; the render follows the speaker "
    "(`spaceclip process --editor` writes the tracked crop path)"
)


def editor_source(path: Path, info: MediaInfo) -> EditorSource:
    """What the timeline references: the original file, its length, and its picture's size."""
    video = info.primary_video
    width, height = video.display_size if video is not None else (0, 0)
    return EditorSource(path=path, duration_s=info.duration_s, has_video=video is not None, width=width, height=height)


def clip_crop(
    path: Path,
    info: MediaInfo,
    preset: Preset,
    start: float,
    end: float,
    *,
    track: bool,
    turns: Sequence[tuple[float, float, str]] = (),
    cancel: Callable[[], bool] | None = None,
) -> CropPlan | None:
    """The reframe crop of ``[start, end]`` for ``preset``; None when the picture is not cropped."""
    video = info.primary_video
    if video is None:
        return None
    src_w, src_h = video.display_size
    if choose_layout(src_w, src_h, preset.width, preset.height) != "reframe":
        return None
    if track:
        import spaceclip.services.render.reframe as reframe

        return reframe.plan_crop(
            path, info, start, end, preset.width, preset.height,
            sample_fps=reframe_sample_fps(end - start), turns=turns, cancel=cancel,
        )  # fmt: skip
    w, h = crop_size(src_w, src_h, preset.width, preset.height)
    return CropPlan(mode="center", src_w=src_w, src_h=src_h, crop_w=w, crop_h=h)


def spec_cut_list(spec: ClipSpec) -> CutList:
    """The cut list the render of ``spec`` uses (the whole range when it has none)."""
    return spec.cuts if spec.cuts is not None else CutList(spec.start, spec.end)


def spec_exports(
    spec: ClipSpec, formats: Sequence[str], stem: str, *, crop: CropPlan | None, notes: Sequence[str] = ()
) -> list[EditorExport]:
    """``spec``'s edit in each of ``formats``, with ``notes`` added to what each leaves out."""
    cuts = spec_cut_list(spec)
    captions = cuts.retime_transcript(spec.transcript) if spec.transcript is not None else None
    source = editor_source(spec.source, spec.info)
    out = []
    for fmt in formats:
        rate = float(spec.preset.fps)
        out.append(export_edit(fmt, stem, source, cuts, rate, captions=captions, crop=crop, notes=notes))
    return out


def write_beside(exports: Sequence[EditorExport], folder: Path) -> list[Path]:
    """Write each export next to the rendered clip: ``<stem>.<suffix>``, and once per clip
    ``<stem>.editor.srt``, ``<stem>.crop.csv`` (when cropped) and ``<stem>.editor.txt`` (what each left out)."""
    written: list[Path] = []
    for export in exports:
        path = folder / export.timeline_name
        path.write_bytes(export.timeline)
        written.append(path)
    if exports:
        first = exports[0]
        sidecars = {f"{first.stem}.editor.srt": first.srt, f"{first.stem}.editor.txt": _readme_all(exports)}
        if first.crop_csv is not None:
            sidecars[f"{first.stem}.crop.csv"] = first.crop_csv
        for name, text in sidecars.items():
            (folder / name).write_text(text, encoding="utf-8")
            written.append(folder / name)
    return written


def _readme_all(exports: Sequence[EditorExport]) -> str:
    return "\n".join(e.readme() for e in exports)
