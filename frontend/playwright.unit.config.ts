import { defineConfig } from "@playwright/test";

// Pure functions (time arithmetic, snapping, error messages) as tables of cases; no browser, no server.
export default defineConfig({
  testDir: "./tests",
  testMatch: "**/*.test.ts",
  reporter: [["dot"]],
  outputDir: "test-results/unit",
});
