"""Which Whisper model: tiny.en against the multilingual base on the same files, and base's language
detection.

English, both models through SpaceClip's :func:`~spaceclip.services.speech.transcribe.transcribe`
(base left to detect the language, as ``WHISPER_MODEL=base`` runs by default):

- ``flite``: ``tests/data/highlight_money_talk.json`` spoken by flite's kal16 and slt (a script no
  transcription setting was tuned on);
- ``allison``: real recordings of one woman (Debian ``asterisk-core-sounds-en-wav``), every 12th
  prompt of 1.5-8 s with its words, joined with pauses;
- ``studio_three`` and ``four_voices``: one-channel conversations of :mod:`tests.conversations`
  (piper, festival, flite, espeak-ng and Allison; overlap, room, phone band).

For each file and model: WER (jiwer, on text lower-cased, punctuation stripped, digits spelled out
as English words: ``tests.speech.normalize_words``), seconds, real-time factor. Then the
non-English paragraphs of :mod:`tests.languages` (espeak-ng): the language base detects (SpaceClip's
windows) and faster-whisper's own detection of the first 30 s of speech (what the batched decoder
did before), the probability, right or wrong, and base's WER against the script; a German
paragraph after a 40 s music-like intro, cut into two pieces, shows what one piece's language did.
Last, each model's seconds per audio minute and the projection for a 60-minute episode; with
``--job-minutes N``, the whole analyze job (``analyze_media`` + ``find_media_highlights``, no LLM) of
a generated N-minute episode (``benchmarks/bench_length.py``'s) with each model, per stage.

Run from backend/ (about 5 minutes on 2 cores, plus the job runs)::

    ../.venv/bin/python benchmarks/bench_models.py [--job-minutes 10] [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceclip.config import Settings
from spaceclip.services.speech import chunks
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech import whisper_models as wm
from spaceclip.services.speech.audio import WavAudio
from spaceclip.services.speech.transcript import Transcript
from tests import conversations as cv
from tests.languages import SCRIPTS, normalize_text, speak, tone
from tests.speech import load_script, normalize_words, render_conversation

MODELS = ("tiny.en", "base")
ALLISON_EVERY = 12
PAUSE_S = 0.8
T = TypeVar("T")


@dataclass(frozen=True)
class Sample:
    name: str
    wav: Path
    reference: str
    duration: float


def _duration(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        frames: int = w.getnframes()
        rate: int = w.getframerate()
    return frames / rate


def english_samples(tmp: Path) -> list[Sample]:
    out: list[Sample] = []
    conv = render_conversation(load_script("highlight_money_talk.json"), tmp / "flite.wav")
    out.append(Sample("flite", conv.wav, " ".join(t.text for t in conv.turns), conv.duration))
    prompts = cv.asterisk_prompts(1.5, 8.0)[::ALLISON_EVERY]
    pause = np.zeros(round(PAUSE_S * cv.RATE), dtype=np.float32)
    pieces = [pause]
    for stem, _text in prompts:
        pieces += [cv.trim(cv._to_16k(cv.ASTERISK_DIR / f"{stem}.wav", tmp)), pause]  # 8 kHz files
    allison = tmp / "allison.wav"
    cv._write_wav(allison, np.concatenate(pieces))
    out.append(Sample("allison", allison, " ".join(text for _, text in prompts), _duration(allison)))
    for name in ("studio_three", "four_voices"):
        mixed = cv.build_conversation(name, tmp / "conversations")
        out.append(Sample(name, mixed.wav, " ".join(t.text for t in mixed.turns), mixed.duration))
    return out


def english_wer(reference: str, hypothesis: str) -> tuple[float, int, int]:
    """(WER, errors, reference words) on :func:`tests.speech.normalize_words` text."""
    import jiwer

    ref, hyp = " ".join(normalize_words(reference)), " ".join(normalize_words(hypothesis))
    out = jiwer.process_words(ref, hyp or "<empty>")
    errors = out.substitutions + out.deletions + out.insertions
    return out.wer, errors, len(ref.split())


def plain_wer(reference: str, hypothesis: str) -> float:
    import jiwer

    wer: float = jiwer.wer(normalize_text(reference), normalize_text(hypothesis) or "<empty>")
    return wer


def settings_for(model: str, data: Path, models_dir: Path) -> Settings:
    return Settings(data_dir=data, whisper_model=model, models_dir_setting=models_dir, _env_file=None)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def transcribed(wav: Path, settings: Settings) -> tuple[Transcript, float]:
    """The transcript of ``wav`` and the seconds it took."""
    return timed(lambda: tx.transcribe(wav, settings))


def compare_english(samples: list[Sample], settings: dict[str, Settings]) -> dict[str, tuple[float, float]]:
    """Print the WER table; (seconds, audio seconds) per model."""
    totals = {m: [0.0, 0.0, 0.0, 0.0] for m in MODELS}  # errors, words, seconds, audio seconds
    print(
        f"{'file':<14}{'audio s':>8}  "
        + "  ".join(f"{m + ' WER':>12}{'s':>7}{'RTF':>7}" for m in MODELS)
        + "  base lang"
    )
    for sample in samples:
        row = f"{sample.name:<14}{sample.duration:>8.1f}  "
        language = ""
        for model in MODELS:
            transcript, seconds = transcribed(sample.wav, settings[model])
            wer, errors, words = english_wer(sample.reference, transcript.text)
            total = totals[model]
            total[0] += errors
            total[1] += words
            total[2] += seconds
            total[3] += sample.duration
            row += f"{wer:>12.3f}{seconds:>7.1f}{seconds / sample.duration:>7.3f}"
            language = transcript.language or "?"
        print(row + f"  {language}")
    row = f"{'all':<14}{totals[MODELS[0]][3]:>8.1f}  "
    for model in MODELS:
        errors_all, words_all, seconds_all, audio_all = totals[model]
        row += f"{errors_all / words_all:>12.3f}{seconds_all:>7.1f}{seconds_all / audio_all:>7.3f}"
    print(row)
    return {m: (totals[m][2], totals[m][3]) for m in MODELS}


def first_speech_language(model: object, wav: Path) -> tuple[str, float]:
    """faster-whisper's own detection: the first 30 s of VAD speech (what the batched decoder used)."""
    language, probability, _ = model.detect_language(tx.load_audio(wav), vad_filter=True)  # type: ignore[attr-defined]
    return str(language), float(probability)


