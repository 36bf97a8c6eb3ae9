"""Evaluate the built-in highlight finder on generated conversations with designed passages.

Each ``tests/data/highlight_*.json`` script is spoken with flite voices (``tests/speech.py``),
transcribed with the real default Whisper model (tiny.en) and speaker detection, then ranked by
``builtin.rank_candidates`` with the default options (15-90 s). Printed, per conversation and
overall:

- recall@5: the share of designed passages (turns tagged ``designed-N``) hit by one of the top five
  highlights, a hit being IoU ≥ 0.5 between the highlight and the passage's [start, end] in the
  render's truth;
- sentence boundaries: the share of highlights that start on a sentence's first word and end on a
  sentence's last word (goal 100 %), measured twice: against the finder's own sentences, and
  independently against the *script's* sentences (split at . ? !, aligned word by word to the
  transcript with the edit-distance alignment of ``tests/speech.py``) - the script knows where the
  sentences really end, whatever punctuation Whisper put;
- the mean score of the top five and the time taken (transcription and ranking apart);
- whether ``pipeline.find_highlights`` with ``use_llm=False`` returns the same clips;
- the ranking time on an hour-long transcript (the conversations' transcripts repeated).

Renders and transcripts are cached (``--cache``, default a folder in the temp dir) keyed by the
script's content, so re-running after a scorer change takes seconds.

``spaceclip.services.highlights.pipeline.find_highlights`` with ``use_llm=False`` runs this same
built-in path (rank → select → as_highlight); the figures here are that path's.

Usage: ``python -m benchmarks.eval_highlights [--cache DIR] [--top 5] [--show] [--ablation]`` from
``backend/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spaceclip.config import Settings
from spaceclip.services.highlights.builtin import rank_candidates
from spaceclip.services.highlights.embeddings import get_embedder
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.types import HighlightOptions, ScoredCandidate
from spaceclip.services.speech.transcript import Segment, Transcript, Word
from tests.speech import DATA_DIR, align, load_script, normalize_words, render_conversation


@dataclass(frozen=True)
class Passage:
    tag: str
    start: float
    end: float


def iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def render_and_transcribe(script_path: Path, cache: Path) -> tuple[Path, Transcript, list[Passage], float]:
    """(wav, transcript, designed passages, seconds spent now) — cached by the script's content."""
    script = load_script(script_path)
    key = hashlib.sha256(script_path.read_bytes()).hexdigest()[:16]
    folder = cache / f"{script_path.stem}-{key}"
    wav, truth_file, transcript_file = folder / "podcast.wav", folder / "truth.json", folder / "transcript.json"
    started = time.perf_counter()
    if not transcript_file.exists():
        from spaceclip.services.speech.transcribe import transcribe_with_speakers

        conversation = render_conversation(script, wav)
        truth_file.write_text(json.dumps(conversation.to_dict()))
        settings = Settings(data_dir=folder / "data", whisper_model="tiny.en", whisper_language=None, _env_file=None)  # type: ignore[call-arg]
        transcript = transcribe_with_speakers(wav, settings)
        transcript_file.write_text(json.dumps(transcript.to_dict()))
    transcript = Transcript.from_dict(json.loads(transcript_file.read_text()))
    turns = json.loads(truth_file.read_text())["turns"]
    passages = [
        Passage(str(turn_script["tag"]), float(turn["start"]), float(turn["end"]))
        for turn_script, turn in zip(script["turns"], turns, strict=False)
        if str(turn_script.get("tag", "")).startswith("designed")
    ]
    return wav, transcript, passages, time.perf_counter() - started


def on_sentence_bounds(item: ScoredCandidate, starts: set[float], ends: set[float]) -> bool:
    return item.candidate.start in starts and item.candidate.end in ends


def script_sentence_edges(script: dict, transcript: Transcript) -> tuple[set[float], set[float]]:
    """Times where the script's own sentences start and end, found by aligning the script's words
    with the transcript's (a transcript word aligned to a sentence's first/last script word)."""
    ref: list[str] = []
    first_ref: set[int] = set()
    last_ref: set[int] = set()
    for turn in script["turns"]:
        for sentence in re.split(r"(?<=[.?!])\s+", turn["text"].strip()):
            tokens = normalize_words(sentence)
            if tokens:
                first_ref.add(len(ref))
                ref.extend(tokens)
                last_ref.add(len(ref) - 1)
    words = list(transcript.words)
    hyp: list[str] = []
    owner: list[int] = []
    for index, word in enumerate(words):
        for token in normalize_words(word.word):
            hyp.append(token)
            owner.append(index)
    _, pairs = align(ref, hyp)
    starts: set[float] = set()
    ends: set[float] = set()
    for r, h in pairs:
        if r is None or h is None:
            continue
        if r in first_ref:
            starts.add(words[owner[h]].start)
        if r in last_ref:
            ends.add(words[owner[h]].end)
    return starts, ends


