// Chapters and show notes in a real browser against the real backend: plan the chapters of a
// generated conversation, rename one, copy the YouTube block, and write the show notes.
import { expect, test } from "@playwright/test";

import { SPEECH_WAV } from "./paths";
import { expectAccessible, openNewProject, screenshot, signUp, uniqueEmail } from "./helpers";

test("plan chapters, rename one, copy the YouTube block, write show notes", async ({ page, context }) => {
  test.setTimeout(600_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, uniqueEmail("chapters"));
  await openNewProject(page);
  await page.locator("#file").setInputFiles(SPEECH_WAV);
  await page.getByLabel("Project name (optional)").fill("Night Shift: chapters");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(page.getByTestId("transcript")).toContainText(/notebook/i, { timeout: 240_000 });
  const projectId = new URL(page.url()).searchParams.get("id") ?? "";

  const panel = page.getByTestId("chapters");
  await panel.getByRole("button", { name: "Plan chapters" }).click();
  const titles = panel.getByRole("textbox", { name: /Chapter \d+ title/ });
  await expect(titles).toHaveCount(3, { timeout: 120_000 });
  await expect(panel.getByRole("button", { name: "0:00" })).toBeVisible();

  // Rename the second chapter: it is saved (and the list now counts as edited).
  const second = panel.getByRole("textbox", { name: "Chapter 2 title" });
  const [saved] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "PATCH" && r.url().endsWith(`/api/projects/${projectId}/chapters`),
    ),
    (async () => {
      await second.fill("Ideas at night");
      await second.press("Enter");
    })(),
  ]);
  expect(saved.status(), await saved.text()).toBe(200);
  const state = (await (await page.request.get(`/api/projects/${projectId}/chapters`)).json()) as {
    chapters: { start: number; title: string }[];
    edited: boolean;
    youtube_problems: string[];
  };
  expect(state.edited).toBe(true);
  expect(state.chapters[1]?.title).toBe("Ideas at night");
  expect(state.youtube_problems).toEqual([]);

  // Copy the YouTube block: what lands on the clipboard follows YouTube's line shape.
  await panel.getByRole("button", { name: "Copy the YouTube block" }).click();
  await expect(panel.getByRole("button", { name: "Copied" })).toBeVisible();
  const block = await page.evaluate(() => navigator.clipboard.readText());
  const lines = block.trim().split("\n");
  expect(lines[0]).toMatch(/^0:00 \S/);
  expect(lines[1]).toMatch(/^\d+:\d\d Ideas at night$/);
  expect(lines).toHaveLength(3);

  // Show notes: the chapters with the new title, the speakers, and where the summary came from.
  const notes = page.getByTestId("show-notes");
  await notes.getByRole("button", { name: "Write show notes" }).click();
  const text = notes.getByRole("textbox", { name: "Show notes" });
  await expect(text).toHaveValue(/## Chapters/, { timeout: 60_000 });
  await expect(text).toHaveValue(/Ideas at night/);
  await expect(text).toHaveValue(/## Speakers/);
  await expect(notes).toContainText("Summary taken from the episode's own words.");
  await screenshot(page, "project-chapters");
  await expectAccessible(page);
});
