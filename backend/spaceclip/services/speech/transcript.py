"""The transcript as data: words, segments and speakers, and its exports (JSON, SRT, VTT, text).

Everything here is pure: no I/O, no models. The JSON form is the one the API and the CLI share::

    {"duration": 12.5, "language": "en",
     "speakers": [{"label": "Speaker 1", "name": "Maya"}],
     "segments": [{"start": 0.0, "end": 2.1, "speaker": "Speaker 1", "text": "Hello there.",
                   "words": [{"start": 0.0, "end": 0.4, "word": "Hello", "probability": 0.98}, ...]}]}

After the speaker stage a ``"turns"`` list of ``[start, end, label]`` says when each voice is heard.
A segment's ``speaker`` is a speaker's stable *label* ("Speaker 2"); display names are looked up in
``speakers`` so that renaming a speaker changes every export at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "Cue",
    "Segment",
    "Speaker",
    "Transcript",
    "VoiceTurn",
    "Word",
    "format_clock",
    "format_srt_time",
    "format_vtt_time",
    "parse_srt",
    "parse_timestamp",
    "parse_vtt",
    "speaker_turns",
    "split_cues",
    "to_srt",
    "to_txt",
    "to_vtt",
]


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time span (seconds) and the recogniser's confidence."""

    start: float
    end: float
    word: str
    probability: float
    speaker: str | None = None
    filler: bool = False  # "um", "uh", "like" as a filler, a false start (services/speech/fillers.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "word": self.word,
            "probability": self.probability,
            "filler": self.filler,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, speaker: str | None = None) -> Word:
        return cls(
            start=float(data["start"]),
            end=float(data["end"]),
            word=str(data["word"]),
            probability=float(data.get("probability", 1.0)),
            speaker=speaker if speaker is not None else data.get("speaker"),
            filler=bool(data.get("filler", False)),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech by one speaker (``speaker`` is a speaker label, None before diarization)."""

    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Segment:
        speaker = data.get("speaker")
        speaker = None if speaker is None else str(speaker)
        return cls(
            start=float(data["start"]),
            end=float(data["end"]),
            text=str(data["text"]),
            speaker=speaker,
            words=tuple(Word.from_dict(w, speaker=speaker) for w in data.get("words", ())),
        )


@dataclass(frozen=True, slots=True)
class Speaker:
    """A detected voice: a stable ``label`` ("Speaker 1") and the creator's ``name`` for it, if any."""

    label: str
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.label

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Speaker:
        name = data.get("name")
        return cls(label=str(data["label"]), name=None if name is None else str(name))


@dataclass(frozen=True, slots=True)
class VoiceTurn:
    """When a voice is heard, as the speaker stage found it: ``speaker`` (a label) from ``start`` to
    ``end`` (s). These follow the sound itself (voice activity, 0.1 s steps), where word times follow
    Whisper's alignment; speaker audiograms light their badges from them."""

    start: float
    end: float
    speaker: str

    def to_list(self) -> list[Any]:
        return [self.start, self.end, self.speaker]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> VoiceTurn:
        start, end, speaker = data
        return cls(start=float(start), end=float(end), speaker=str(speaker))


@dataclass(frozen=True, slots=True)
class Transcript:
    """A whole transcript: audio duration (s), language code, speakers and time-ordered segments.

    ``turns``: the speaker stage's voice turns (empty for a transcript analysed before they were
    kept, or one re-timed for a clip: they are the source's times).
    """

    duration: float
    language: str | None
    speakers: tuple[Speaker, ...] = ()
    segments: tuple[Segment, ...] = ()
    turns: tuple[VoiceTurn, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "duration": self.duration,
            "language": self.language,
            "speakers": [s.to_dict() for s in self.speakers],
            "segments": [s.to_dict() for s in self.segments],
        }
        if self.turns:
            data["turns"] = [t.to_list() for t in self.turns]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transcript:
        language = data.get("language")
        return cls(
            duration=float(data["duration"]),
            language=None if language is None else str(language),
            speakers=tuple(Speaker.from_dict(s) for s in data.get("speakers", ())),
            segments=tuple(Segment.from_dict(s) for s in data.get("segments", ())),
            turns=tuple(VoiceTurn.from_list(t) for t in data.get("turns", ())),
        )

    @property
    def words(self) -> Iterator[Word]:
        """Every word in time order."""
        for segment in self.segments:
            yield from segment.words

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    def speaker_name(self, label: str | None) -> str | None:
        """The display name for speaker ``label`` (the label itself if unnamed or unlisted)."""
        if label is None:
            return None
        for speaker in self.speakers:
            if speaker.label == label:
                return speaker.display_name
        return label

    def with_speaker_names(self, names: Mapping[str, str | None]) -> Transcript:
        """A copy with speakers renamed (``{label: new name or None}``); unknown labels are ignored."""
        speakers = tuple(replace(s, name=names[s.label]) if s.label in names else s for s in self.speakers)
        return replace(self, speakers=speakers)


# --- time formatting (pure, tested as tables) ----------------------------------------------------


def _split_ms(seconds: float) -> tuple[int, int, int, int]:
    """``seconds`` rounded to the millisecond as (hours, minutes, seconds, milliseconds); <0 -> 0."""
    total_ms = max(0, round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return hours, minutes, secs, ms


def format_srt_time(seconds: float) -> str:
    """SubRip time ``HH:MM:SS,mmm`` (rounded to the millisecond, negatives clamp to zero)."""
    h, m, s, ms = _split_ms(seconds)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def format_vtt_time(seconds: float) -> str:
    """WebVTT time ``HH:MM:SS.mmm`` (rounded to the millisecond, negatives clamp to zero)."""
    h, m, s, ms = _split_ms(seconds)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def format_clock(seconds: float) -> str:
    """A reader's clock for plain text: ``M:SS`` under an hour, ``H:MM:SS`` from one hour (floored)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})$")


def parse_timestamp(text: str) -> float:
    """Parse an SRT (``HH:MM:SS,mmm``) or VTT (``[HH:]MM:SS.mmm``) time into seconds.

    Raises:
        ValueError: the text is not such a time.
    """
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        raise ValueError(f"not a subtitle timestamp: {text!r}")
    hours, minutes, secs, ms = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(ms) / 1000


# --- cues ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: a time span, the speaker's display name (or None) and the text."""

    start: float
    end: float
    text: str
    speaker: str | None = None


@dataclass(slots=True)
class _CueBuilder:
    words: list[Word] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(w.word for w in self.words)


def _segment_cues(segment: Segment, speaker: str | None, max_chars: int, max_duration: float) -> list[Cue]:
    words = [w for w in segment.words if w.word]
    if not words:
        return [Cue(segment.start, segment.end, segment.text.strip(), speaker)] if segment.text.strip() else []
    if len(segment.text) <= max_chars and segment.end - segment.start <= max_duration:
        return [Cue(segment.start, segment.end, segment.text.strip(), speaker)]
    cues: list[Cue] = []
    current = _CueBuilder()
    for word in words:
        if current.words:
            too_long = len(current.text()) + 1 + len(word.word) > max_chars
            too_slow = word.end - current.words[0].start > max_duration
            if too_long or too_slow:
                cues.append(Cue(current.words[0].start, current.words[-1].end, current.text(), speaker))
                current = _CueBuilder()
        current.words.append(word)
    cues.append(Cue(current.words[0].start, current.words[-1].end, current.text(), speaker))
    return cues


def split_cues(transcript: Transcript, *, max_chars: int = 84, max_duration: float = 7.0) -> list[Cue]:
    """Subtitle cues: one per segment, long segments split at word boundaries by their word times.

    Args:
        transcript: the transcript to cut into cues.
        max_chars: the longest cue text (two lines of 42 characters by default).
        max_duration: the longest cue in seconds.
    """
    cues: list[Cue] = []
    for segment in transcript.segments:
        name = transcript.speaker_name(segment.speaker)
        cues.extend(_segment_cues(segment, name, max_chars, max_duration))
    return cues


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_srt(transcript: Transcript, *, speaker_names: bool = True) -> str:
    """SubRip subtitles; each cue starts with ``Name: `` when the segment has a speaker."""
    blocks: list[str] = []
    for index, cue in enumerate(split_cues(transcript), start=1):
        text = _one_line(cue.text)
        if speaker_names and cue.speaker:
            text = f"{_one_line(cue.speaker)}: {text}"
        blocks.append(f"{index}\n{format_srt_time(cue.start)} --> {format_srt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(transcript: Transcript, *, speaker_names: bool = True) -> str:
    """WebVTT subtitles; the speaker goes in a voice span ``<v Name>`` so players can style it."""
    blocks = ["WEBVTT\n"]
    for cue in split_cues(transcript):
        text = _vtt_escape(_one_line(cue.text))
        if speaker_names and cue.speaker:
            text = f"<v {_vtt_escape(_one_line(cue.speaker))}>{text}"
        blocks.append(f"{format_vtt_time(cue.start)} --> {format_vtt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def speaker_turns(transcript: Transcript) -> list[Cue]:
    """Consecutive segments of the same speaker merged into turns (the paragraphs of plain text)."""
    turns: list[Cue] = []
    for segment in transcript.segments:
        text = _one_line(segment.text)
        if not text:
            continue
        name = transcript.speaker_name(segment.speaker)
        if turns and turns[-1].speaker == name:
            last = turns[-1]
            turns[-1] = Cue(last.start, segment.end, f"{last.text} {text}", name)
        else:
            turns.append(Cue(segment.start, segment.end, text, name))
    return turns


def to_txt(transcript: Transcript) -> str:
    """Plain text, one paragraph per speaker turn: ``[M:SS] Name: text``."""
    paragraphs = []
    for turn in speaker_turns(transcript):
        prefix = f"[{format_clock(turn.start)}] "
        if turn.speaker:
            prefix += f"{_one_line(turn.speaker)}: "
        paragraphs.append(prefix + turn.text)
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


# --- reading subtitles back (used to check exports, and to import corrected subtitles) -------------

_SRT_SPEAKER = re.compile(r"^([^:\n]{1,80}): (.*)$", re.DOTALL)
_VTT_VOICE = re.compile(r"^<v(?:\.[\w.-]+)? ([^>]*)>(.*?)(?:</v>)?$", re.DOTALL)


def _vtt_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _timing(line: str) -> tuple[float, float]:
    start, _, rest = line.partition("-->")
    end = rest.strip().split(" ", 1)[0]
    return parse_timestamp(start), parse_timestamp(end)


def parse_srt(text: str, *, speaker_names: Sequence[str] = ()) -> list[Cue]:
    """Cues of a SubRip file. A ``Name: `` prefix is taken as the speaker when ``Name`` is listed in
    ``speaker_names`` (or, when the list is empty, whenever the prefix is present)."""
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        if len(lines) < 2 or "-->" not in lines[1]:
            continue
        start, end = _timing(lines[1])
        body = "\n".join(lines[2:])
        speaker: str | None = None
        match = _SRT_SPEAKER.match(body)
        if match and (not speaker_names or match.group(1) in speaker_names):
            speaker, body = match.group(1), match.group(2)
        cues.append(Cue(start, end, body, speaker))
    return cues


def parse_vtt(text: str) -> list[Cue]:
    """Cues of a WebVTT file; a ``<v Name>`` span gives the speaker."""
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    for block in blocks:
        lines = block.split("\n")
        timing_at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing_at is None:
            continue
        start, end = _timing(lines[timing_at])
        body = "\n".join(lines[timing_at + 1 :])
        speaker: str | None = None
        match = _VTT_VOICE.match(body)
        if match:
            speaker, body = _vtt_unescape(match.group(1)), match.group(2)
        cues.append(Cue(start, end, _vtt_unescape(body), speaker))
    return cues
