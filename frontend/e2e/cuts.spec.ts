// Cleaner clips in a real browser against the real backend: generated speech that says "um" and
// "uh" (fixtures/fillers.json, transcribed by Whisper with its filler prompt), a clip of all of it,
// filler removal turned on, a word struck and restored in the transcript, and each export's real
// length following the editor's "length after cuts".
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect, type Page, test } from "@playwright/test";

import { FILLERS_WAV } from "./paths";
import { expectAccessible, ffprobe, ffprobeAudio, openNewProject, screenshot, signUp, uniqueEmail } from "./helpers";

type ClipBody = { id: string; duration: number; cuts: { duration: number; cuts: { reason: string }[] } };
type ExportBody = { id: string; status: string; duration: number | null; check: { passed: boolean } | null };

const PLATFORM = "X (9:16, 720p)"; // 9:16 at 720p: the quickest render
/** Export lengths are whole frames and AAC packets; the cut plan is exact. */
const TOLERANCE_S = 0.15;

async function clipNow(page: Page, clipId: string): Promise<ClipBody> {
  return (await (await page.request.get(`/api/clips/${clipId}`)).json()) as ClipBody;
}

/** Do `action` in the editor and wait for the clip's PATCH it saves; the clip as saved. */
async function saved(page: Page, action: () => Promise<void>): Promise<ClipBody> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PATCH" && /\/api\/clips\/[^/]+$/.test(r.url())),
    action(),
  ]);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as ClipBody;
}

