import { expect, test } from "@playwright/test";
import { expectAccessible, login, shot } from "./helpers";

test("sites and jobs: the demo's plant-2 with its recorded unhealthy probe, and a new probe", async ({ page }) => {
  await login(page, "admin");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Sites & jobs" }).click();
  const sites = page.getByRole("table", { name: "Sites" });
  const row = sites.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "plant-2" }) });
  // the demo registers plant-2 inactive at the discard port and records one real, failing probe
  await expect(row).toContainText("http://127.0.0.1:9");
  await expect(row).toContainText("inactive");
  await expect(row.getByTestId("health-plant-2")).toContainText(/^unhealthy: .+\(checked /);
  await expect(row.getByRole("cell", { name: "configured" })).toBeVisible();

  const probed = page.waitForResponse((r) => r.url().includes("/doc-sync/sites/") && r.url().endsWith("/health"));
  await row.getByRole("button", { name: "Check health of plant-2" }).click();
  const answer = await probed;
  expect(answer.status()).toBe(200);
  expect((await answer.json()).status).toBe("unhealthy");
  await expect(row.getByRole("status")).toContainText(/Probe: unhealthy in [\d.]+ ms/);
  await expect(row.getByTestId("health-plant-2")).toContainText("unhealthy");
  await expect(page.getByRole("table", { name: /jobs$/ })).toBeVisible();
  await expectAccessible(page, "sites and jobs");
  await shot(page, "sites");
});
