// The upload shows real progress and can be cancelled: with the network throttled, the bar moves,
// Cancel stops the request, and no project is created.
import { expect, test } from "@playwright/test";

import { SPEECH_WAV } from "./paths";
import { openNewProject, signUp, uniqueEmail } from "./helpers";

test("upload progress and cancel", async ({ page }) => {
  await signUp(page, uniqueEmail("cancel"));
  await openNewProject(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 200 * 1024, // bytes/s: the 1.5 MB file takes several seconds
  });

  await page.locator("#file").setInputFiles(SPEECH_WAV);
  await page.getByRole("button", { name: "Upload and analyze" }).click();
  const bar = page.getByRole("progressbar", { name: "Upload" });
  await expect(bar).toBeVisible();
  await expect
    .poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 15_000 })
    .toBeGreaterThan(0);
  expect(Number(await bar.getAttribute("aria-valuenow"))).toBeLessThan(100);

  await page.getByRole("button", { name: "Cancel upload" }).click();
  await expect(page.locator(".alert-error[role=alert]")).toHaveText("The upload was cancelled.");
  await expect(bar).toBeHidden();

  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const res = await page.request.get("/api/projects");
  expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(0);
});
