// A video source end to end: the project shows a video player synced with the transcript, and the
// TikTok export is reframed around the face (the crop follows it) into a valid 1080x1920 MP4.
import { expect, test } from "@playwright/test";

import { SPEECH_MP4 } from "./paths";
import {
  downloadVideo,
  expectAccessible,
  exportForTikTok,
  openNewProject,
  screenshot,
  signUp,
  uniqueEmail,
} from "./helpers";

test("a video source: video player, reframed TikTok export", async ({ page }, testInfo) => {
  await signUp(page, uniqueEmail("video"));
  await openNewProject(page);
  await page.locator("#file").setInputFiles(SPEECH_MP4);
  await page.getByLabel("Project name (optional)").fill("Night Shift on video");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  // The page follows the analysis and opens the project when it is ready.
  await page.waitForURL(/\/project\/\?id=/, { timeout: 240_000 });
  await expect(page.getByRole("heading", { name: "Night Shift on video" })).toBeVisible();

  // A video player (not audio), playing the upload; words seek it.
  const player = page.locator("video.player");
  await expect(player).toBeVisible();
  await expect(page.locator("audio.player")).toHaveCount(0);
  await expect
    .poll(() => player.evaluate((el) => [(el as HTMLVideoElement).videoWidth, (el as HTMLVideoElement).videoHeight]))
    .toEqual([960, 540]);
  const transcript = page.getByTestId("transcript");
  await transcript
    .locator(".word", { hasText: /^notebook/i })
    .first()
    .click();
  expect(await player.evaluate((el) => (el as HTMLVideoElement).currentTime)).toBeGreaterThan(5);
  await player.evaluate((el) => (el as HTMLVideoElement).pause());
  const highlights = page.getByTestId("highlight");
  await expect(highlights.first()).toBeVisible();
  await screenshot(page, "project-video");
  await expectAccessible(page);

  // Clip → TikTok: the render reframes the wide picture around the face and passes the check.
  await highlights.first().getByRole("button", { name: "Make clip" }).click();
  await page.waitForURL(/\/clip\/\?id=/);
  await expect(page.getByTestId("preview-frame")).toBeVisible({ timeout: 90_000 });
  const row = await exportForTikTok(page);
  await expect(row.getByTestId("framing")).toHaveText(" · reframed around the speaker");
  await screenshot(page, "clip-exported-video");
  const probe = await downloadVideo(page, row, testInfo.outputDir);
  expect(probe).toMatchObject({ width: 1080, height: 1920, codec: "h264" });
  expect(probe.duration).toBeGreaterThan(3);

  // Split screen asked for on a shot with one person: the export says it used a single crop, and why.
  await page.locator("input[name=layout][value=split]").check();
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PATCH" && /\/api\/clips\/[^/]+$/.test(r.url())),
    page.getByRole("button", { name: "Export for TikTok" }).click(),
  ]);
  expect(((await saved.json()) as { layout: string }).layout).toBe("split");
  const tiktok = page.getByTestId("export").filter({ has: page.getByRole("heading", { name: "TikTok" }) });
  await expect(tiktok).toHaveCount(2); // the new export's row is on top before it is followed
  const split = tiktok.first();
  await expect(split).toHaveAttribute("data-status", "done", { timeout: 240_000 });
  await expect(split.getByTestId("check-result")).toHaveText("passed");
  await expect(split.getByTestId("layout-note")).toContainText("Split screen needs two people in the shot");
  await expect(split.getByTestId("layout-note")).toContainText("a single crop was used");
  await screenshot(page, "clip-split-note");
  // The first export (Auto) is now the second TikTok row: it carries no note.
  await expect(tiktok.nth(1).getByTestId("layout-note")).toHaveCount(0);
});
