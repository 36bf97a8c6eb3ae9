// The looks of an audio-only clip in a real browser against the real backend: a speaker's badge
// photo goes up in the Speakers panel (a file that is not an image is refused with the API's message
// and the photo stays), the clip editor shows the brand kit's intro/outro cards and names the
// transcript's characters the brand font cannot draw before any render, speaker badges, emphasis and
// a caption size and position change the preview frame, and the export passes its platform check.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect, type Page, test } from "@playwright/test";

import { SPEECH_WAV, VENV_BIN } from "./paths";
import {
  downloadVideo,
  expectAccessible,
  exportForTikTok,
  imageLoaded,
  openNewProject,
  screenshot,
  signUp,
  uniqueEmail,
} from "./helpers";

const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/** Punctuation the brand font is made without: Whisper writes full stops and commas in every transcript. */
const LEFT_OUT = ".,?!'";

/** DejaVu Sans cut down (fontTools' subsetter) to printable ASCII and Latin-1 without LEFT_OUT. */
function fontWithout(chars: string, file: string): void {
  const unicodes = [];
  for (let c = 0x20; c <= 0xff; c++) {
    if ((c < 0x7f || c >= 0xa0) && !chars.includes(String.fromCharCode(c))) unicodes.push(c.toString(16));
  }
  execFileSync(join(VENV_BIN, "pyftsubset"), [DEJAVU, `--unicodes=${unicodes.join(",")}`, `--output-file=${file}`]);
}

/** SHA-256 of the picture the preview <img> shows now (its blob URL read back in the page). */
async function previewDigest(page: Page): Promise<string> {
  const img = page.getByTestId("preview-frame");
  await imageLoaded(img);
  return img.evaluate(async (el) => {
    // A blob URL is revoked as soon as the next frame replaces it: read as "not there yet".
    const res = await fetch((el as HTMLImageElement).src).catch(() => null);
    if (!res) return "replaced";
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", await res.arrayBuffer()));
    return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
  });
}

