"""Filler words: recall and precision of ``Word.filler`` on generated speech that says them.

Eight voices' worth of sentences with hesitations ("um", "uh", "erm", "hmm"), "like" and "you know"
as fillers and false starts ("I, I mean"), spoken with flite and espeak-ng, laid end to end, then
transcribed by the real pipeline (``transcribe``), with and without Whisper's filler prompt. The
truth marks which scripted words are fillers; the heard words are aligned to it (``tests.speech.align``)
and a flagged heard word counts as right when it is aligned with a scripted filler. Also prints the
WER of the words that are not fillers, and the seconds. Run from backend/::

    ../.venv/bin/python benchmarks/bench_fillers.py
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))

# Each line with its fillers in [brackets] (they are spoken; the brackets only mark the truth).
SCRIPT = (
    "[Um,] I think the, [uh,] the main thing is pricing.",
    "So, [uh,] we tried that last year and, [um,] it did not work.",
    "Well, [you know,] the customers just, [like,] wanted it cheaper.",
    "[I,] I mean, [uh,] we never really asked them.",
    "[Hmm,] that is a good question. [Um,] let me think.",
    "The plan was, [erm,] to open a second shop in the spring.",
    "[Uh,] and then the bank said no, so, [um,] we waited.",
    "It was, [like,] the hardest month of the whole year, [you know.]",
    "We sold bread on Fridays and cakes on Sundays.",
    "[Um,] the, [the] ovens were old but they worked.",
    "Honestly, [uh,] I would do it all again.",
    "Our best week was in December, [um,] right before the holidays.",
)
VOICES = ("flite:slt", "flite:rms", "espeak-ng:en-us", "flite:awb", "flite:kal16")


def truth_tokens() -> list[tuple[str, bool]]:
    from tests.speech import normalize_words

    out: list[tuple[str, bool]] = []
    for line in SCRIPT:
        for part in re.split(r"(\[[^\]]*\])", line):
            filler = part.startswith("[")
            out += [(w, filler) for w in normalize_words(part.strip("[]"))]
    return out


def spoken(line: str) -> str:
    return line.replace("[", "").replace("]", "")


def main() -> None:
    from spaceclip.config import Settings
    from spaceclip.services.speech.transcribe import transcribe
    from tests.speech import align, normalize_words, synthesize

    truth = truth_tokens()
    with tempfile.TemporaryDirectory(prefix="bench-fillers-") as name:
        work = Path(name)
        pieces = []
        for i, line in enumerate(SCRIPT):
            pieces.append(synthesize(VOICES[i % len(VOICES)], spoken(line), work, i).astype(np.float32) / 32768)
            pieces.append(np.zeros(8000, dtype=np.float32))
        audio = np.concatenate(pieces)
        settings = Settings(data_dir=work / "data", whisper_model="tiny.en", _env_file=None)
        transcribe(audio[:16000], settings)  # load the model outside the timings
        print(f"{len(SCRIPT)} sentences, {audio.size / 16000:.1f} s, {sum(f for _, f in truth)} scripted fillers")
        for prompt in (False, True):
            started = time.perf_counter()
            transcript = transcribe(audio, settings, filler_prompt=prompt)
            seconds = time.perf_counter() - started
            heard: list[tuple[str, bool]] = []
            for word in transcript.words:
                heard += [(token, word.filler) for token in normalize_words(word.word)]
            _, pairs = align([t for t, _ in truth], [h for h, _ in heard])
            flagged = sum(f for _, f in heard)
            right = sum(1 for r, h in pairs if r is not None and h is not None and truth[r][1] and heard[h][1])
            found_words = sum(1 for r, h in pairs if r is not None and h is not None and truth[r][1])
            scripted = sum(f for _, f in truth)
            plain_ref = [t for t, f in truth if not f]
            plain_hyp = [h for h, f in heard if not f]
            errors, _ = align(plain_ref, plain_hyp)
            print(
                f"filler prompt {'on ' if prompt else 'off'}: fillers written {found_words}/{scripted}, "
                f"flagged {flagged}: recall {right / scripted:.2f}, precision {right / flagged if flagged else 0:.2f}; "
                f"WER of the other words {errors / len(plain_ref):.3f}; {seconds:.1f} s"
            )


if __name__ == "__main__":
    main()