def compare_languages(settings: Settings, tmp: Path) -> None:
    model = tx.load_model(settings)
    head = f"{'lang':<6}{'audio s':>8}{'detected':>10}{'p':>7}{'ok':>4}{'det s':>7}"
    print(f"\n{head}   {'first 30 s':>10}{'p':>7}{'ok':>4}{'WER':>8}{'RTF':>7}")
    right = first_right = 0
    wers = []
    for code in SCRIPTS:
        clip = speak(code, tmp)
        with WavAudio.open(clip.wav) as audio:
            started = time.perf_counter()
            guess = tx.detect_language(model, audio)
            detect_s = time.perf_counter() - started
        assert guess is not None
        first, first_p = first_speech_language(model, clip.wav)
        transcript, seconds = transcribed(clip.wav, settings)
        wer = plain_wer(clip.text, transcript.text)
        wers.append(wer)
        right += guess.language == code
        first_right += first == code
        print(
            f"{code:<6}{clip.duration:>8.1f}{guess.language:>10}{guess.probability:>7.2f}"
            f"{'yes' if guess.language == code else 'no':>4}{detect_s:>7.2f}   {first:>10}{first_p:>7.2f}"
            f"{'yes' if first == code else 'no':>4}{wer:>8.3f}{seconds / clip.duration:>7.3f}"
        )
    print(
        f"detected right: {right} of {len(SCRIPTS)} (first 30 s of speech: {first_right}); mean WER of base "
        f"{np.mean(wers):.3f} (decoded in the detected language)"
    )

    clip = speak("de", tmp, lead_in=tone(40.0))
    plan = chunks.plan_chunks(clip.duration, [38.0])
    with WavAudio.open(clip.wav) as audio:
        guess = tx.detect_language(model, audio)
        transcript = tx.transcribe(audio, settings, plan=plan)
        real = tx.detect_language
        tx.detect_language = lambda _model, _audio: None  # type: ignore[assignment]  # the old behaviour
        try:
            before = tx.transcribe(audio, settings, plan=plan)
        finally:
            tx.detect_language = real
    assert guess is not None
    wer, wer_before = plain_wer(clip.text, transcript.text), plain_wer(clip.text, before.text)
    print(
        f"40 s intro + German ({clip.duration:.1f} s, two pieces cut at 38 s): windows say {guess.language} "
        f"(p {guess.probability:.2f}), transcript {transcript.language}, WER {wer:.3f}; "
        f"before (the first piece's language held for all): {before.language}, WER {wer_before:.3f}"
    )