def hour_long(transcripts: list[Transcript], minutes: float = 60.0) -> Transcript:
    """The transcripts one after another, repeated until ``minutes`` long (timing only)."""
    segments: list[Segment] = []
    offset = 0.0
    while offset < minutes * 60:
        for tr in transcripts:
            for seg in tr.segments:
                words = tuple(
                    Word(w.start + offset, w.end + offset, w.word, w.probability, w.speaker) for w in seg.words
                )
                segments.append(Segment(seg.start + offset, seg.end + offset, seg.text, seg.speaker, words))
            offset += tr.duration + 1.0
    speakers = transcripts[0].speakers
    return Transcript(duration=offset, language="en", speakers=speakers, segments=tuple(segments))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "spaceclip-eval-highlights")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print each conversation's ranked highlights")
    parser.add_argument("--ablation", action="store_true", help="recall with each feature switched off in turn")
    parser.add_argument("scripts", nargs="*", type=Path)
    args = parser.parse_args()
    scripts = args.scripts or sorted(DATA_DIR.glob("highlight_*.json"))
    options = HighlightOptions()
    hits_total = passages_total = clips_total = bounded_total = script_bounded_total = 0
    transcripts: list[Transcript] = []
    pipeline_same = True
    scores: list[float] = []
    rank_seconds = prepare_seconds = 0.0
    print(f"options: {options.min_length:g}-{options.max_length:g} s, top {args.top}, hit = IoU ≥ 0.5")
    for script_path in scripts:
        wav, transcript, passages, spent = render_and_transcribe(script_path, args.cache)
        transcripts.append(transcript)
        prepare_seconds += spent
        started = time.perf_counter()
        ranked = rank_candidates(transcript, options, audio_path=wav, pool=args.top)
        elapsed = time.perf_counter() - started
        rank_seconds += elapsed
        again = rank_candidates(transcript, options, audio_path=wav, pool=args.top)
        stable = again == ranked
        sentences = split_sentences(list(transcript.words))
        starts, ends = {s.start for s in sentences}, {s.end for s in sentences}
        found = []
        for passage in passages:
            best = max(
                (iou((c.candidate.start, c.candidate.end), (passage.start, passage.end)) for c in ranked), default=0
            )
            found.append((passage, best))
        hits = sum(1 for _, best in found if best >= 0.5)
        bounded = sum(1 for c in ranked if on_sentence_bounds(c, starts, ends))
        script_starts, script_ends = script_sentence_edges(load_script(script_path), transcript)
        script_bounded = sum(1 for c in ranked if on_sentence_bounds(c, script_starts, script_ends))
        script_bounded_total += script_bounded
        same = same_as_pipeline(transcript, wav, ranked, args.top)
        pipeline_same = pipeline_same and same
        hits_total += hits
        passages_total += len(passages)
        clips_total += len(ranked)
        bounded_total += bounded
        scores.extend(c.score for c in ranked)
        duration = transcript.duration
        print(
            f"\n{script_path.stem}: {duration:.0f} s audio, {len(sentences)} sentences; "
            f"recall@{args.top} {hits}/{len(passages)} = {hits / max(1, len(passages)):.0%}; "
            f"on sentence bounds {bounded}/{len(ranked)} (script's sentences {script_bounded}/{len(ranked)}); "
            f"stable across runs: {stable}; pipeline(use_llm=False) same: {same}; "
            f"ranking {elapsed:.2f} s (render+transcribe {spent:.1f} s)"
        )
        for passage, best in found:
            print(f"  {passage.tag}: {passage.start:6.1f}-{passage.end:6.1f}  best IoU {best:.2f}")
        if args.show:
            for rank, c in enumerate(ranked, 1):
                print(f"  #{rank} {c.score:5.1f} {c.candidate.start:6.1f}-{c.candidate.end:6.1f} {c.title!r}")
                print(f"      {c.reason}")
                print(f"      {' '.join(c.hashtags)}  {json.dumps(c.features)}")
    print(
        f"\noverall: recall@{args.top} {hits_total}/{passages_total} = {hits_total / max(1, passages_total):.0%}; "
        f"clips on sentence boundaries {bounded_total}/{clips_total} = {bounded_total / max(1, clips_total):.0%} "
        f"(on the script's own sentences {script_bounded_total}/{clips_total} = "
        f"{script_bounded_total / max(1, clips_total):.0%}); "
        f"mean score {sum(scores) / max(1, len(scores)):.1f}; "
        f"ranking {rank_seconds:.2f} s in all (first call includes loading the embedding model); "
        f"render+transcribe {prepare_seconds:.1f} s; pipeline(use_llm=False) gives the same clips: {pipeline_same}"
    )
    if args.ablation:
        ablation(scripts, args.cache, args.top)
    long = hour_long(transcripts)
    started = time.perf_counter()
    ranked = rank_candidates(long, HighlightOptions())
    texts = [s.text for s in split_sentences(list(long.words))]
    print(
        f"hour-long transcript ({long.duration / 60:.0f} min, {len(texts)} sentences, no audio): "
        f"{len(ranked)} highlights in {time.perf_counter() - started:.1f} s "
        f"(its sentences repeat and were embedded above: this is splitting, scoring and selection)"
    )
    # every sentence distinct (each joined with another), twice as long as real ones: an upper bound
    order = np.random.default_rng(0).permutation(len(texts))
    distinct = list(dict.fromkeys(f"{text} {texts[int(j)]}" for text, j in zip(texts, order, strict=True)))
    started = time.perf_counter()
    get_embedder().encode(distinct)
    print(
        f"embedding {len(set(distinct))} distinct double-length sentences: {time.perf_counter() - started:.1f} s "
        "(upper bound for an hour of unique speech)"
    )


