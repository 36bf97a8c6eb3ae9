import { expect, test } from "@playwright/test";

import { wordAt } from "@/lib/hooks/use-media-time";
import { snapEnd, snapStart, stepEdge } from "@/lib/snap";

const WORDS = [
  { start: 0.5, end: 0.9 },
  { start: 1.0, end: 1.6 },
  { start: 2.4, end: 3.0 },
  { start: 3.1, end: 3.8 },
];
const STARTS = WORDS.map((w) => w.start);
const ENDS = WORDS.map((w) => w.end);

for (const [t, before, expected] of [
  [0.0, 10, 0.5], // before the first word: its start
  [1.2, 10, 1.0], // inside a word: nearest start
  [2.0, 10, 2.4], // in a pause, closer to the next word
  [1.6, 10, 1.0], // in a pause, closer to the previous start
  [3.5, 3.0, 2.4], // never at or after the end handle
  [9.0, 10, 3.1], // after the last word
] as const) {
  test(`snapStart(${t}, before ${before}) = ${expected}`, () => {
    expect(snapStart(WORDS, t, before)).toBe(expected);
  });
}

for (const [t, after, expected] of [
  [3.6, 0, 3.8],
  [2.0, 0, 1.6],
  [0.0, 0, 0.9],
  [0.2, 1.0, 1.6], // never at or before the start handle
] as const) {
  test(`snapEnd(${t}, after ${after}) = ${expected}`, () => {
    expect(snapEnd(WORDS, t, after)).toBe(expected);
  });
}

test("snapping with no words keeps the time", () => {
  expect(snapStart([], 4.2, 10)).toBe(4.2);
  expect(snapEnd([], 4.2, 0)).toBe(4.2);
});

for (const [t, dir, expected] of [
  [1.0, 1, 2.4],
  [1.0, -1, 0.5],
  [0.5, -1, 0.5], // nothing before the first edge: stay
  [3.1, 1, 3.1], // nothing after the last edge: stay
  [1.7, 1, 2.4], // from between edges
] as const) {
  test(`stepEdge(${t}, ${dir}) = ${expected}`, () => {
    expect(stepEdge(STARTS, t, dir)).toBe(expected);
  });
}

for (const [t, expected] of [
  [0.0, -1], // before any word
  [0.5, 0],
  [0.7, 0],
  [0.95, 0], // just after a word's end (within 50 ms): still that word
  [0.97, -1], // in the pause
  [1.0, 1],
  [2.9, 2],
  [3.8, 3],
  [5.0, -1], // after the last word
] as const) {
  test(`wordAt(${t}) = ${expected}`, () => {
    expect(wordAt(STARTS, ENDS, t)).toBe(expected);
  });
}
