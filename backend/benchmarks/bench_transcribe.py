"""Transcription speed through SpaceClip vs a bare faster-whisper call, speaker stage cost, peak RSS.

Renders a generated three-voice conversation of at least ``--minutes`` (default 10) with flite, then
in one process, on the same file, with the same model (the bundled tiny.en), device (cpu),
compute type (int8) and decoding options (beam 5, VAD on, word timestamps on):

- the bare call: ``WhisperModel(...).transcribe(path, ...)`` with every segment and word consumed;
- SpaceClip: :func:`spaceclip.services.speech.transcribe.transcribe` (audio read, decoding, word edges
  snapped to speech);
- the speaker stage: :func:`spaceclip.services.speech.speakers.assign_speakers`, cold (encoder load) and warm.

The two transcription runs alternate ``--rounds`` times and the best of each is kept, because this
machine is shared. Prints real-time factors (processing seconds / audio seconds), the speed ratio
bare/SpaceClip (goal >= 0.9), the speaker stage as % of transcription (goal <= 15 %), peak RSS and,
as a check, WER and speaker accuracy on this longer file. Run from backend/:

    ../.venv/bin/python benchmarks/bench_transcribe.py [--minutes 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.speech import speakers as sp
from spaceclip.services.speech import transcribe as tx
from tests.speech import load_script, render_conversation, speaker_accuracy, word_error_rate


def bare_faster_whisper(model: object, wav: Path) -> float:
    """Seconds for a plain faster-whisper transcription, every segment and word consumed."""
    started = time.perf_counter()
    segments, _info = model.transcribe(  # type: ignore[attr-defined]
        str(wav), language="en", beam_size=5, vad_filter=True, word_timestamps=True
    )
    words = sum(len(s.words or ()) for s in segments)
    elapsed = time.perf_counter() - started
    assert words > 0
    return elapsed


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from faster_whisper import WhisperModel

    with tempfile.TemporaryDirectory(prefix="bench-transcribe-") as tmp:
        started = time.perf_counter()
        conv = render_conversation(
            load_script("conversation_three.json"), Path(tmp) / "conv.wav", min_duration=args.minutes * 60
        )
        print(
            f"audio: {conv.duration:.1f} s, {len(conv.turns)} turns, 3 voices (rendered in "
            f"{time.perf_counter() - started:.1f} s)"
        )
        settings = Settings(data_dir=Path(tmp) / "data", whisper_model="tiny.en", _env_file=None)
        model_dir = tx.resolve_model(settings.whisper_model)
        print(f"model: {model_dir} ({tx.DEVICE}, {tx.COMPUTE_TYPE})")

        started = time.perf_counter()
        bare_model = WhisperModel(model_dir, device=tx.DEVICE, compute_type=tx.COMPUTE_TYPE)
        print(f"bare model load: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        tx.load_model(settings)
        print(f"SpaceClip model load: {time.perf_counter() - started:.2f} s")
        rss_after_load = peak_rss_mib()

        bare_times: list[float] = []
        ours_times: list[float] = []
        transcript = None
        for round_no in range(args.rounds):
            order = ("bare", "ours") if round_no % 2 == 0 else ("ours", "bare")
            for which in order:
                if which == "bare":
                    bare_times.append(bare_faster_whisper(bare_model, conv.wav))
                else:
                    t0 = time.perf_counter()
                    transcript = tx.transcribe(conv.wav, settings)
                    ours_times.append(time.perf_counter() - t0)
            print(f"round {round_no + 1}: bare {bare_times[-1]:.1f} s, SpaceClip {ours_times[-1]:.1f} s")
        assert transcript is not None
        rss_after_transcribe = peak_rss_mib()

        samples = tx.load_audio(conv.wav)
        t0 = time.perf_counter()
        labelled = sp.assign_speakers(transcript, samples)
        speakers_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        labelled = sp.assign_speakers(transcript, samples)
        speakers_warm = time.perf_counter() - t0

        bare, ours = min(bare_times), min(ours_times)
        print()
        print(f"transcription RTF, bare faster-whisper: {bare / conv.duration:.4f} ({bare:.1f} s)")
        print(f"transcription RTF, through SpaceClip:   {ours / conv.duration:.4f} ({ours:.1f} s)")
        print(f"speed ratio bare/SpaceClip: {bare / ours:.3f}x (goal >= 0.9x)")
        print(
            f"speaker stage: {speakers_warm:.2f} s warm = {100 * speakers_warm / ours:.1f} % of transcription "
            f"(goal <= 15 %); first call with encoder load {speakers_cold:.2f} s = "
            f"{100 * speakers_cold / ours:.1f} %"
        )
        print(
            f"peak RSS: {peak_rss_mib():.0f} MiB (after model loads {rss_after_load:.0f} MiB, "
            f"after transcription {rss_after_transcribe:.0f} MiB)"
        )
        reference = " ".join(t.text for t in conv.turns)
        accuracy, _ = speaker_accuracy(conv.turns, list(labelled.words))
        print(
            f"check: WER {word_error_rate(reference, labelled.text):.3f}, speakers found "
            f"{len(labelled.speakers)}, speaker accuracy {accuracy:.3f}"
        )


if __name__ == "__main__":
    main()
