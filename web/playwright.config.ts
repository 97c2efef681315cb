import { defineConfig } from "@playwright/test";

// the service is started by e2e/run.sh (yuantus start --demo on a free port, temp data dir)
const baseURL = process.env["YUANTUS_E2E_URL"] ?? "http://127.0.0.1:7910";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/output",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    // Playwright cannot download its browsers here: Debian's chromium
    launchOptions: {
      executablePath: process.env["CHROMIUM"] ?? "/usr/bin/chromium",
      // WebGL without a GPU: chromium's software renderer
      args: ["--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--ignore-gpu-blocklist"],
    },
    viewport: { width: 1280, height: 800 },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
