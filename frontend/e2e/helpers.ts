import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

import { DATA_DIR, SCREENSHOTS, VENV_BIN } from "./paths";

export const PASSWORD = "correct horse battery";

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Create an account through the sign-up form; ends on the dashboard. */
export async function signUp(page: Page, email: string, name = "Robin Creator"): Promise<void> {
  await page.goto("/sign-up/");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
}

/**
 * Open the new-project page and wait until React runs it (its first request is for the upload
 * limits): a file picked into the pre-rendered HTML never reaches the form's state.
 */
export async function openNewProject(page: Page): Promise<void> {
  await Promise.all([page.waitForRequest((r) => r.url().endsWith("/api/system/limits")), page.goto("/new/")]);
}

/** The image is shown and its picture has arrived (an API-drawn PNG can take a render to come). */
export async function imageLoaded(img: Locator): Promise<void> {
  await expect(img).toBeVisible();
  await expect
    .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 60_000 })
    .toBeGreaterThan(0);
}

/** Full-page screenshot for the README, under docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: "disabled" });
}

/** No serious or critical WCAG 2 A/AA problems (labels, contrast, roles, names) on the page. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const problems = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
  expect(problems).toEqual([]);
}

export type VideoProbe = { width: number; height: number; codec: string; format: string; duration: number };

export function ffprobe(path: string): VideoProbe {
  const out = execFileSync(
    "ffprobe",
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height,codec_name:format=format_name,duration",
      "-of",
      "json",
      path,
    ],
    { encoding: "utf8" },
  );
  const data = JSON.parse(out) as {
    streams: { width: number; height: number; codec_name: string }[];
    format: { format_name: string; duration: string };
  };
  const v = data.streams[0];
  if (!v) throw new Error(`${path} has no video stream`);
  return {
    width: v.width,
    height: v.height,
    codec: v.codec_name,
    format: data.format.format_name,
    duration: Number(data.format.duration),
  };
}

/** ffprobe of an audio file: its container, first audio codec and length (s). */
export function ffprobeAudio(path: string): { format: string; codec: string; duration: number } {
  const out = execFileSync(
    "ffprobe",
    [
      "-v",
      "error",
      "-select_streams",
      "a:0",
      "-show_entries",
      "stream=codec_name:format=format_name,duration",
      "-of",
      "json",
      path,
    ],
    { encoding: "utf8" },
  );
  const data = JSON.parse(out) as {
    streams: { codec_name: string }[];
    format: { format_name: string; duration: string };
  };
  const a = data.streams[0];
  if (!a) throw new Error(`${path} has no audio stream`);
  return { format: data.format.format_name, codec: a.codec_name, duration: Number(data.format.duration) };
}

/** Expire every session of this account in the test server's database, as time would. */
export function expireSessions(email: string): number {
  const script = [
    "import sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "cur = db.execute(\"UPDATE sessions SET expires_at = '2000-01-01 00:00:00.000000' WHERE user_id IN (SELECT id FROM users WHERE email = ?)\", (sys.argv[2],))",
    "db.commit()",
    "print(cur.rowcount)",
  ].join("\n");
  const out = execFileSync(
    join(VENV_BIN, "python"),
    ["-c", script, join(DATA_DIR, "spaceclip.db"), email.toLowerCase()],
    { encoding: "utf8" },
  );
  return Number(out.trim());
}

/** From the clip editor: export for TikTok and wait until it is rendered and passes its check. */
export async function exportForTikTok(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Export for TikTok" }).click();
  const row = page
    .getByTestId("export")
    .filter({ has: page.getByRole("heading", { name: "TikTok" }) })
    .first();
  await expect(row).toHaveAttribute("data-status", "done", { timeout: 240_000 });
  await expect(row.getByTestId("check-result")).toHaveText("passed");
  return row;
}

/** Download an export's video into ``folder`` through the page's button; what ffprobe says of it. */
export async function downloadVideo(page: Page, row: Locator, folder: string): Promise<VideoProbe> {
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByTestId("download-video").click()]);
  const file = join(folder, download.suggestedFilename() || "export.mp4");
  await download.saveAs(file);
  return ffprobe(file);
}
