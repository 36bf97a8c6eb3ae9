"""Audiograms: a moving picture of the sound, for audio-only sources (and on request for video).

:func:`audiogram_graph` returns an ffmpeg filter_complex fragment that turns the clip's audio stream
into a frame of ``width`` x ``height``: a background (solid colour, two-colour gradient or the user's
cover image, blurred and dimmed), a visualiser in one of :data:`AUDIOGRAM_STYLES`, the clip's title
at the top and the active speaker's name under the visualiser. The renderer appends the captions to
its output label and encodes everything in one ffmpeg pass.

Speed comes from drawing the sound small and scaling it up (see :mod:`.visualisers`). Static
backgrounds are made once and looped, so the per-frame cost is one overlay, a few ``drawtext`` and
the encode. Text reaches ``drawtext`` through two levels of ffmpeg escaping (the filter-graph parser,
then the option parser); ``services.media.filters.drawtext_escape`` does both, and ``expansion=none``
keeps ``%`` literal. :func:`peak_time` finds the loudest moment of a range, for the thumbnail.

One job a module:

* :mod:`.layout` — pure: where the title, visualiser and name go; title wrapping; speaker turns.
* :mod:`.background` — colours and the background (solid, gradient, cover image).
* :mod:`.visualisers` — the styles and their filter fragments (bars, wave, radial).
* :mod:`.graph` — :func:`audiogram_graph`: the whole fragment, with title and names.
* :mod:`.peak` — the loudest moment of a range.
"""

from __future__ import annotations

from spaceclip.services.render.audiogram.background import Background
from spaceclip.services.render.audiogram.graph import FilterGraph, audiogram_graph
from spaceclip.services.render.audiogram.layout import Layout, layout_for, merge_turns, wrap_title
from spaceclip.services.render.audiogram.peak import loudest_window, peak_time
from spaceclip.services.render.audiogram.visualisers import AUDIOGRAM_STYLES, AudiogramStyle

__all__ = [
    "AUDIOGRAM_STYLES",
    "AudiogramStyle",
    "Background",
    "FilterGraph",
    "Layout",
    "audiogram_graph",
    "layout_for",
    "loudest_window",
    "merge_turns",
    "peak_time",
    "wrap_title",
]
