// The creator journey in a real browser against the real backend: sign up, upload generated
// speech, read the transcript and highlights, make a clip, export it for TikTok, and check the
// downloaded file with ffprobe.
import { readFileSync } from "node:fs";

import { expect, test } from "@playwright/test";

import { SPEECH_WAV } from "./paths";
import { downloadVideo, expectAccessible, exportForTikTok, screenshot, signUp, uniqueEmail } from "./helpers";

test("sign up, upload, transcript and highlights, clip, export for TikTok", async ({ page }, testInfo) => {
  await signUp(page, uniqueEmail("journey"));
  await expect(page.getByRole("heading", { name: "No projects yet" })).toBeVisible();
  await screenshot(page, "dashboard-empty");
  await expectAccessible(page);

  // Upload with progress; the page follows the analysis and opens the project when it is ready.
  await page.getByRole("link", { name: "New project" }).first().click();
  await expect(page.getByRole("heading", { name: "Upload a recording" })).toBeVisible();
  await page.locator("#file").setInputFiles(SPEECH_WAV);
  await expect(page.getByTestId("chosen-file")).toContainText("conversation.wav");
  await page.getByLabel("Project name (optional)").fill("Night Shift: sleep and ideas");
  await screenshot(page, "new-project");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(page.getByRole("heading", { name: "Night Shift: sleep and ideas" })).toBeVisible();
  await expect(page.getByRole("progressbar")).toBeVisible();

  // The dashboard follows the analysis live (server-sent events): progress, then "ready", no reload.
  await page.getByRole("link", { name: "Projects" }).click();
  const projectRow = page.getByTestId("project-row").filter({ hasText: "Night Shift: sleep and ideas" });
  await expect(projectRow.getByRole("progressbar")).toBeVisible({ timeout: 5_000 });
  await screenshot(page, "dashboard-progress");
  await expect(projectRow.getByText("ready", { exact: true })).toBeVisible({ timeout: 240_000 });
  await projectRow.getByRole("link", { name: "Night Shift: sleep and ideas" }).click();
  await page.waitForURL(/\/project\/\?id=/);

  // Transcript with both speakers, words that seek the player.
  const transcript = page.getByTestId("transcript");
  await expect(transcript).toContainText(/notebook/i);
  await expect(page.getByRole("heading", { name: "Speakers" })).toBeVisible();
  const word = transcript.locator(".word", { hasText: /^notebook/i }).first();
  await word.click();
  const t = await page.locator("audio.player").evaluate((el) => (el as HTMLAudioElement).currentTime);
  expect(t).toBeGreaterThan(5);

  // Rename a speaker: the transcript shows the new name.
  const firstSpeaker = page.locator("form", { has: page.getByRole("button", { name: "Rename" }) }).first();
  await firstSpeaker.getByRole("textbox").fill("Alex (host)");
  await firstSpeaker.getByRole("button", { name: "Rename" }).click();
  await expect(transcript).toContainText("Alex (host)");

  // Correct a segment's text; the transcript download carries the names and the correction.
  await transcript
    .getByRole("button", { name: /^Correct the text at/ })
    .first()
    .click();
  await transcript.getByRole("textbox").fill("Welcome back to the Night Shift podcast. My guest today studies sleep.");
  await transcript.getByRole("button", { name: "Save text" }).click();
  await expect(transcript).toContainText("(corrected)");
  await expect(transcript).toContainText("My guest today studies sleep.");
  const [srt] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the transcript as SRT" }).click(),
  ]);
  const srtText = readFileSync(await srt.path(), "utf8");
  expect(srtText).toContain("-->");
  expect(srtText).toContain("Alex (host)");
  expect(srtText).toContain("Night Shift podcast. My guest today studies");

  // Highlights from the analysis, with score, reason and hashtags.
  const highlights = page.getByTestId("highlight");
  await expect(highlights.first()).toBeVisible();
  await expect(highlights.first()).toContainText("Why:");
  // No LLM in the tests: the note says so once, with the command to run set as code.
  await expect(page.getByTestId("llm-note")).toContainText("LLM unavailable");
  await expect(page.getByTestId("llm-note").locator("code")).toHaveText("ollama serve");
  // Every window of this conversation has both voices: the renamed host shows in the highlights.
  await expect(highlights.filter({ hasText: "Alex (host)" }).first()).toBeVisible();
  await highlights.first().getByRole("button", { name: "Good highlight" }).click();
  await expect(highlights.first().getByRole("button", { name: "Good highlight" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await page.locator("audio.player").evaluate((el) => (el as HTMLAudioElement).pause());
  await screenshot(page, "project");
  await expectAccessible(page);

  // "Find more" runs a highlights job with live progress; the list is reloaded when it ends.
  const [started] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/projects\/[^/]+\/highlights$/.test(r.url())),
    page.getByRole("button", { name: "Find more" }).click(),
  ]);
  expect(started.status()).toBe(202);
  const jobId = ((await started.json()) as { id: string }).id;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/jobs/${jobId}`)).json()) as { status: string }).status, {
      timeout: 120_000,
    })
    .toBe("succeeded");
  await expect(page.getByRole("button", { name: "Find more" })).toBeEnabled();
  await expect(highlights.first()).toBeVisible();
  // Options the API refuses come back as its message, in place.
  await page.getByText("Options for").click();
  await page.getByLabel("Shortest (s)").fill("40");
  await page.getByLabel("Longest (s)").fill("20");
  await page.getByRole("button", { name: "Find more" }).click();
  await expect(page.locator(".alert-error[role=alert]")).toHaveText("max_length must be at least min_length");

  // Clip editor: waveform, trim handles, style pickers with a preview frame.
  await highlights.first().getByRole("button", { name: "Make clip" }).click();
  await page.waitForURL(/\/clip\/\?id=/);
  await expect(page.getByRole("heading", { name: "Edit clip" })).toBeVisible();
  await expect(page.getByTestId("waveform")).toBeVisible();
  const startHandle = page.getByRole("slider", { name: "Clip start" });
  const before = Number(await startHandle.getAttribute("aria-valuenow"));
  await startHandle.focus();
  await page.keyboard.press("ArrowRight");
  await expect(startHandle).not.toHaveAttribute("aria-valuenow", String(before));
  await page.getByRole("button", { name: "Save clip" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.getByTestId("preview-frame")).toBeVisible({ timeout: 90_000 });
  await screenshot(page, "clip-editor");
  await expectAccessible(page);

  // Export for TikTok: progress, then the platform check and the download.
  const row = await exportForTikTok(page);
  await expect(row.getByTestId("framing")).toContainText("audiogram (");
  await row.getByText("Platform check:").click(); // open the check's table for the screenshot
  await expect(row.getByRole("table")).toBeVisible();
  await screenshot(page, "clip-exported");
  await expectAccessible(page);
  const probe = await downloadVideo(page, row, testInfo.outputDir);
  expect(probe).toMatchObject({ width: 1080, height: 1920, codec: "h264" });
  expect(probe.format).toContain("mp4");
  expect(probe.duration).toBeGreaterThan(3);

  // Settings: sessions, password, LLM status (none in the tests: the built-in scorer is used).
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Active sessions" })).toBeVisible();
  await expect(page.getByText("this browser")).toBeVisible();
  await expect(page.getByTestId("llm-status")).toContainText("not available");
  await screenshot(page, "settings");
  await expectAccessible(page);

  await page.getByRole("link", { name: "Projects" }).click();
  await expect(page.getByTestId("project-row")).toContainText("Night Shift: sleep and ideas");
  await expect(page.getByTestId("project-row")).toContainText("ready");
  await screenshot(page, "dashboard");
  await expectAccessible(page);
});
