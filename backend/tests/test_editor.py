"""Editor export: each format read back by the OpenTimelineIO adapters into the same cut list, and a
render from the .otio as long as SpaceClip's cut clip (real media, real ffmpeg)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import opentimelineio as otio
import pytest

from spaceclip.config import Settings
from spaceclip.services.edit.editor import EDITOR_FORMATS, EditorSource, export_edit, read_cut_list, zip_exports
from spaceclip.services.render.crop_path import CropPlan, Keyframe
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.spec import ClipSpec
from tests.editor_edit import SOURCE_S, cut_transcript, render_otio, several_cuts, video_duration
from tests.render_media import make_talk_audio, make_talk_video, probe

PRESET = get_preset("tiktok")
FPS = float(PRESET.fps)
CROP = CropPlan("track", 640, 360, 202, 360, (Keyframe(0.0, 100.0, 0.0), Keyframe(5.0, 300.0, 0.0)))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_talk_video(tmp_path_factory.mktemp("editor") / "talk source.mp4", seconds=SOURCE_S, fps=30)


def test_the_clip_has_fillers_pauses_and_a_struck_range_cut() -> None:
    cuts = several_cuts(cut_transcript(), PRESET)
    assert {c.reason for c in cuts.cuts} == {"filler", "pause", "removed"}
    assert len(cuts.keeps) >= 4


@pytest.mark.parametrize("fmt", list(EDITOR_FORMATS))
def test_each_format_reads_back_into_the_same_cut_list(source: Path, fmt: str) -> None:
    transcript = cut_transcript()
    cuts = several_cuts(transcript, PRESET)
    export = export_edit(
        fmt, "clip", EditorSource(source, SOURCE_S, True, 640, 360), cuts, FPS,
        captions=cuts.retime_transcript(transcript), crop=CROP,
    )  # fmt: skip
    back = read_cut_list(export.timeline, fmt, FPS)
    video = back["Video"]
    assert len(video) == len(cuts.keeps)
    for (a, b), (c, d) in zip(cuts.keeps, video, strict=True):
        assert abs(a - c) * FPS <= 1.0 and abs(b - d) * FPS <= 1.0
    assert abs(sum(d - c for c, d in video) - cuts.duration) * FPS <= 1.0
    if fmt != "edl":  # the EDL adapter writes video events only (said in left_out)
        assert len(back["Audio"]) == len(cuts.keeps)
    timeline = otio.adapters.read_from_string(
        export.timeline.decode(), adapter_name=EDITOR_FORMATS[fmt].adapter, **({"rate": FPS} if fmt == "edl" else {})
    )
    first = next(iter(timeline.video_tracks()[0].find_clips()))
    assert Path(first.media_reference.target_url).name in ("talk%20source.mp4", "talk source.mp4")
    markers = [m for c in timeline.find_clips() for m in c.markers]
    assert markers, "captions travel as markers"
    if fmt == "otio":
        assert export.left_out == ()
        assert first.metadata["spaceclip"]["crop"]["width"] == 202
    else:
        assert any(item.startswith("crop keyframes") for item in export.left_out)
    if fmt == "edl":
        assert any(item.startswith("audio events") for item in export.left_out)
    assert "00:00:00,000" in export.srt or export.srt.startswith("1\n")
    names = set(zipfile.ZipFile(io.BytesIO(zip_exports([export]))).namelist())
    assert names == {f"clip{EDITOR_FORMATS[fmt].suffix}", "clip.srt", "crop.csv", "README.txt"}
    assert all(item in export.readme() for item in export.left_out)


def test_a_render_from_the_otio_is_as_long_as_the_cut_clip(source: Path, tmp_path: Path) -> None:
    cuts = several_cuts(cut_transcript(), PRESET)
    export = export_edit("otio", "clip", EditorSource(source, SOURCE_S, True, 640, 360), cuts, FPS)
    rendered = render_otio(export.timeline.decode(), tmp_path / "from-otio.mp4", fps=FPS)
    assert abs(video_duration(rendered) - cuts.duration) * FPS <= 1.0


def test_captions_in_the_sidecar_follow_the_cuts() -> None:
    transcript = cut_transcript()
    cuts = several_cuts(transcript, PRESET)
    captions = cuts.retime_transcript(transcript)
    export = export_edit("edl", "clip", EditorSource(Path("/media/x.mp4"), SOURCE_S), cuts, FPS, captions=captions)
    assert " um " not in export.srt.lower() and "uh " not in export.srt.lower()
    assert captions.segments[-1].end <= cuts.duration + 1e-6
    assert export.crop_csv is None and not any(i.startswith("crop") for i in export.left_out)


def test_an_audio_only_source_has_an_audio_track_only(tmp_path: Path) -> None:
    audio = make_talk_audio(tmp_path / "talk.m4a", seconds=SOURCE_S)
    cuts = several_cuts(cut_transcript(), PRESET)
    for fmt in ("otio", "fcp7", "edl"):
        export = export_edit(fmt, "clip", EditorSource(audio, SOURCE_S, has_video=False), cuts, FPS)
        back = read_cut_list(export.timeline, fmt, FPS)
        assert sum(len(v) for v in back.values()) == len(cuts.keeps)
        if fmt == "otio":
            assert list(back) == ["Audio"]
        if fmt == "edl":
            assert any(item.startswith("picture:") for item in export.left_out)


def test_a_project_zip_has_a_folder_per_clip(source: Path) -> None:
    cuts = several_cuts(cut_transcript(), PRESET)
    exports = [
        export_edit("fcpxml", stem, EditorSource(source, SOURCE_S, True, 640, 360), cuts, FPS)
        for stem in ("01-intro", "02-trust")
    ]
    names = zipfile.ZipFile(io.BytesIO(zip_exports(exports))).namelist()
    assert sorted(names) == sorted(f"{s}/{n}" for s in ("01-intro", "02-trust") for n in
                                   (f"{s}.fcpxml", "clip.srt", "README.txt"))  # fmt: skip


def test_process_writes_the_edit_beside_the_render(source: Path, tmp_path: Path, settings: Settings) -> None:
    from spaceclip.cli import _write_editor_files

    transcript = cut_transcript()
    preset = get_preset("youtube_shorts")
    spec = ClipSpec(
        source=source, info=probe(source, settings), start=0.1, end=11.9, preset=preset,
        transcript=transcript, cuts=several_cuts(transcript, preset),
    )  # fmt: skip
    folder = tmp_path / "clips"
    folder.mkdir()
    _write_editor_files(spec, ["otio", "edl"], folder, "01-youtube_shorts")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["01-youtube_shorts.otio", "01-youtube_shorts.edl", "01-youtube_shorts.editor.srt",
         "01-youtube_shorts.editor.txt", "01-youtube_shorts.crop.csv"]
    )  # fmt: skip
    back = read_cut_list((folder / "01-youtube_shorts.edl").read_bytes(), "edl", float(preset.fps))
    assert spec.cuts is not None and len(back["Video"]) == len(spec.cuts.keeps)
    assert "crop keyframes" in (folder / "01-youtube_shorts.editor.txt").read_text()


def test_process_refuses_an_unknown_editor_format(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spaceclip.cli import app
    from tests.cli_output import WIDE_TERMINAL, plain

    # rich lays the error panel out at the terminal's width: a fixed wide one, and the words alone
    args = ["process", str(tmp_path / "x.mp4"), "-o", str(tmp_path), "--editor", "avid"]
    result = CliRunner().invoke(app, args, env=WIDE_TERMINAL)
    assert result.exit_code == 2
    assert "otio, fcpxml, fcp7, edl" in plain(result.output)
