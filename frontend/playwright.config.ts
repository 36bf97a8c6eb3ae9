import { defineConfig } from "@playwright/test";

import { E2E_URL } from "./e2e/paths";

// End-to-end tests against the real backend: e2e/global-setup.ts starts `spaceclip serve` (API,
// workers, and the static export in frontend/out) on a fresh data dir, then the tests drive
// Debian's chromium (no browser downloads).
export default defineConfig({
  testDir: "./e2e",
  timeout: 300_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  use: {
    baseURL: E2E_URL,
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});