def recall(scripts: list[Path], cache: Path, top: int) -> tuple[int, int]:
    """(designed passages hit in the top ``top``, designed passages) over ``scripts``."""
    hits = total = 0
    for script_path in scripts:
        wav, transcript, passages, _ = render_and_transcribe(script_path, cache)
        ranked = rank_candidates(transcript, HighlightOptions(), audio_path=wav, pool=top)
        spans = [(c.candidate.start, c.candidate.end) for c in ranked]
        hits += sum(1 for p in passages if max((iou(s, (p.start, p.end)) for s in spans), default=0) >= 0.5)
        total += len(passages)
    return hits, total


def ablation(scripts: list[Path], cache: Path, top: int) -> None:
    """Recall@top with each weighted feature set to zero, without the filler penalty, and with all
    weights equal: which features the result rests on."""
    from spaceclip.services.highlights import scorer

    saved_weights, saved_penalty = dict(scorer.WEIGHTS), scorer.PENALTY_WEIGHT
    variants: list[tuple[str, dict[str, float], float]] = [
        (f"without {name}", {**saved_weights, name: 0.0}, saved_penalty) for name in saved_weights
    ]
    variants.append(("without the filler penalty", saved_weights, 0.0))
    variants.append(("all weights equal", dict.fromkeys(saved_weights, 1 / len(saved_weights)), saved_penalty))
    print(f"\nablation (recall@{top}):")
    try:
        for label, weights, penalty in variants:
            scorer.WEIGHTS.clear()
            scorer.WEIGHTS.update(weights)
            scorer.PENALTY_WEIGHT = penalty
            hits, total = recall(scripts, cache, top)
            print(f"  {label:28s} {hits}/{total} = {hits / max(1, total):.0%}")
    finally:
        scorer.WEIGHTS.clear()
        scorer.WEIGHTS.update(saved_weights)
        scorer.PENALTY_WEIGHT = saved_penalty


def same_as_pipeline(transcript: Transcript, wav: Path, ranked: list[ScoredCandidate], top: int) -> bool:
    """Whether the one entry point, without the LLM, gives the same clips in the same order."""
    try:
        from spaceclip.services.highlights.pipeline import find_highlights
    except ImportError:
        return True  # no pipeline module in this tree: nothing to compare
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    result = find_highlights(transcript, settings, HighlightOptions(max_count=top, use_llm=False), audio_path=wav)
    return [(h.start, h.end, h.score) for h in result.highlights] == [
        (c.candidate.start, c.candidate.end, c.score) for c in ranked
    ]


if __name__ == "__main__":
    main()
