// Text-based trimming: the clip's struck (removed) and restored ranges as the editor changes them.
// Pure: ranges in source seconds, sorted and disjoint, as the API stores them.

export type Range = { start: number; end: number };
export type CutReason = "filler" | "pause" | "removed";
export type Cut = Range & { reason: CutReason };
export type TimedWord = Range & { filler?: boolean };

const EPS = 1e-6;
/** A piece of a range shorter than this (s) is not kept when a word is taken out of it. */
export const MIN_PIECE_S = 0.01;

function round3(t: number): number {
  return Math.round(t * 1000) / 1000;
}

/** `ranges` with `r` added: sorted, disjoint, touching ranges joined. */
export function addRange(ranges: readonly Range[], r: Range): Range[] {
  const all = [...ranges, r].filter((x) => x.end > x.start).sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const x of all) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end + EPS) last.end = Math.max(last.end, x.end);
    else out.push({ start: x.start, end: x.end });
  }
  return out;
}

/** `ranges` with `r` taken out of them (pieces under {@link MIN_PIECE_S} drop). */
export function subtractRange(ranges: readonly Range[], r: Range): Range[] {
  const out: Range[] = [];
  for (const x of ranges) {
    if (x.end <= r.start || x.start >= r.end) {
      out.push({ start: x.start, end: x.end });
      continue;
    }
    if (r.start - x.start >= MIN_PIECE_S) out.push({ start: x.start, end: r.start });
    if (x.end - r.end >= MIN_PIECE_S) out.push({ start: r.end, end: x.end });
  }
  return out;
}

/** The words spoken inside the clip `[start, end]`: those whose middle lies in it. */
export function wordsInClip<W extends TimedWord>(words: readonly W[], start: number, end: number): W[] {
  return words.filter((w) => {
    const mid = (w.start + w.end) / 2;
    return mid >= start && mid <= end;
  });
}

/** The cut a word falls in (its middle inside the cut), or null: the word is kept. */
export function cutOfWord(cuts: readonly Cut[], word: Range): Cut | null {
  const mid = (word.start + word.end) / 2;
  return cuts.find((c) => c.start < mid && mid < c.end) ?? null;
}

function clamp(r: Range, lo: number, hi: number): Range {
  return { start: round3(Math.max(lo, r.start)), end: round3(Math.min(hi, r.end)) };
}

/** Struck ranges with words `from`..`to` (either order) struck, kept inside the clip `[lo, hi]`. */
export function strikeWords(
  removed: readonly Range[],
  words: readonly TimedWord[],
  from: number,
  to: number,
  lo: number,
  hi: number,
): Range[] {
  const [i, j] = from <= to ? [from, to] : [to, from];
  const chosen = words.slice(i, j + 1);
  if (chosen.length === 0) return [...removed];
  const span = { start: Math.min(...chosen.map((w) => w.start)), end: Math.max(...chosen.map((w) => w.end)) };
  return addRange(removed, clamp(span, lo, hi));
}

export type CutRanges = { removed: Range[]; restored: Range[] };

/**
 * The ranges once a struck word is clicked to come back: out of the struck ranges, and kept by a
 * restored range when the automatic filler cut would take it again.
 */
export function restoreWord(ranges: CutRanges, word: TimedWord, lo: number, hi: number): CutRanges {
  const span = clamp(word, lo, hi);
  return {
    removed: subtractRange(ranges.removed, span),
    restored: word.filler ? addRange(ranges.restored, span) : ranges.restored.map((r) => ({ ...r })),
  };
}

/** The ranges once a shortened pause is clicked to keep it whole. */
export function restorePause(ranges: CutRanges, pause: Range, lo: number, hi: number): CutRanges {
  return {
    removed: ranges.removed.map((r) => ({ ...r })),
    restored: addRange(ranges.restored, clamp(pause, lo, hi)),
  };
}

export type PauseMarker = { cut: Cut; after: number; pause: number; kept: number };

/**
 * Where each shortened pause shows: after word index `after` (-1: before the first word), with the
 * pause's own length (from the word before to the word after) and what is left of it.
 */
export function pauseMarkers(cuts: readonly Cut[], words: readonly Range[], lo: number, hi: number): PauseMarker[] {
  return cuts
    .filter((c) => c.reason === "pause")
    .map((cut) => {
      let after = -1;
      words.forEach((w, i) => {
        if (w.end <= cut.start + EPS) after = i;
      });
      const from = after >= 0 ? words[after]!.end : lo;
      const to = after + 1 < words.length ? words[after + 1]!.start : hi;
      const pause = Math.max(0, to - from);
      return { cut, after, pause, kept: Math.max(0, pause - (cut.end - cut.start)) };
    });
}
