import { expect, test } from "@playwright/test";
import { login } from "./helpers";

test("sites and jobs stay hidden where the doc-sync API is not deployed", async ({ page }) => {
  // on a service without doc-sync (GET /doc-sync/sites answers 404) the admin sees no link
  const probed = page.waitForResponse((r) => r.url().includes("/api/v1/doc-sync/sites"));
  await login(page, "admin");
  const answer = await probed;
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Dashboards" })).toBeVisible();
  if (answer.status() === 404) {
    await expect(nav.getByRole("link", { name: "Sites & jobs" })).toHaveCount(0);
  } else {
    expect(answer.status()).toBe(200);
    await nav.getByRole("link", { name: "Sites & jobs" }).click();
    await expect(page.getByRole("table", { name: "Sites" })).toBeVisible();
  }
});
