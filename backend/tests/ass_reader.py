"""A reader for the ASS scripts the captions write: events with their times, tags and coloured words.

Tests read scripts back with it and check them against the transcript's own word times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})\.(\d{2})$")


_BLOCK = re.compile(r"(?<!\\)\{(.*?)(?<!\\)\}")


_COLOUR = re.compile(r"\\1c(&H[0-9A-F]{8})")


WHITE = "&H00FFFFFF"


def ass_seconds(text: str) -> float:
    match = _TIME.match(text)
    assert match, text
    h, m, s, cs = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s + cs / 100


def unescape(text: str) -> str:
    return text.replace("\u2060", "").replace("\\{", "{").replace("\\}", "}")


@dataclass
class Event:
    start: float
    end: float
    raw: str
    tags: str  # every override block's content, joined
    lines: list[list[tuple[str, str]]]  # visible lines of (word, primary colour)

    @property
    def words(self) -> list[str]:
        return [w for line in self.lines for w, _ in line]

    @property
    def text(self) -> str:
        return " ".join(" ".join(w for w, _ in line) for line in self.lines)

    def coloured(self, base: str = WHITE) -> list[str]:
        return [w for line in self.lines for w, c in line if c != base]


def _visible_lines(raw: str, base: str) -> tuple[str, list[list[tuple[str, str]]]]:
    colour = base
    tags: list[str] = []
    lines: list[list[tuple[str, str]]] = [[]]
    pos = 0

    def emit(chunk: str, colour: str) -> None:
        parts = chunk.split("\\N")
        for n, part in enumerate(parts):
            if n:
                lines.append([])
            for word in part.split(" "):
                if word:
                    lines[-1].append((unescape(word), colour))

    for match in _BLOCK.finditer(raw):
        emit(raw[pos : match.start()], colour)
        tags.append(match.group(1))
        found = _COLOUR.findall(match.group(1))
        if found:
            colour = found[-1]
        pos = match.end()
    emit(raw[pos:], colour)
    return "".join(tags), [line for line in lines if line]


def parse_events(ass: str, base: str = WHITE) -> list[Event]:
    events: list[Event] = []
    in_events = False
    for line in ass.splitlines():
        if line.strip() == "[Events]":
            in_events = True
            continue
        if in_events and line.startswith("Dialogue:"):
            fields = line[len("Dialogue:") :].strip().split(",", 9)
            raw = fields[9]
            tags, lines = _visible_lines(raw, base)
            events.append(Event(ass_seconds(fields[1]), ass_seconds(fields[2]), raw, tags, lines))
    return events


def script_info(ass: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in ass.splitlines():
        if line.startswith("[") and info:
            break
        key, sep, value = line.partition(": ")
        if sep and not line.startswith(";"):
            info[key] = value
    return info


def style_fields(ass: str) -> dict[str, str]:
    names: list[str] = []
    for line in ass.splitlines():
        if line.startswith("Format:") and "Fontname" in line:
            names = [n.strip() for n in line[len("Format:") :].split(",")]
        if line.startswith("Style:"):
            return dict(zip(names, (v.strip() for v in line[len("Style:") :].split(",")), strict=True))
    raise AssertionError("no style line")
