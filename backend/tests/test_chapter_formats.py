"""Chapter exports (YouTube block, Podlove Simple Chapters, Podcasting 2.0 JSON) and the creator's
edits, as tables; each format is read back by a parser that is not ours (ElementTree, json, a regex
of YouTube's documented line shape)."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET

import pytest

from spaceclip.errors import ValidationFailed
from spaceclip.services.edit.chapter_formats import (
    clock,
    merge,
    move,
    npt,
    podcast_json,
    podlove_xml,
    rename,
    youtube_block,
    youtube_rules,
)
from spaceclip.services.edit.chapters import Chapter

EPISODE = [
    Chapter(0.0, 95.4, "Welcome & the week's news"),
    Chapter(95.4, 1250.0, 'Pricing: "what we charge"'),
    Chapter(1250.0, 3725.5, "Questions from listeners <live>"),
]


@pytest.mark.parametrize(
    ("seconds", "yt", "psc"),
    [
        (0.0, "0:00", "00:00:00.000"),
        (9.999, "0:09", "00:00:09.999"),
        (95.4, "1:35", "00:01:35.400"),
        (3599.9, "59:59", "00:59:59.900"),
        (3725.5, "1:02:05", "01:02:05.500"),
        (-1.0, "0:00", "00:00:00.000"),
    ],
)
def test_clock_and_npt(seconds: float, yt: str, psc: str) -> None:
    assert clock(seconds) == yt
    assert npt(seconds) == psc


@pytest.mark.parametrize(
    ("chapters", "problems"),
    [
        (EPISODE, []),
        (EPISODE[:2], ["at least 3 chapters"]),
        ([Chapter(5.0, 20.0, "a"), *EPISODE[1:]], ["starts at 0:00"]),
        ([Chapter(0.0, 9.5, "a"), Chapter(9.5, 30.0, "b"), Chapter(30.0, 60.0, "c")], ["lasts 9 s"]),
        # whole seconds count: 10.9 - 0.95 is 9.95 s, but 10 - 0 is 10 s on YouTube's clock
        ([Chapter(0.0, 10.9, "a"), Chapter(10.9, 30.0, "b"), Chapter(30.0, 60.0, "c")], []),
        ([Chapter(0.0, 20.0, "a"), Chapter(20.0, 40.0, " "), Chapter(40.0, 60.0, "c")], ["has no title"]),
        ([Chapter(0.0, 30.0, "a"), Chapter(30.0, 60.0, "b"), Chapter(25.0, 90.0, "c")], ["does not start after"]),
    ],
)
def test_youtube_rules(chapters: list[Chapter], problems: list[str]) -> None:
    found = youtube_rules(chapters)
    assert len(found) == len(problems), found
    for got, want in zip(found, problems, strict=True):
        assert want in got


LINE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}) (.+)$")


def test_youtube_block_reads_back_by_youtubes_rules() -> None:
    block = youtube_block(EPISODE)
    assert block.endswith("\n")
    starts, titles = [], []
    for line in block.splitlines():
        m = LINE.match(line)
        assert m, line
        h, mi, s, title = m.groups()
        starts.append(int(h or 0) * 3600 + int(mi) * 60 + int(s))
        titles.append(title)
    assert starts[0] == 0 and len(starts) >= 3
    assert all(b - a >= 10 for a, b in itertools.pairwise(starts))
    assert titles == [c.title for c in EPISODE]


def test_podlove_xml_reads_back() -> None:
    root = ET.fromstring(podlove_xml(EPISODE))
    ns = "{http://podlove.org/simple-chapters}"
    assert root.tag == f"{ns}chapters" and root.get("version") == "1.2"
    items = root.findall(f"{ns}chapter")
    assert [i.get("start") for i in items] == ["00:00:00.000", "00:01:35.400", "00:20:50.000"]
    assert [i.get("title") for i in items] == [c.title for c in EPISODE]


def test_podcast_json_reads_back() -> None:
    doc = json.loads(podcast_json(EPISODE, title="Episode 7"))
    assert doc["version"] == "1.2.0" and doc["title"] == "Episode 7"
    assert [(c["startTime"], c["endTime"], c["title"]) for c in doc["chapters"]] == [
        (c.start, c.end, c.title) for c in EPISODE
    ]


SENTENCES = [0.0, 12.0, 30.5, 61.0, 95.4, 130.0, 600.0, 1240.0, 1250.0, 2000.0]


@pytest.mark.parametrize(
    ("index", "to", "start"),
    [
        (1, 128.0, 130.0),  # the nearest sentence start
        (1, 60.0, 61.0),
        (2, 1700.0, 2000.0),  # 2000 is 300 s away, 1250 is 450 s
        (1, 5.0, 12.0),  # not closer than 10 s to the chapter before (starts 0): 12.0 is the first allowed
    ],
)
def test_move_lands_on_a_sentence_start(index: int, to: float, start: float) -> None:
    out = move(EPISODE, index, to, SENTENCES)
    assert out[index].start == start and out[index - 1].end == start
    assert youtube_rules(out) == []


@pytest.mark.parametrize(
    ("index", "to", "message"),
    [
        (0, 20.0, "first chapter always starts at 0:00"),
        (5, 20.0, "no chapter 6"),
    ],
)
def test_bad_moves_say_what_to_do(index: int, to: float, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        move(EPISODE, index, to, SENTENCES)


def test_a_move_with_no_room_says_merge() -> None:
    tight = [Chapter(0.0, 15.0, "a"), Chapter(15.0, 28.0, "b"), Chapter(28.0, 60.0, "c")]
    with pytest.raises(ValidationFailed, match="Merge the chapters instead"):
        move(tight, 1, 20.0, [0.0, 20.0, 28.0])  # 10..18 s would keep both 10 s long


def test_rename_and_merge() -> None:
    renamed = rename(EPISODE, 1, "  Pricing\n and plans ")
    assert renamed[1].title == "Pricing and plans" and renamed[0] == EPISODE[0]
    with pytest.raises(ValidationFailed, match="needs a title"):
        rename(EPISODE, 1, "   ")
    merged = merge(EPISODE, 2)
    assert merged == [EPISODE[0], Chapter(95.4, 3725.5, EPISODE[1].title)]
    assert merge(EPISODE, 0)[0] == Chapter(0.0, 1250.0, EPISODE[0].title)
    with pytest.raises(ValidationFailed, match="nothing to merge"):
        merge(EPISODE[:1], 0)
