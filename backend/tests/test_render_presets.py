"""Every preset, from a video source and from an audio-only source, passes its own platform check.

Real renders through ffmpeg (clips of 3.5 s from small generated sources shared by the module), each
probed back by ``check_export``. Caption and audiogram styles rotate over the presets so
every style is rendered at least once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import audiogram, captions, presets
from spaceclip.services.render.check import check_export
from spaceclip.services.render.render import RenderResult, render_clip
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Transcript, parse_srt, parse_vtt
from tests.render_media import made_up_transcript, make_talk_audio, make_talk_video, probe

SOURCE_S = 5.0
CLIP = (0.6, 4.1)
PRESET_KEYS = list(presets.PRESETS)
CAPTION_STYLES = list(captions.CAPTION_STYLES)
AUDIOGRAM_STYLES = list(audiogram.AUDIOGRAM_STYLES)


@pytest.fixture(scope="module")
def render_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("render-data")
    return Settings(data_dir=data, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, render_settings: Settings) -> dict[str, tuple[Path, MediaInfo]]:
    folder = tmp_path_factory.mktemp("render-src")
    video = make_talk_video(folder / "talk.mp4", seconds=SOURCE_S, size="640x360")
    audio = make_talk_audio(folder / "talk.m4a", seconds=SOURCE_S)
    return {"video": (video, probe(video, render_settings)), "audio": (audio, probe(audio, render_settings))}


@pytest.fixture(scope="module")
def transcript() -> Transcript:
    return made_up_transcript(SOURCE_S)


def _render(
    kind: str,
    key: str,
    sources: dict[str, tuple[Path, MediaInfo]],
    transcript: Transcript,
    settings: Settings,
    out: Path,
) -> RenderResult:
    index = PRESET_KEYS.index(key)
    source, info = sources[kind]
    spec = ClipSpec(
        source=source,
        info=info,
        start=CLIP[0],
        end=CLIP[1],
        preset=presets.get_preset(key),
        transcript=transcript,
        caption_style=CAPTION_STYLES[index % len(CAPTION_STYLES)],
        audiogram_style=AUDIOGRAM_STYLES[index % len(AUDIOGRAM_STYLES)] if kind == "audio" else None,
        title="Why small shops win",
        speaker_colors=index % 2 == 0,
    )
    stages: list[tuple[str, float]] = []
    result = render_clip(spec, out, settings, stem=f"{kind}-{key}", progress=lambda s, f, _m: stages.append((s, f)))
    fractions = [f for _, f in stages]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0, stages
    if kind == "video":  # audiograms of 3.5 s may encode faster than ffmpeg reports progress
        assert any(s == "render" and 0.2 < f < 0.92 for s, f in stages), "no progress parsed from ffmpeg"
    return result


@pytest.mark.parametrize("kind", ["video", "audio"])
@pytest.mark.parametrize("key", PRESET_KEYS)
def test_every_preset_passes_its_own_check(
    key: str,
    kind: str,
    sources: dict[str, tuple[Path, MediaInfo]],
    transcript: Transcript,
    render_settings: Settings,
    tmp_path: Path,
) -> None:
    preset = presets.get_preset(key)
    result = _render(kind, key, sources, transcript, render_settings, tmp_path)
    failed = [i for i in result.check["items"] if not i["passed"]]
    assert result.passed and result.check["passed"], failed
    names = {i["name"] for i in result.check["items"]}
    assert {"Frame size", "Video codec", "Pixel format", "Frame rate", "Length", "Audio codec", "Fast start"} <= names
    frame = next(i for i in result.check["items"] if i["name"] == "Frame size")
    assert frame["actual"] == f"{preset.width}x{preset.height}"
    assert result.duration == pytest.approx(CLIP[1] - CLIP[0], abs=0.01)
    assert result.layout.startswith("audiogram:" if kind == "audio" else ("crop:", "scale", "blur"))
    # Final names only: no temp or ASS file left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{kind}-{key}.{ext}" for ext in ("mp4", "srt", "vtt", "png")
    )
    assert result.thumbnail is not None
    with Image.open(result.thumbnail) as im:
        assert im.size[0] == preset.width // 2 and abs(im.size[1] - preset.height / 2) <= 1  # even sizes
    assert result.srt is not None and result.vtt is not None
    cues = parse_srt(result.srt.read_text())
    assert cues and cues[0].start >= 0 and cues[-1].end <= result.duration + 0.05
    assert "Maya" in result.srt.read_text() or "Sam" in result.srt.read_text()
    assert parse_vtt(result.vtt.read_text())


def test_a_wrong_file_fails_the_check(sources: dict[str, tuple[Path, MediaInfo]], render_settings: Settings) -> None:
    """The 640x360 source as a TikTok: wrong frame, fps and no fast start are all reported."""
    video, _ = sources["video"]
    check = check_export(video, presets.get_preset("tiktok"), render_settings)
    assert not check.passed
    failed = {i.name for i in check.failed}
    assert {"Frame size", "Frame rate", "Fast start"} <= failed
