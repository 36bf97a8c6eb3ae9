"""Who spoke when on one channel: DER, word attribution and speaker count on test conversations.

Builds the one-channel conversations of :mod:`tests.conversations` (short turns, overlap, room
reverb, phone band), transcribes each once with SpaceClip's :func:`~spaceclip.services.speech.transcribe.transcribe`
(the bundled tiny.en), then runs the speaker stage
(:func:`~spaceclip.services.speech.speakers.diarize` and ``apply_turns``) without and with the
speaker-count hint, and prints per conversation and run:

- DER from ``pyannote.metrics`` (collar 0.25 s, overlap scored) of the diarizer's turns (goal
  <= 10 %), and as ``wDER`` of the labelled words, a speaker's words joined when under 0.3 s apart
  (this one also counts every stretch of speech Whisper wrote no word for as missed);
- word attribution: the share of words whose speaker, under the best one-to-one mapping of found
  to true speakers, is one of the speakers talking at the word's midpoint (goal >= 95 %); words
  whose midpoint is in no turn are not counted;
- the speakers found against the truth;
- the speaker stage's share of transcription time, as in ``spaceclip transcribe``: the encoder and
  the VAD load in a thread while Whisper works, and what is left of that wait (first conversation
  only) counts with the stage (goal <= 15 %).

Run from backend/: ``python benchmarks/bench_speakers.py [NAME ...]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.speech import speakers as sp
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech.audio import ArrayAudio
from tests.conversations import RECIPES, MixedConversation, build_conversation

COLLAR_S = 0.25
JOIN_GAP_S = 0.3


def hypothesis(words: list[Any], uri: str) -> Any:
    from pyannote.core import Annotation, Segment

    out = Annotation(uri=uri)
    spans: list[list[Any]] = []  # [start, end, speaker]
    for word in words:
        if spans and spans[-1][2] == word.speaker and word.start - spans[-1][1] < JOIN_GAP_S:
            spans[-1][1] = max(spans[-1][1], word.end)
        else:
            spans.append([word.start, word.end, word.speaker])
    for i, (start, end, speaker) in enumerate(spans):
        if end > start:
            out[Segment(start, end), i] = speaker
    return out


def word_attribution(conv: MixedConversation, words: list[Any]) -> tuple[float, int]:
    """(share of words given a speaker talking at their midpoint under the best mapping, words counted)."""
    from scipy.optimize import linear_sum_assignment

    truth = conv.speakers
    found = sorted({w.speaker for w in words})
    scored = [(w.speaker, conv.active_at((w.start + w.end) / 2)) for w in words]
    scored = [(s, active) for s, active in scored if active]
    counts = np.zeros((len(found), len(truth)))
    for speaker, active in scored:
        for name in active:
            counts[found.index(speaker), truth.index(name)] += 1
    rows, cols = linear_sum_assignment(-counts)
    mapping = {found[r]: truth[c] for r, c in zip(rows, cols, strict=True)}
    right = sum(1 for speaker, active in scored if mapping.get(speaker) in active)
    return right / max(1, len(scored)), len(scored)


def turns_annotation(turns: list[sp.SpeakerTurn], uri: str) -> Any:
    """The diarizer's own turns as a ``pyannote.core.Annotation``."""
    from pyannote.core import Annotation, Segment

    out = Annotation(uri=uri)
    for i, turn in enumerate(turns):
        out[Segment(turn.start, turn.end), i] = f"S{turn.speaker}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", default=sorted(RECIPES))
    args = parser.parse_args()
    from pyannote.metrics.diarization import DiarizationErrorRate

    def der(reference: Any, hypothesis_: Any) -> float:
        return float(DiarizationErrorRate(collar=COLLAR_S, skip_overlap=False)(reference, hypothesis_))

    with tempfile.TemporaryDirectory(prefix="bench-speakers-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", whisper_model="tiny.en", whisper_language=None, _env_file=None)
        print(
            f"{'conversation':24} {'hint':>4} {'DER':>6} {'wDER':>6} {'words':>6} {'n':>4} {'found':>5} {'true':>4} "
            f"{'wait s':>6} {'spk s':>6} {'asr s':>6} {'share':>6}"
        )
        for name in args.names:
            conv = build_conversation(name, Path(tmp))
            # As transcribe_with_speakers does: the encoder and VAD load while Whisper works.
            warming = threading.Thread(target=sp.warm_up, daemon=True)
            warming.start()
            started = time.perf_counter()
            transcript = tx.transcribe(conv.wav, settings)
            asr_s = time.perf_counter() - started
            started = time.perf_counter()
            warming.join()
            wait_s = time.perf_counter() - started
            audio = ArrayAudio(tx.load_audio(conv.wav))
            for hint in (None, len(conv.speakers)):
                started = time.perf_counter()
                turns = sp.diarize(audio, list(transcript.words), num_speakers=hint)
                labelled = sp.apply_turns(transcript, turns)
                spk_s = time.perf_counter() - started
                words = list(labelled.words)
                share, counted = word_attribution(conv, words)
                found = len({t.speaker for t in turns})
                print(
                    f"{name:24} {hint or '-':>4} {der(conv.annotation(), turns_annotation(turns, name)):6.1%} "
                    f"{der(conv.annotation(), hypothesis(words, name)):6.1%} {share:6.1%} {counted:4d} {found:5d} "
                    f"{len(conv.speakers):4d} {wait_s:6.2f} {spk_s:6.2f} {asr_s:6.2f} {(wait_s + spk_s) / asr_s:6.1%}"
                )
                wait_s = 0.0
            print(
                f"{'':24} {conv.duration:.1f} s audio, {len(conv.turns)} turns, "
                f"{conv.overlap_seconds():.1f} s overlap, effects {' '.join(conv.effects)}"
            )


if __name__ == "__main__":
    main()
