// The brand kit and the project page you look at, in a real browser against the real backend: a
// font that is not a font is refused, a real font and logo go up, colours and intro/outro cards are
// saved and previewed; the dashboard shows a frame of the video, the highlight lane plays a
// highlight and trims it, the clip made of it previews the watermark and exports with the cards
// (ffprobe: the length is the clip plus both cards), and the export plays in the project's gallery.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect, type Page, test } from "@playwright/test";

import { SPEECH_MP4 } from "./paths";
import { expectAccessible, ffprobe, imageLoaded, openNewProject, screenshot, signUp, uniqueEmail } from "./helpers";

const DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const PLATFORM = "X (9:16, 720p)"; // the quickest render
const INTRO_S = 1.5;
const OUTRO_S = 1;

async function saveKit(page: Page): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/api/brand")),
    page.getByRole("button", { name: "Save brand kit" }).click(),
  ]);
  expect(response.status(), await response.text()).toBe(200);
  await expect(page.getByText("Brand kit saved. New exports use it.")).toBeVisible();
}

test("brand kit, highlight lane, branded export in the gallery", async ({ page }, testInfo) => {
  test.setTimeout(900_000);
  mkdirSync(testInfo.outputDir, { recursive: true });
  const logo = join(testInfo.outputDir, "logo.png");
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "color=c=orange:s=300x120",
    "-frames:v",
    "1",
    "-y",
    logo,
  ]);
  const fakeFont = join(testInfo.outputDir, "not-a-font.ttf");
  writeFileSync(fakeFont, "<html>this is not a font</html>");

  await signUp(page, uniqueEmail("brand"));
  await page.goto("/settings/");
  const kit = page.getByTestId("brand-kit");
  await expect(kit.getByText("Source Sans Pro (built in)")).toBeVisible();

  // A file named .ttf that is not a font: the API's message, nothing stored.
  await kit.locator("#brand-font-file").setInputFiles(fakeFont);
  await expect(kit.getByText(/not a TrueType or OpenType font/)).toBeVisible();
  await expect(kit.getByText("Source Sans Pro (built in)")).toBeVisible();

  await kit.locator("#brand-font-file").setInputFiles(DEJAVU);
  await expect(kit.getByTestId("brand-font")).toHaveText("DejaVu Sans");
  await kit.locator("#brand-logo-file").setInputFiles(logo);
  await imageLoaded(kit.getByTestId("brand-logo"));

  await kit.getByLabel("Card background").fill("#1e3a8a");
  await kit.getByLabel("Card title").fill("#fde68a");
  await kit.getByLabel("Corner").selectOption("top-left");
  await kit.getByLabel("Add an intro card to every export").check();
  await kit.locator("#brand-intro-title").fill("Night Shift, episode 12");
  await kit.locator("#brand-intro-seconds").fill(String(INTRO_S));
  await kit.getByLabel("Add an outro card to every export").check();
  await kit.locator("#brand-outro-title").fill("Follow for more");
  await kit.locator("#brand-outro-seconds").fill(String(OUTRO_S));
  await saveKit(page);
  await imageLoaded(kit.getByTestId("brand-intro-preview"));
  await imageLoaded(kit.getByTestId("brand-outro-preview"));
  await screenshot(page, "settings-brand");
  await expectAccessible(page);

  // A video project: analysed, then its page.
  await openNewProject(page);
  await page.locator("#file").setInputFiles(SPEECH_MP4);
  await page.getByLabel("Project name (optional)").fill("Night Shift, branded");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await page.waitForURL(/\/project\/\?id=/, { timeout: 240_000 });
  const projectUrl = page.url();

  // The lane: one block per highlight over the waveform; a click plays it from its start.
  const lane = page.getByTestId("highlight-lane");
  const blocks = lane.getByTestId("lane-block");
  await expect(blocks.first()).toBeVisible();
  await imageLoaded(lane.getByTestId("highlight-thumbnail").first());
  const player = page.locator("video.player");
  await lane.getByRole("button", { name: /^Play highlight 1:/ }).click();
  await expect.poll(() => player.evaluate((el) => !(el as HTMLVideoElement).paused)).toBe(true);
  const before = (await lane.getByTestId("lane-range").textContent()) ?? "";
  const started = await player.evaluate((el) => (el as HTMLVideoElement).currentTime);
  await player.evaluate((el) => (el as HTMLVideoElement).pause());

  // Drag the end handle to the left: the range shortens.
  const handle = lane.getByTestId("lane-end");
  const box = await handle.boundingBox();
  expect(box).not.toBeNull();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x - 20, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
  await expect(lane.getByTestId("lane-range")).not.toHaveText(before);
  const trimmed = (await lane.getByTestId("lane-range").textContent()) ?? "";
  const length = (text: string) => Number(/\(([\d.]+)\s*s\)/.exec(text)?.[1]);
  const title = (text: string) => text.split(": ")[0];
  // The same highlight, shorter by the drag (about 20 px of the lane: a few seconds of 48).
  expect(title(trimmed)).toBe(title(before));
  expect(length(trimmed)).toBeLessThan(length(before) - 0.5);
  expect(length(trimmed)).toBeGreaterThan(1);
  expect(started).toBeGreaterThanOrEqual(0);
  await screenshot(page, "project-lane");
  await expectAccessible(page);

  // A clip of the trimmed range: the preview carries the watermark; the export the cards.
  await lane.getByRole("button", { name: "Make a clip of this range" }).click();
  await page.waitForURL(/\/clip\/\?id=/);
  await expect(page.getByTestId("preview-frame")).toBeVisible({ timeout: 90_000 });
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/clips\/[^/]+\/exports$/.test(r.url())),
    page.getByRole("button", { name: `Export for ${PLATFORM}`, exact: true }).click(),
  ]);
  expect(created.status(), await created.text()).toBe(202);
  const body = (await created.json()) as { export: { id: string; settings: { brand: unknown } } };
  expect(body.export.settings.brand).not.toBeNull();
  const id = body.export.id;
  type ExportBody = { status: string; duration: number; check: { passed: boolean } | null };
  const read = async () => (await (await page.request.get(`/api/exports/${id}`)).json()) as ExportBody;
  await expect.poll(async () => (await read()).status, { timeout: 300_000, intervals: [1_000] }).toBe("done");
  const exp = await read();
  expect(exp.check?.passed).toBe(true);
  const file = join(testInfo.outputDir, "branded.mp4");
  writeFileSync(file, await (await page.request.get(`/api/exports/${id}/download?file=video`)).body());
  const probe = ffprobe(file);
  expect(probe).toMatchObject({ width: 720, height: 1280, codec: "h264" });
  expect(probe.duration).toBeCloseTo(exp.duration, 1);
  expect(exp.duration).toBeGreaterThan(INTRO_S + OUTRO_S + 1);
  await screenshot(page, "clip-brand-preview");

  // The gallery on the project page plays the export in place.
  await page.goto(projectUrl);
  const item = page.getByTestId("exports-gallery").getByTestId("gallery-item").first();
  const video = item.locator("video");
  await expect(video).toBeVisible();
  await expect
    .poll(() => video.evaluate((el) => (el as HTMLVideoElement).duration), { timeout: 30_000 })
    .toBeCloseTo(exp.duration, 0);
  await video.evaluate((el) => (el as HTMLVideoElement).play());
  await expect.poll(() => video.evaluate((el) => (el as HTMLVideoElement).currentTime)).toBeGreaterThan(0.2);
  await video.evaluate((el) => (el as HTMLVideoElement).pause());
  await item.scrollIntoViewIfNeeded();
  await screenshot(page, "exports-gallery");

  // The dashboard shows a frame of the project.
  await page.goto("/");
  await imageLoaded(page.getByTestId("project-thumbnail").first());
  await screenshot(page, "dashboard-thumbnails");
});
