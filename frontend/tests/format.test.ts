import { expect, test } from "@playwright/test";

import { messageFrom } from "@/lib/api/errors";
import { codeSpans, formatBytes, formatTime, framing, percent } from "@/lib/format";

for (const [s, expected] of [
  [0, "0:00.0"],
  [5.25, "0:05.3"],
  [83.4, "1:23.4"],
  [599.96, "10:00.0"],
  [3725, "1:02:05.0"],
  [-3, "0:00.0"],
] as const) {
  test(`formatTime(${s}) = ${expected}`, () => {
    expect(formatTime(s)).toBe(expected);
  });
}

test("formatTime without decimals", () => {
  expect(formatTime(83.4, 0)).toBe("1:23");
});

for (const [n, expected] of [
  [0, "0 B"],
  [1023, "1023 B"],
  [1536, "1.5 KB"],
  [1_572_864, "1.5 MB"],
  [50 * 1024 * 1024, "50 MB"],
] as const) {
  test(`formatBytes(${n}) = ${expected}`, () => {
    expect(formatBytes(n)).toBe(expected);
  });
}

test("percent clamps to 0..100", () => {
  expect([percent(-1), percent(0.426), percent(2)]).toEqual(["0%", "43%", "100%"]);
});

const CASES: [string, number, unknown, string][] = [
  [
    "the API's detail",
    415,
    { detail: "This file is not audio or video.", code: "unsupported_media" },
    "This file is not audio or video.",
  ],
  [
    "validation errors, field and message",
    422,
    {
      detail:
        "The request is not valid (body.end: Value error, end must be after start). Correct it and send it again.",
      code: "invalid_request",
      errors: [{ loc: ["body", "end"], msg: "Value error, end must be after start", type: "value_error" }],
    },
    "end: end must be after start",
  ],
  [
    "a 422 of the API's own, without field errors",
    422,
    { detail: "The project name cannot be blank. Type a name and save again.", code: "validation_failed" },
    "The project name cannot be blank. Type a name and save again.",
  ],
  [
    "no body, server error",
    502,
    null,
    "The server failed (HTTP 502). Try again; if it keeps happening, run `spaceclip doctor`.",
  ],
  ["no body, client error", 404, "not json", "The request failed (HTTP 404)."],
  ["network failure", 0, null, "The server could not be reached. Check that SpaceClip is running, then try again."],
];

for (const [name, status, body, expected] of CASES) {
  test(`messageFrom: ${name}`, () => {
    expect(messageFrom(status, body)).toBe(expected);
  });
}

for (const [layout, expected] of [
  ["crop:track", "reframed around the speaker"],
  ["split", "split screen while both people talk"],
  ["crop:center", "centre crop (no face found)"],
  ["crop:blur_fit", "whole picture over a blurred fill (no face found)"],
  ["scale", "scaled to the frame"],
  ["audiogram:bars", "audiogram (bars)"],
  ["crop:sideways", null],
  [undefined, null],
  [42, null],
] as const) {
  test(`framing(${String(layout)}) = ${String(expected)}`, () => {
    expect(framing(layout)).toBe(expected);
  });
}

test("codeSpans splits out `commands`", () => {
  expect(codeSpans("Start Ollama (`ollama serve`) or set OLLAMA_HOST.")).toEqual([
    { text: "Start Ollama (", code: false },
    { text: "ollama serve", code: true },
    { text: ") or set OLLAMA_HOST.", code: false },
  ]);
  expect(codeSpans("`a` and `b`")).toEqual([
    { text: "a", code: true },
    { text: " and ", code: false },
    { text: "b", code: true },
  ]);
  expect(codeSpans("no code here")).toEqual([{ text: "no code here", code: false }]);
  expect(codeSpans("an unpaired ` backtick")).toEqual([{ text: "an unpaired ` backtick", code: false }]);
  expect(codeSpans("")).toEqual([]);
});