/** Export for {@link PLATFORM} from the editor; once rendered and checked, the file's real length. */
async function exportLength(page: Page, folder: string): Promise<number> {
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/clips\/[^/]+\/exports$/.test(r.url())),
    page.getByRole("button", { name: `Export for ${PLATFORM}`, exact: true }).click(),
  ]);
  expect(created.status(), await created.text()).toBe(202);
  const id = ((await created.json()) as { export: { id: string } }).export.id;
  const read = async () => (await (await page.request.get(`/api/exports/${id}`)).json()) as ExportBody;
  await expect.poll(async () => (await read()).status, { timeout: 240_000, intervals: [1_000] }).toBe("done");
  const exp = await read();
  expect(exp.check?.passed).toBe(true);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${id}.mp4`);
  const video = await page.request.get(`/api/exports/${id}/download?file=video`);
  expect(video.status()).toBe(200);
  writeFileSync(file, await video.body());
  const probed = ffprobe(file).duration;
  expect(probed).toBeCloseTo(exp.duration ?? 0, 1);
  return probed;
}

test("remove fillers, strike a word, restore it: the export's length follows", async ({ page }, testInfo) => {
  test.setTimeout(900_000);
  await signUp(page, uniqueEmail("cuts"));
  await openNewProject(page);
  await page.locator("#file").setInputFiles(FILLERS_WAV);
  await page.getByLabel("Project name (optional)").fill("Bakery talk");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(page.getByRole("heading", { name: "Bakery talk" })).toBeVisible();
  await expect(page.getByTestId("transcript")).toContainText(/ovens/i, { timeout: 240_000 });

  // A clip of the whole recording (no platform: cuts on by default, as for 9:16).
  await page.getByRole("button", { name: "New clip from the playhead" }).click();
  await page.waitForURL(/\/clip\/\?id=/);
  const clipId = new URL(page.url()).searchParams.get("id") ?? "";
  const panel = page.getByTestId("cuts");
  await expect(panel.getByRole("heading", { name: "Cuts" })).toBeVisible();
  const fillers = panel.getByLabel("Remove filler words");
  const pauses = panel.getByLabel("Shorten pauses", { exact: true });
  await expect(fillers).toBeChecked();
  await expect(pauses).toBeChecked();
  const words = page.getByTestId("cut-words");
  const um = words.locator(".cut-word[data-reason=filler]");
  await expect(um.first()).toBeVisible();
  expect(await um.count()).toBeGreaterThanOrEqual(3);

  // Everything off: the clip whole. (The boxes show the saved clip: they change once it is saved.)
  await saved(page, () => fillers.click());
  await expect(fillers).not.toBeChecked();
  const whole = await saved(page, () => pauses.click());
  await expect(pauses).not.toBeChecked();
  expect(whole.cuts.cuts).toEqual([]);
  expect(whole.cuts.duration).toBeCloseTo(whole.duration, 3);
  await expect(words.locator(".cut-word.struck")).toHaveCount(0);
  await expect(page.getByTestId("cut-length")).toContainText(`${whole.duration.toFixed(1)} s of`);
  const wholeExport = await exportLength(page, testInfo.outputDir);
  expect(Math.abs(wholeExport - whole.duration)).toBeLessThan(TOLERANCE_S);

  // Filler removal on: the "um"s and "uh"s are struck and the length drops by them.
  const noFillers = await saved(page, () => fillers.click());
  await expect(fillers).toBeChecked();
  const fillerCuts = noFillers.cuts.cuts.filter((c) => c.reason === "filler");
  expect(fillerCuts.length).toBeGreaterThanOrEqual(3);
  expect(noFillers.cuts.duration).toBeLessThan(whole.duration - 0.3);
  await expect(um.first()).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("cut-length")).toContainText(`${noFillers.cuts.duration.toFixed(1)} s of`);

  // Strike "ovens": select it, then "Strike selected words".
  const ovens = words.getByRole("button", { name: "ovens", exact: true });
  await ovens.click();
  const struck = await saved(page, () => page.getByRole("button", { name: "Strike selected words" }).click());
  await expect(words.getByRole("button", { name: "ovens", exact: true })).toHaveAttribute("aria-pressed", "true");
  const ovensLength = noFillers.cuts.duration - struck.cuts.duration;
  expect(ovensLength).toBeGreaterThan(0.2);
  expect(struck.cuts.cuts.some((c) => c.reason === "removed")).toBe(true);
  await screenshot(page, "clip-cuts");
  await expectAccessible(page);
  const struckExport = await exportLength(page, testInfo.outputDir);
  expect(Math.abs(struckExport - struck.cuts.duration)).toBeLessThan(TOLERANCE_S);
  expect(wholeExport - struckExport).toBeGreaterThan(0.5);

  // Click the struck word: it comes back, and so does its length in the export.
  const restored = await saved(page, () => words.getByRole("button", { name: "ovens", exact: true }).click());
  await expect(words.getByRole("button", { name: "ovens", exact: true })).toHaveAttribute("aria-pressed", "false");
  expect(restored.cuts.duration).toBeCloseTo(noFillers.cuts.duration, 3);
  expect((await clipNow(page, clipId)).cuts.duration).toBeCloseTo(noFillers.cuts.duration, 3);
  const restoredExport = await exportLength(page, testInfo.outputDir);
  expect(Math.abs(restoredExport - noFillers.cuts.duration)).toBeLessThan(TOLERANCE_S);
  expect(restoredExport - struckExport).toBeGreaterThan(ovensLength - TOLERANCE_S);
  expect(restoredExport - struckExport).toBeLessThan(ovensLength + TOLERANCE_S);
  expect(wholeExport - restoredExport).toBeGreaterThan(0.3);

  // A restored filler: click one struck "um" and it stays in.
  const before = (await clipNow(page, clipId)).cuts.duration;
  const kept = await saved(page, () => um.first().click());
  expect(kept.cuts.duration).toBeGreaterThan(before);

  // The whole episode, cleaned from the project page: the downloaded file is as long as it says.
  const projectId = ((await (await page.request.get(`/api/clips/${clipId}`)).json()) as { project_id: string })
    .project_id;
  await page.goto(`/project/?id=${projectId}`);
  const clean = page.getByTestId("clean");
  await expect(clean.getByRole("heading", { name: "Clean the whole episode" })).toBeVisible();
  await clean.getByRole("button", { name: "Clean the episode" }).click();
  const result = clean.getByTestId("clean-result");
  await expect(result).toContainText("cuts", { timeout: 240_000 });
  const state = (await (await page.request.get(`/api/projects/${projectId}/clean`)).json()) as {
    result: { duration_before: number; duration_after: number; removed_s: Record<string, number> };
  };
  expect(state.result.removed_s.filler).toBeGreaterThan(0.3);
  expect(state.result.duration_after).toBeLessThan(state.result.duration_before - 0.5);
  const href = (await result.getByRole("link", { name: "Cleaned episode" }).getAttribute("href")) ?? "";
  const episode = await page.request.get(href);
  expect(episode.status()).toBe(200);
  const file = join(testInfo.outputDir, "episode.clean.m4a");
  writeFileSync(file, await episode.body());
  const cleaned = ffprobeAudio(file);
  expect(cleaned.codec).toBe("aac");
  expect(Math.abs(cleaned.duration - state.result.duration_after)).toBeLessThan(TOLERANCE_S);
  await screenshot(page, "project-clean");
});
