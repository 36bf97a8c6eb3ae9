// Errors in place: a file that is not audio/video shows the API's own message, and an expired
// session lands on the sign-in page (and returns to the page after signing in again).
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import { E2E_DIR, E2E_MAX_UPLOAD_MB } from "./paths";
import { PASSWORD, expectAccessible, expireSessions, openNewProject, screenshot, signUp, uniqueEmail } from "./helpers";

test("a wrong file type shows the API's message", async ({ page }) => {
  await signUp(page, uniqueEmail("wrongfile"));
  const notMedia = join(E2E_DIR, "notes.txt");
  writeFileSync(notMedia, "These are meeting notes, not a recording.\n".repeat(50));
  await openNewProject(page);
  await page.locator("#file").setInputFiles(notMedia);
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  const alert = page.locator(".alert-error[role=alert]");
  await expect(alert).toBeVisible({ timeout: 60_000 });

  // The text shown is exactly what the API says about this project's job.
  const res = await page.request.get("/api/projects");
  const body = (await res.json()) as { items: { latest_job: { error: string | null } | null }[] };
  const apiMessage = body.items[0]?.latest_job?.error;
  expect(apiMessage).toBeTruthy();
  await expect(alert).toHaveText(apiMessage ?? "");
  await expect(page.getByRole("button", { name: "Try another file" })).toBeVisible();
});

test("a file over the upload limit is refused before it is sent, with the server's message", async ({ page }) => {
  await signUp(page, uniqueEmail("toobig"));
  const big = join(E2E_DIR, "too-big.wav");
  writeFileSync(big, Buffer.alloc((E2E_MAX_UPLOAD_MB + 1) * 1024 * 1024));
  const limits = (await (await page.request.get("/api/system/limits")).json()) as { upload_limit_message: string };
  expect(limits.upload_limit_message).toContain(`${E2E_MAX_UPLOAD_MB} MB`);

  let posted = false;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/projects")) posted = true;
  });
  const alert = page.locator(".alert-error[role=alert]");

  // Picked after the limits arrived: the message shows at once.
  await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/system/limits")), page.goto("/new/")]);
  await page.locator("#file").setInputFiles(big);
  await expect(alert).toHaveText(limits.upload_limit_message);
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(alert).toHaveText(limits.upload_limit_message);

  // Picked and sent before the limits arrived (a slow server): the page waits for them and
  // still refuses the file, rather than sending it.
  await page.route("**/api/system/limits", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await openNewProject(page);
  await page.locator("#file").setInputFiles(big);
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  await expect(alert).toHaveText(limits.upload_limit_message);
  expect(posted).toBe(false);
  const projects = (await (await page.request.get("/api/projects")).json()) as { items: unknown[] };
  expect(projects.items).toHaveLength(0);
});

test("a refused link shows the API's message in place", async ({ page }) => {
  await signUp(page, uniqueEmail("badlink"));
  await openNewProject(page);
  await page.getByLabel("YouTube, X Space or direct media link").fill("http://127.0.0.1:9/talk.mp4");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/projects")),
    page.getByRole("button", { name: "Import" }).click(),
  ]);
  expect(response.status()).toBeGreaterThanOrEqual(400);
  const { detail } = (await response.json()) as { detail: string };
  await expect(page.locator(".alert-error[role=alert]")).toHaveText(detail);
});

test("an expired session lands on sign-in", async ({ page }) => {
  const email = uniqueEmail("expiry");
  await signUp(page, email);
  await page.goto("/settings/");
  await expect(page.getByRole("heading", { name: "Active sessions" })).toBeVisible();
  // Let the page's own requests finish first: one still on its way when the session expires
  // would itself send the page to sign-in and abort the reload.
  await page.waitForLoadState("networkidle");

  expect(expireSessions(email)).toBe(1);
  await page.reload();
  await page.waitForURL(/\/sign-in\/\?reason=expired/);
  await expect(page.getByText("Your session has expired")).toBeVisible();
  await screenshot(page, "sign-in");
  await expectAccessible(page);

  // Signing in again returns to the page the session expired on.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/settings\/$/);
  await expect(page.getByRole("heading", { name: "Active sessions" })).toBeVisible();
});

test("before the page's script runs, its forms cannot be sent", async ({ browser }) => {
  // A form sent by the browser itself would be a GET: the password in the address bar and logs.
  test.setTimeout(60_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-up/");
  await page.getByLabel("Email").fill("someone@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await expect(page.getByRole("button", { name: "Create account" })).toBeDisabled();
  await page.getByLabel("Password").press("Enter");
  await page.waitForLoadState();
  expect(new URL(page.url()).search).toBe("");
  await context.close();
});
