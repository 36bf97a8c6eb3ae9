"""A sample transcript (two speakers, three segments) and a clip cut from the middle of it, for the caption tests."""

from __future__ import annotations

from spaceclip.services.render.captions import build_ass
from spaceclip.services.render.presets import PRESETS
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word


def _words(text: str, start: float, speaker: str, *, step: float = 0.31, dur: float = 0.24) -> list[Word]:
    """Words of ``text`` at a steady pace, a longer gap after each sentence."""
    out: list[Word] = []
    t = start
    for token in text.split():
        out.append(Word(round(t, 3), round(t + dur, 3), token, 0.9, speaker))
        t += step + (0.5 if token.endswith((".", "?", "!")) else 0.0)
    return out


def _segment(words: list[Word]) -> Segment:
    return Segment(words[0].start, words[-1].end, " ".join(w.word for w in words), words[0].speaker, tuple(words))


SEG1 = _words(
    "So here's the thing. Nobody tells you how hard it is to start a podcast, and keep going every "
    "single week without an audience.",
    8.0,
    "Speaker 1",
)


SEG2 = _words("Honestly? I almost quit twice. But the third season changed everything for us.", 17.6, "Speaker 2")


SEG3 = _words("That is why we built the community first.", 23.5, "Speaker 1")


TRANSCRIPT = Transcript(
    duration=30.0,
    language="en",
    speakers=(Speaker("Speaker 1", "Maya"), Speaker("Speaker 2", None)),
    segments=(_segment(SEG1), _segment(SEG2), _segment(SEG3)),
)


CLIP_START, CLIP_END = 9.6, 24.4  # starts and ends in the middle of a sentence


def expected_words() -> list[tuple[str, float, float, str | None]]:
    """The clip's words straight from the transcript: (text, start, end) relative to the clip."""
    out = []
    for w in TRANSCRIPT.words:
        if CLIP_START <= (w.start + w.end) / 2 < CLIP_END:
            out.append((w.word, w.start - CLIP_START, min(w.end, CLIP_END) - CLIP_START, w.speaker))
    return out


def sample_ass(style: str, key: str = "tiktok", **kw: object) -> str:
    preset = PRESETS[key]
    return build_ass(
        list(TRANSCRIPT.words),
        clip_start=CLIP_START,
        clip_end=CLIP_END,
        style=style,
        width=preset.width,
        height=preset.height,
        safe=preset.safe,
        **kw,  # type: ignore[arg-type]
    )
