import { expect, test } from "@playwright/test";

import {
  addRange,
  cutOfWord,
  pauseMarkers,
  restorePause,
  restoreWord,
  strikeWords,
  subtractRange,
  wordsInClip,
  type Cut,
  type Range,
} from "@/lib/cuts";

const r = (start: number, end: number): Range => ({ start, end });

for (const [ranges, add, expected] of [
  [[], r(1, 2), [r(1, 2)]],
  [[r(1, 2)], r(3, 4), [r(1, 2), r(3, 4)]],
  [[r(3, 4)], r(1, 2), [r(1, 2), r(3, 4)]], // kept sorted
  [[r(1, 2)], r(1.5, 3), [r(1, 3)]], // overlapping: joined
  [[r(1, 2)], r(2, 3), [r(1, 3)]], // touching: joined
  [[r(1, 2), r(3, 4)], r(1.5, 3.5), [r(1, 4)]], // bridging two
  [[r(1, 2)], r(2, 2), [r(1, 2)]], // empty: ignored
] as const) {
  test(`addRange(${JSON.stringify(ranges)}, ${JSON.stringify(add)})`, () => {
    expect(addRange(ranges, add)).toEqual(expected);
  });
}

for (const [ranges, cut, expected] of [
  [[r(1, 4)], r(2, 3), [r(1, 2), r(3, 4)]], // a word out of the middle
  [[r(1, 4)], r(1, 2), [r(2, 4)]], // the first word
  [[r(1, 2)], r(1, 2), []], // the whole range
  [[r(1, 2)], r(1.995, 3), [r(1, 1.995)]],
  [[r(1, 2)], r(1.005, 2), []], // a sliver under 10 ms drops
  [[r(1, 2), r(5, 6)], r(3, 4), [r(1, 2), r(5, 6)]], // untouched
] as const) {
  test(`subtractRange(${JSON.stringify(ranges)}, ${JSON.stringify(cut)})`, () => {
    expect(subtractRange(ranges, cut)).toEqual(expected);
  });
}

const WORDS = [
  { start: 1.0, end: 1.4 },
  { start: 1.5, end: 1.8, filler: true },
  { start: 1.9, end: 2.4 },
  { start: 4.0, end: 4.5 },
];

test("wordsInClip keeps the words whose middle is inside", () => {
  expect(wordsInClip(WORDS, 1.25, 4.2)).toEqual(WORDS.slice(1, 3));
});

test("strikeWords spans the chosen words, either order, kept to the clip and merged", () => {
  expect(strikeWords([], WORDS, 2, 0, 0.85, 4.65)).toEqual([r(1.0, 2.4)]);
  expect(strikeWords([r(4.0, 4.5)], WORDS, 2, 2, 0.85, 4.65)).toEqual([r(1.9, 2.4), r(4.0, 4.5)]);
  expect(strikeWords([], WORDS, 0, 0, 1.2, 4.65)).toEqual([r(1.2, 1.4)]);
  expect(strikeWords([r(1, 2)], WORDS, 7, 9, 0, 5)).toEqual([r(1, 2)]);
});

test("restoreWord takes the word out of the struck ranges; a filler also gets a restored range", () => {
  const struck = { removed: [r(1.0, 2.4)], restored: [] };
  expect(restoreWord(struck, WORDS[2]!, 0.85, 4.65)).toEqual({ removed: [r(1.0, 1.9)], restored: [] });
  expect(restoreWord(struck, WORDS[1]!, 0.85, 4.65)).toEqual({
    removed: [r(1.0, 1.5), r(1.8, 2.4)],
    restored: [r(1.5, 1.8)],
  });
  expect(restoreWord({ removed: [], restored: [] }, WORDS[1]!, 0.85, 4.65)).toEqual({
    removed: [],
    restored: [r(1.5, 1.8)],
  });
});

test("restorePause adds the pause to the restored ranges", () => {
  expect(restorePause({ removed: [r(1, 2)], restored: [] }, r(2.55, 3.85), 0.85, 4.65)).toEqual({
    removed: [r(1, 2)],
    restored: [r(2.55, 3.85)],
  });
});

const CUTS: Cut[] = [
  { start: 1.5, end: 1.8, reason: "filler" },
  { start: 2.55, end: 3.85, reason: "pause" },
];

test("cutOfWord finds the cut holding a word's middle", () => {
  expect(cutOfWord(CUTS, WORDS[1]!)?.reason).toBe("filler");
  expect(cutOfWord(CUTS, WORDS[2]!)).toBeNull();
});

test("pauseMarkers: after the word before the pause, with its length and what is kept", () => {
  const [marker] = pauseMarkers(CUTS, WORDS, 0.85, 4.65);
  expect(marker?.after).toBe(2);
  expect(marker?.pause).toBeCloseTo(1.6, 6);
  expect(marker?.kept).toBeCloseTo(0.3, 6);
  const [lead] = pauseMarkers([{ start: 0, end: 0.8, reason: "pause" }], WORDS, 0, 4.65);
  expect(lead?.after).toBe(-1);
  expect(lead?.pause).toBeCloseTo(1.0, 6);
});
