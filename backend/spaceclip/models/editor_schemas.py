"""The editor formats a clip's edit downloads in (``GET /api/clips/{id}/editor?format=...``)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LEFT_OUT_HEADER", "EditorFormatKey"]

#: The response header that lists, ``; ``-separated, what the format could not carry (also in README.txt).
LEFT_OUT_HEADER = "X-SpaceClip-Left-Out"


class EditorFormatKey(StrEnum):
    """otio: OpenTimelineIO; fcpxml: Final Cut Pro / DaVinci Resolve; fcp7: FCP 7 XML (Premiere); edl: CMX 3600."""

    otio = "otio"
    fcpxml = "fcpxml"
    fcp7 = "fcp7"
    edl = "edl"
