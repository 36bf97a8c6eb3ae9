"""What a clip cuts when the creator has not said: fillers and long pauses go on 9:16 exports.

Short vertical platforms (TikTok, Reels, Shorts) reward tight speech; a 16:9 or square export
(YouTube, LinkedIn, X) keeps the speaker's own pace unless the creator turns the cuts on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from spaceclip.services.edit.cuts import CutList, CutSettings, plan_cuts
from spaceclip.services.render.presets import Preset
from spaceclip.services.speech.transcript import Word

__all__ = ["VERTICAL", "cuts_for_preset", "default_cut_settings"]

VERTICAL = "9:16"


def default_cut_settings(preset: Preset | None) -> CutSettings:
    """Fillers and pauses cut for a 9:16 preset, nothing cut otherwise (no preset: as for 9:16)."""
    on = preset is None or preset.aspect == VERTICAL
    return CutSettings(remove_fillers=on, shorten_pauses=on)


def cuts_for_preset(
    start: float,
    end: float,
    words: Iterable[Word],
    preset: Preset,
    *,
    remove_fillers: bool | None = None,
    shorten_pauses: bool | None = None,
    settings: CutSettings | None = None,
) -> CutList:
    """The cut list of ``[start, end]`` for an export to ``preset``, snapped to its frame rate.

    ``remove_fillers`` / ``shorten_pauses`` None take the preset's default (:func:`default_cut_settings`);
    ``settings`` gives the rest (pause lengths, struck and restored ranges).
    """
    base = settings if settings is not None else CutSettings()
    default = default_cut_settings(preset)
    chosen = replace(
        base,
        remove_fillers=default.remove_fillers if remove_fillers is None else remove_fillers,
        shorten_pauses=default.shorten_pauses if shorten_pauses is None else shorten_pauses,
    )
    return plan_cuts(start, end, words, chosen, fps=preset.fps)