test("badge photo, brand cards and font coverage in the editor, badges and caption looks exported", async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  mkdirSync(testInfo.outputDir, { recursive: true });
  const photo = join(testInfo.outputDir, "host.png");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x320", "-frames:v", "1", "-y", photo]);
  const notImage = join(testInfo.outputDir, "not-a-photo.png");
  writeFileSync(notImage, "this is text, whatever the name says\n");
  const font = join(testInfo.outputDir, "dejavu-no-punctuation.ttf");
  fontWithout(LEFT_OUT, font);

  // The brand kit: a font without some punctuation, intro and outro cards whose titles it draws.
  await signUp(page, uniqueEmail("looks"));
  await page.goto("/settings/");
  const kit = page.getByTestId("brand-kit");
  await expect(kit.getByText("Source Sans Pro (built in)")).toBeVisible();
  await kit.locator("#brand-font-file").setInputFiles(font);
  await expect(kit.getByTestId("brand-font")).toHaveText("DejaVu Sans");
  await kit.getByLabel("Add an intro card to every export").check();
  await kit.locator("#brand-intro-title").fill("Night Shift");
  await kit.locator("#brand-intro-seconds").fill("1.5");
  await kit.getByLabel("Add an outro card to every export").check();
  await kit.locator("#brand-outro-title").fill("See you soon");
  await kit.locator("#brand-outro-seconds").fill("1");
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/api/brand")),
    page.getByRole("button", { name: "Save brand kit" }).click(),
  ]);
  expect(saved.status(), await saved.text()).toBe(200);

  // An audio-only project, analysed.
  await openNewProject(page);
  await page.locator("#file").setInputFiles(SPEECH_WAV);
  await page.getByLabel("Project name (optional)").fill("Night Shift, looks");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await page.waitForURL(/\/project\/\?id=/, { timeout: 240_000 });
  const projectId = new URL(page.url()).searchParams.get("id") ?? "";
  const highlights = page.getByTestId("highlight");
  await expect(highlights.first()).toBeVisible({ timeout: 240_000 });

  // The first speaker's badge photo: a real PNG goes up and shows.
  const speaker = page.locator("form", { has: page.getByRole("button", { name: "Rename" }) }).first();
  await speaker.getByLabel("Badge photo").setInputFiles(photo);
  const shown = speaker.getByRole("img", { name: /^Badge photo of / });
  await imageLoaded(shown);
  const photoSrc = (await shown.getAttribute("src")) ?? "";
  const stored = await (await page.request.get(photoSrc)).body();
  expect(stored.subarray(1, 4).toString("latin1")).toBe("PNG");

  // A text file named .png: the API's message in place, the stored photo unchanged.
  await speaker.getByLabel("Badge photo").setInputFiles(notImage);
  await expect(speaker.getByRole("alert")).toHaveText(
    /This file is not a PNG, JPEG or WebP image .*Upload the speaker's photo in one of those formats\./,
  );
  await imageLoaded(shown);
  expect((await (await page.request.get(photoSrc)).body()).equals(stored)).toBe(true);
  await page.locator("audio.player").evaluate((el) => (el as HTMLAudioElement).pause());
  await speaker.scrollIntoViewIfNeeded();
  await screenshot(page, "project-speaker-photo");

  // The clip editor: the kit's cards for the previewed platform, with their seconds.
  await highlights.first().getByRole("button", { name: "Make clip" }).click();
  await page.waitForURL(/\/clip\/\?id=/);
  const clipId = new URL(page.url()).searchParams.get("id") ?? "";
  const before = await previewDigest(page);
  const cards = page.getByTestId("brand-cards");
  await imageLoaded(cards.getByTestId("editor-intro-card").getByRole("img"));
  await imageLoaded(cards.getByTestId("editor-outro-card").getByRole("img"));
  await expect(cards.getByTestId("editor-intro-card")).toContainText("Intro, 1.5 s before the clip");
  await expect(cards.getByTestId("editor-outro-card")).toContainText("Outro, 1 s after the clip");
  await expect(cards).toContainText("DejaVu Sans captions");
  const introSrc = await cards.getByTestId("editor-intro-card").getByRole("img").getAttribute("src");
  expect(introSrc).toContain("platform=tiktok");

  // Before rendering: the characters the font lacks, as the API counts them, named with what to do.
  const coverage = (await (await page.request.get(`/api/brand/coverage?project_id=${projectId}`)).json()) as {
    missing: string[];
  };
  expect(coverage.missing.length).toBeGreaterThan(0);
  expect(coverage.missing.every((c) => LEFT_OUT.includes(c))).toBe(true);
  expect(coverage.missing).toContain(".");
  const note = page.getByTestId("font-coverage");
  await expect(note).toContainText("Your brand font DejaVu Sans cannot draw");
  await expect(note.getByTestId("missing-char").locator("code")).toHaveText(coverage.missing);
  await expect(note).toContainText("in a fallback font");
  await expect(note.getByRole("link", { name: "Settings → Brand kit" })).toHaveAttribute("href", "/settings/");

  // Badges, emphasis, large captions at the top: saved, the preview frame is drawn again with them.
  await page.getByLabel(/^Speaker badges/).check();
  await page.getByLabel("Emphasise numbers, names and keywords").check();
  await page.getByRole("radio", { name: /^Large/ }).check();
  await page.getByRole("radio", { name: /^Top/ }).check();
  await expect(page.getByTestId("look-unsaved")).toBeVisible();
  await page.getByRole("button", { name: "Save clip" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByTestId("look-unsaved")).toHaveCount(0);
  const clip = (await (await page.request.get(`/api/clips/${clipId}`)).json()) as Record<string, unknown>;
  expect(clip).toMatchObject({ speaker_badges: true, emphasis: true, caption_size: "large", caption_position: "top" });
  await expect
    .poll(() => previewDigest(page), { timeout: 120_000, intervals: [1_000] })
    .not.toMatch(new RegExp(`^(${before}|replaced)$`));
  await expect(page.getByTestId("preview-frame")).toHaveCSS("opacity", "1");
  await screenshot(page, "clip-looks");
  await expectAccessible(page);

  // The export with the badges (the photo among them), the looks and the kit passes TikTok's check.
  const row = await exportForTikTok(page);
  await expect(row.getByTestId("framing")).toContainText("audiogram (");
  // The export says, from when it was asked for, which of the clip's characters the kit's font lacks.
  await expect(row.getByTestId("font-note")).toContainText("cannot draw");
  await expect(row.getByTestId("font-note")).toContainText("drawn in a fallback font");
  const probe = await downloadVideo(page, row, testInfo.outputDir);
  expect(probe).toMatchObject({ width: 1080, height: 1920, codec: "h264" });
  // The export froze the kit and the looks; the file is the cut clip plus both cards (1.5 s + 1 s).
  type Exported = { platform: string; duration: number; settings: Record<string, unknown> };
  const exported = ((await (await page.request.get(`/api/clips/${clipId}/exports`)).json()) as Exported[])[0];
  expect(exported?.platform).toBe("tiktok");
  expect(exported?.settings.brand).toBeTruthy();
  expect(probe.duration).toBeCloseTo(exported?.duration ?? 0, 0);
  const cut = Number(
    /Length after cuts: ([\d.]+) s/.exec((await page.getByText("Length after cuts").textContent()) ?? "")?.[1],
  );
  expect(probe.duration).toBeGreaterThan(cut + 2.5 - 0.3);
  expect(probe.duration).toBeLessThan(cut + 2.5 + 0.3);
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, "clip-looks-exported");
});
