// Search for moments in a real browser against the real backend: upload a generated conversation,
// find the moment about keeping a notebook by the bed, make a clip from that result, and copy its
// post text.
import { expect, test } from "@playwright/test";

import { SPEECH_WAV } from "./paths";
import { expectAccessible, openNewProject, screenshot, signUp, uniqueEmail } from "./helpers";

test("search for a moment, make a clip from the result, copy the post text", async ({ page, context }) => {
  test.setTimeout(600_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page, uniqueEmail("search"));
  await openNewProject(page);
  await page.locator("#file").setInputFiles(SPEECH_WAV);
  await page.getByLabel("Project name (optional)").fill("Night Shift: search");
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(page.getByTestId("transcript")).toContainText(/notebook/i, { timeout: 240_000 });

  // Asked in other words than the guest's: "Keep a notebook there instead, and write down ...".
  const box = page.getByRole("searchbox", { name: "Find moments about" });
  await box.fill("writing your ideas down when you wake up");
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/search?")),
    page.getByRole("button", { name: "Search", exact: true }).click(),
  ]);
  expect(answer.status(), await answer.text()).toBe(200);
  const results = page.getByTestId("search-result");
  await expect(results.first()).toBeVisible();
  const top3 = (await results.allTextContents()).slice(0, 3).join(" ");
  expect(top3).toMatch(/notebook/i);
  await expect(results.first()).toContainText(/\d+:\d\d\.\d–\d+:\d\d\.\d/);
  await expect(results.first()).toContainText(/close in meaning/i);
  await expectAccessible(page);
  await screenshot(page, "project-search");

  // One click from a clip: "Make clip" on the result opens the clip editor on its range.
  const [made] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/projects\/[^/]+\/clips$/.test(r.url())),
    results.first().getByRole("button", { name: "Make clip" }).click(),
  ]);
  expect(made.status(), await made.text()).toBe(201);
  const clip = (await made.json()) as { id: string; start: number; end: number };
  await expect(page).toHaveURL(new RegExp(`/clip/\\?id=${clip.id}`));

  // Copy the post text: what lands on the clipboard is the text shown, inside the platform's limit.
  const post = page.getByTestId("post-text");
  const text = post.getByRole("textbox", { name: /Post text for/ });
  await expect(text).not.toHaveValue("", { timeout: 60_000 });
  await post.getByRole("button", { name: "Copy post text" }).click();
  await expect(post.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await text.inputValue());
  expect(copied.length).toBeGreaterThan(10);
  await expect(post).toContainText(/\d+ of \d+ characters/);
});