def job_run(minutes: float, settings: dict[str, Settings], tmp: Path) -> dict[str, float]:
    """The analyze job on a generated episode with each model; its seconds per stage."""
    import jiwer

    from benchmarks.bench_length import build_episode
    from spaceclip.services.analysis import analyze_media, find_media_highlights
    from spaceclip.services.highlights.types import HighlightOptions

    wav = tmp / f"episode-{minutes:g}.wav"
    turns = build_episode(minutes, wav)
    reference = " ".join(normalize_words(" ".join(t["text"] for t in turns)))
    # Load the speaker encoder and the sentence embedder outside the timings (one short job).
    short = tmp / "warm-up.wav"
    cv._write_wav(short, cv.read_wav(wav)[: 60 * cv.RATE])
    (tmp / "job-warm-up").mkdir()
    warm = analyze_media(short, tmp / "job-warm-up", settings[MODELS[0]])
    find_media_highlights(warm, settings[MODELS[0]], HighlightOptions(use_llm=False))
    totals = {}
    print(f"\nanalyze job on a {minutes:g}-minute episode ({len(turns)} turns, flite voices):")
    for model in MODELS:
        work = tmp / f"job-{model}"
        work.mkdir()
        marks: dict[str, float] = {}
        started = time.perf_counter()

        def report(
            stage: str, _fraction: float, _message: str, marks: dict[str, float] = marks, started: float = started
        ) -> None:
            marks.setdefault(stage, time.perf_counter() - started)

        result = analyze_media(wav, work, settings[model], report=report)
        marks["highlights"] = time.perf_counter() - started
        find_media_highlights(result, settings[model], HighlightOptions(use_llm=False))
        marks["end"] = time.perf_counter() - started
        order = sorted(marks, key=marks.__getitem__)
        stages = ", ".join(f"{a} {marks[b] - marks[a]:.1f}" for a, b in itertools.pairwise(order))
        wer = jiwer.wer(reference, " ".join(normalize_words(result.transcript.text)))
        totals[model] = marks["end"]
        per_minute = marks["end"] / minutes
        print(f"  {model}: {marks['end']:.1f} s = {per_minute:.1f} s per audio minute ({stages}); WER {wer:.3f}")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, help="where base is (or is assembled); default: a temporary folder")
    parser.add_argument(
        "--job-minutes", type=float, default=0.0, help="also run the analyze job on an episode this long"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="bench-models-") as name:
        tmp = Path(name)
        models_dir = args.models_dir or tmp / "models"
        wm.install_model("base", models_dir)
        settings = {m: settings_for(m, tmp / "data", models_dir) for m in MODELS}
        for model, setting in settings.items():
            _, seconds = timed(lambda setting=setting: tx.load_model(setting))  # type: ignore[misc]
            print(f"{model}: loaded in {seconds:.2f} s ({tx.resolve_model(model, models_dir)})")

        samples = english_samples(tmp)
        print()
        speed = compare_english(samples, settings)
        compare_languages(settings["base"], tmp / "languages")

        print("\ntranscription, English files above:")
        for model in MODELS:
            seconds, audio = speed[model]
            per_minute = 60 * seconds / audio
            print(
                f"  {model}: {per_minute:.1f} s per audio minute (RTF {seconds / audio:.3f}) -> "
                f"{per_minute * 60:.0f} s = {per_minute:.1f} min for a 60-minute episode"
            )
        ratio = speed["base"][0] / speed["tiny.en"][0]
        print(f"  base / tiny.en: {ratio:.2f}x")
        if args.job_minutes:
            jobs = job_run(args.job_minutes, settings, tmp)
            for model, seconds in jobs.items():
                print(f"  {model}: the whole job projected for 60 minutes: {seconds / args.job_minutes:.1f} min")


if __name__ == "__main__":
    main()
