"""The analysis pipeline for one media file: probe → 16 kHz audio → transcript → speakers → highlights.

Used by the ``analyze`` job and by the ``spaceclip transcribe`` / ``highlights`` commands; it knows
nothing about the database or the queue. :func:`analyze_media` runs the stages up to speakers;
:func:`find_media_highlights` runs the last one on its result. Progress is reported as (stage,
overall fraction 0..1, message).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spaceclip.config import Settings
from spaceclip.errors import JobCancelled
from spaceclip.services.highlights.types import HighlightOptions, HighlightResult
from spaceclip.services.media.probe import MediaInfo, extract_audio, inspect_media
from spaceclip.services.speech.transcribe import transcribe_with_speakers
from spaceclip.services.speech.transcript import Transcript

log = logging.getLogger(__name__)

Report = Callable[[str, float, str], None]
Cancel = Callable[[], bool]

# Share of the overall progress bar each stage gets: (stage, start, end).
STAGES: tuple[tuple[str, float, float], ...] = (
    ("probe", 0.0, 0.02),
    ("extract", 0.02, 0.10),
    ("transcribe", 0.10, 0.88),
    ("speakers", 0.88, 0.94),
    ("highlights", 0.94, 1.0),
)
STAGE_MESSAGES = {
    "probe": "Checking the file",
    "extract": "Extracting the audio",
    "transcribe": "Transcribing speech",
    "speakers": "Finding who speaks when",
    "highlights": "Finding the best moments",
}
AUDIO_NAME = "audio.wav"


def _span(stage: str) -> tuple[float, float]:
    for name, start, end in STAGES:
        if name == stage:
            return start, end
    raise ValueError(f"unknown stage {stage!r}")


def overall(stage: str, fraction: float) -> float:
    """Map a stage's own 0..1 progress onto the whole pipeline's 0..1."""
    start, end = _span(stage)
    return round(start + (end - start) * min(max(fraction, 0.0), 1.0), 4)


def within_stage(stage: str, fraction: float) -> float:
    """The inverse of :func:`overall`: how far into ``stage`` (0..1) the pipeline's ``fraction`` is.

    For a progress bar of its own per stage (``spaceclip process``).
    """
    start, end = _span(stage)
    return round(min(max((fraction - start) / (end - start), 0.0), 1.0), 4)


class StageClock:
    """Wall seconds per stage of a run, from marks at each stage's start (``spaceclip process``).

    A stage marked again later (one render per clip) adds up; :meth:`stop` ends the last one.
    """

    def __init__(self) -> None:
        self._stage: str | None = None
        self._since = time.perf_counter()
        self._started = self._since
        self.seconds: dict[str, float] = {}

    def mark(self, stage: str | None) -> None:
        """``stage`` starts now (None: nothing runs); the same stage again is no change."""
        if stage == self._stage:
            return
        now = time.perf_counter()
        if self._stage is not None:
            self.seconds[self._stage] = round(self.seconds.get(self._stage, 0.0) + now - self._since, 2)
        self._stage, self._since = stage, now

    def stop(self) -> dict[str, float]:
        """End the running stage; the seconds per stage, and ``total`` since the clock was made."""
        self.mark(None)
        return {**self.seconds, "total": round(time.perf_counter() - self._started, 2)}


@dataclass(frozen=True)
class AnalysisResult:
    info: MediaInfo
    audio_path: Path
    transcript: Transcript


def analyze_media(
    source: Path,
    work_dir: Path,
    settings: Settings,
    *,
    num_speakers: int | None = None,
    report: Report | None = None,
    cancel: Cancel | None = None,
) -> AnalysisResult:
    """Probe ``source``, extract its audio to ``work_dir/audio.wav`` and transcribe it with speakers.

    An ``audio.wav`` already in ``work_dir`` (a re-run after a crash) is reused.

    Raises:
        UnsupportedMedia: not audio/video, damaged, over the limits, or no speech in it.
        JobCancelled: ``cancel`` returned True.
    """

    def emit(stage: str, fraction: float) -> None:
        if cancel is not None and cancel():
            raise JobCancelled()
        if report is not None:
            report(stage, overall(stage, fraction), STAGE_MESSAGES[stage])

    emit("probe", 0.0)
    info = inspect_media(source, settings, cancel=cancel)
    audio = work_dir / AUDIO_NAME
    if not audio.exists():
        emit("extract", 0.0)
        extract_audio(source, audio, settings, info=info, on_progress=lambda f: emit("extract", f), cancel=cancel)

    def on_transcribe(fraction: float) -> None:
        # transcribe_with_speakers spends its first 95 % transcribing, the rest on speakers.
        if fraction < 0.95:
            emit("transcribe", fraction / 0.95)
        else:
            emit("speakers", (fraction - 0.95) / 0.05)

    emit("transcribe", 0.0)
    transcript = transcribe_with_speakers(audio, settings, num_speakers=num_speakers, progress=on_transcribe)
    emit("speakers", 1.0)
    log.info(
        "Analysed %s: %.0f s, %d segments, %d speakers",
        source.name,
        transcript.duration,
        len(transcript.segments),
        len(transcript.speakers),
    )
    return AnalysisResult(info=info, audio_path=audio, transcript=transcript)


def find_media_highlights(
    result: AnalysisResult,
    settings: Settings,
    options: HighlightOptions | None = None,
    *,
    report: Report | None = None,
    cancel: Cancel | None = None,
) -> HighlightResult:
    """The last stage: rank the moments of an analysed file (built-in scorer, LLM when it answers).

    Raises:
        JobCancelled: ``cancel`` returned True.
    """
    from spaceclip.services.highlights.pipeline import find_highlights

    def on_progress(fraction: float, message: str = "") -> None:
        if cancel is not None and cancel():
            raise JobCancelled()
        if report is not None:
            report("highlights", overall("highlights", fraction), message or STAGE_MESSAGES["highlights"])

    on_progress(0.0)
    found = find_highlights(
        result.transcript, settings, options or HighlightOptions(), audio_path=result.audio_path, progress=on_progress
    )
    on_progress(1.0)
    if found.llm_note:
        log.info("Highlights without the LLM's help: %s", found.llm_note)
    return found
