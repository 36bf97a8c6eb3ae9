// Trim handles snap to word edges: the start to where a word begins, the end to where one ends.
// The server snaps again (with a little padding) when the clip is saved.

export type Edge = { start: number; end: number };

function nearest(values: readonly number[], t: number): number | null {
  let best: number | null = null;
  for (const v of values) if (best === null || Math.abs(v - t) < Math.abs(best - t)) best = v;
  return best;
}

export function snapStart(words: readonly Edge[], t: number, before: number): number {
  return (
    nearest(
      words.map((w) => w.start).filter((s) => s < before),
      t,
    ) ?? t
  );
}

export function snapEnd(words: readonly Edge[], t: number, after: number): number {
  return (
    nearest(
      words.map((w) => w.end).filter((e) => e > after),
      t,
    ) ?? t
  );
}

/** The next word edge after (dir 1) or before (dir -1) `t`, for keyboard trimming. */
export function stepEdge(edges: readonly number[], t: number, dir: 1 | -1): number {
  const sorted = [...edges].sort((a, b) => a - b);
  if (dir > 0) return sorted.find((e) => e > t + 1e-3) ?? t;
  return [...sorted].reverse().find((e) => e < t - 1e-3) ?? t;
}
