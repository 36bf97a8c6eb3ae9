"""Which face a reframe follows: faces linked from sample to sample, who talks, and a calm choice.

All pure, each tested as a table. :func:`link_faces` links faces from sample to sample; how much each
one's mouth moves (:func:`spaceclip.services.render.faces.mouth_activity`, on frame pairs an eighth of
a second apart) is the cue for who is talking. With the transcript's speaker turns,
:func:`speaker_faces` matches each speaker to the face whose mouth moves when they speak, and
:func:`fuse_speech` lets the transcript say who talks (a listener laughing does not count);
:func:`smooth_activity` averages the cue over a couple of seconds. :func:`choose_track` follows one
face: the one continuing the current track; another face takes over only after it has dominated
(talking clearly more, bigger while the followed face is not the one talking, or the only one) for
``stick`` samples in a row, so the crop never flips between two people; a scene cut starts afresh.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from spaceclip.services.render.faces import Box

__all__ = [
    "choose_track",
    "fuse_speech",
    "link_faces",
    "smooth_activity",
    "speaker_at",
    "speaker_faces",
]

#: Samples another face must dominate before the crop moves to it.
STICK_SAMPLES = 6
#: A face this much larger than the followed one dominates it.
DOMINANCE = 1.4
#: Samples a lost face is held before the crop may move to another one.
HOLD_SAMPLES = 8
#: Mouth activity (grey levels, see :func:`spaceclip.services.render.faces.mouth_activity`) that counts as talking.
MIN_ACTIVITY = 2.0
#: A face talking this many times more than the followed one dominates it.
TALK_DOMINANCE = 2.0
#: Samples either side over which a face's mouth activity is averaged.
TALK_WINDOW = 3
#: Samples (with the face showing) needed on each side to match a speaker to a face.
MATCH_MIN_SAMPLES = 4
#: Mouth activity given to the face of a matched speaker while the transcript says they speak.
MATCHED_TALK = 10.0


def _talking(box: Box, min_activity: float) -> bool:
    return box.activity >= min_activity


def _first_pick(boxes: Sequence[Box], min_activity: float) -> Box:
    """The face to start with: the one talking most, else the biggest (``boxes`` biggest first)."""
    talker = max(boxes, key=lambda b: b.activity)
    return talker if _talking(talker, min_activity) else boxes[0]


def choose_track(
    samples: Sequence[Sequence[Box]],
    cuts: Sequence[bool] | None = None,
    *,
    stick: int = STICK_SAMPLES,
    dominance: float = DOMINANCE,
    hold: int = HOLD_SAMPLES,
    min_activity: float = MIN_ACTIVITY,
    talk_dominance: float = TALK_DOMINANCE,
) -> tuple[list[Box | None], list[bool]]:
    """The face to follow in each sample, and whether the followed person changed there. Pure.

    A face continues the track when its centre lies within one face width of the tracked one. Another
    face takes over when, for ``stick`` samples in a row, it dominates the tracked face, or for a third
    of that when the tracked face is missing. A face dominates when it talks (its
    :attr:`~spaceclip.services.render.faces.Box.activity` is at least ``min_activity``) ``talk_dominance``
    times more than the tracked face, or when it is ``dominance`` times bigger and the tracked face
    is not the one clearly talking. After ``hold`` samples of no face at all the track is dropped and
    the next face seen starts a new one (the one talking, else the biggest). A cut drops the track.
    """
    out: list[Box | None] = []
    switched: list[bool] = []
    current: Box | None = None
    challenger: Box | None = None
    streak = 0
    missing = 0
    for i, found in enumerate(samples):
        if cuts is not None and i < len(cuts) and cuts[i]:
            current, challenger, streak, missing = None, None, 0, 0
        boxes = sorted(found, key=lambda b: b.area, reverse=True)
        if current is None:
            change = False
            if boxes:
                change = any(o is not None for o in out)
                current = _first_pick(boxes, min_activity)
            out.append(current)
            switched.append(change)
            continue
        tracked = current
        match = min(
            (b for b in boxes if math.hypot(b.cx - tracked.cx, b.cy - tracked.cy) <= max(tracked.w, b.w)),
            key=lambda b: math.hypot(b.cx - tracked.cx, b.cy - tracked.cy),
            default=None,
        )
        others = [b for b in boxes if b is not match]
        talkers = [b for b in others if _talking(b, min_activity)]
        rival = max(talkers, key=lambda b: b.activity) if talkers else (others[0] if others else None)
        if rival is None:
            dominated = False
        elif match is None:
            dominated = True
        else:
            talks_more = _talking(rival, min_activity) and rival.activity >= talk_dominance * match.activity
            talks_less = _talking(match, min_activity) and match.activity >= talk_dominance * rival.activity
            dominated = talks_more or (rival.area >= dominance * match.area and not talks_less)
        if dominated and rival is not None:
            same = challenger is not None and math.hypot(rival.cx - challenger.cx, rival.cy - challenger.cy) <= max(
                challenger.w, rival.w
            )
            streak = streak + 1 if same else 1
            challenger = rival
        else:
            streak, challenger = 0, None
        # A lost face gives way sooner than one still on screen.
        needed = stick if match is not None else max(2, stick // 3)
        change = False
        if challenger is not None and streak >= needed:
            current, challenger, streak, missing = challenger, None, 0, 0
            change = True
        elif match is not None:
            current, missing = match, 0
        else:
            missing += 1
            if missing > hold and not boxes:
                current = None
        out.append(current)
        switched.append(change)
    return out, switched


def link_faces(
    samples: Sequence[Sequence[Box]], cuts: Sequence[bool] | None = None, *, hold: int = HOLD_SAMPLES
) -> list[list[int]]:
    """An id per face per sample, the same for one person across samples. Pure.

    A face continues the nearest earlier face within a face width, seen at most ``hold`` samples
    before; never across a cut. Ids count up from 0 in order of first appearance.
    """
    ids: list[list[int]] = []
    last: dict[int, tuple[int, Box]] = {}
    count = 0
    for i, boxes in enumerate(samples):
        if cuts is not None and i < len(cuts) and cuts[i]:
            last = {}
        row: list[int] = []
        for box in boxes:
            near = [
                (math.hypot(box.cx - prev.cx, box.cy - prev.cy), tid)
                for tid, (j, prev) in last.items()
                if tid not in row
                and i - j <= hold + 1
                and math.hypot(box.cx - prev.cx, box.cy - prev.cy) <= max(prev.w, box.w)
            ]
            if near:
                tid = min(near)[1]
            else:
                tid, count = count, count + 1
            last[tid] = (i, box)
            row.append(tid)
        ids.append(row)
    return ids


def smooth_activity(
    samples: Sequence[Sequence[Box]],
    cuts: Sequence[bool] | None = None,
    *,
    window: int = TALK_WINDOW,
    hold: int = HOLD_SAMPLES,
    ids: Sequence[Sequence[int]] | None = None,
) -> list[list[Box]]:
    """The same faces, each with its talking activity averaged over ``window`` samples either side. Pure.

    Mouths open and close between syllables and pauses, so one sample says little. Faces are linked
    from sample to sample (:func:`link_faces`, unless ``ids`` are given) and each face's activity
    becomes the mean over its own samples in the window.
    """
    ids = ids if ids is not None else link_faces(samples, cuts, hold=hold)
    series: dict[int, list[tuple[int, float]]] = {}
    for i, boxes in enumerate(samples):
        for box, tid in zip(boxes, ids[i], strict=True):
            series.setdefault(tid, []).append((i, box.activity))
    out: list[list[Box]] = []
    for i, boxes in enumerate(samples):
        smoothed = []
        for box, tid in zip(boxes, ids[i], strict=True):
            values = [a for j, a in series[tid] if abs(j - i) <= window]
            smoothed.append(box.with_activity(sum(values) / len(values)))
        out.append(smoothed)
    return out


def speaker_at(turns: Sequence[tuple[float, float, str]], times: Sequence[float]) -> list[str | None]:
    """Who speaks at each time, from ``(start, end, speaker)`` turns; None between turns. Pure."""
    return [next((who for a, b, who in turns if a <= t < b), None) for t in times]


def speaker_faces(
    samples: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    speaking: Sequence[str | None],
    *,
    min_samples: int = MATCH_MIN_SAMPLES,
    margin: float = MIN_ACTIVITY,
) -> dict[str, int]:
    """Which face (an id from :func:`link_faces`) each speaker is, from whose mouth moves when. Pure.

    For each speaker and face, the lead is the face's mean mouth activity over the samples where
    that speaker speaks less its mean over the other samples, each from at least ``min_samples``
    samples in which the face shows. Pairs are taken best lead first, one face per speaker and one
    speaker per face, and only with a lead of at least ``margin``: a speaker who is off screen (or
    never moves their lips visibly) matches no face.
    """
    during: dict[tuple[str, int], list[float]] = {}
    outside: dict[tuple[str, int], list[float]] = {}
    speakers = sorted({s for s in speaking if s is not None})
    for i, boxes in enumerate(samples):
        now = speaking[i] if i < len(speaking) else None
        for box, tid in zip(boxes, ids[i], strict=True):
            for who in speakers:
                (during if who == now else outside).setdefault((who, tid), []).append(box.activity)
    leads: list[tuple[float, str, int]] = []
    for (who, tid), inside in during.items():
        other = outside.get((who, tid), [])
        if len(inside) >= min_samples and len(other) >= min_samples:
            lead = sum(inside) / len(inside) - sum(other) / len(other)
            if lead >= margin:
                leads.append((lead, who, tid))
    matched: dict[str, int] = {}
    for _, who, tid in sorted(leads, key=lambda x: (-x[0], x[1], x[2])):
        if who not in matched and tid not in matched.values():
            matched[who] = tid
    return matched


def fuse_speech(
    samples: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    speaking: Sequence[str | None],
    faces_of: Mapping[str, int],
    *,
    talk: float = MATCHED_TALK,
) -> list[list[Box]]:
    """Mouth activity corrected by who the transcript says is speaking. Pure.

    While a speaker matched to a face speaks and that face shows, it gets at least ``talk`` and the
    other faces 0: someone laughing or nodding while another person speaks does not take the crop.
    Otherwise (silence, an unmatched or off-screen speaker, the face not found) the mouths decide.
    """
    out: list[list[Box]] = []
    for i, boxes in enumerate(samples):
        now = speaking[i] if i < len(speaking) else None
        face = faces_of.get(now) if now is not None else None
        if face is None or face not in ids[i]:
            out.append(list(boxes))
            continue
        out.append(
            [
                b.with_activity(max(b.activity, talk) if tid == face else 0.0)
                for b, tid in zip(boxes, ids[i], strict=True)
            ]
        )
    return out
