import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { expectAccessible, login, shot } from "./helpers";
import { unzip } from "./zip";

test("download a work order's document pack: a zip with its manifest", async ({ page }) => {
  await login(page, "engineer");
  await page.getByRole("link", { name: "Work orders" }).click();
  await page.getByRole("link", { name: "WO-00001" }).click();
  await expect(page.getByRole("heading", { name: /WO-00001/ })).toBeVisible();
  await expect(page.getByRole("table", { name: /operations/ })).toContainText("DOC-1000");
  await expect(page.getByRole("table", { name: /components/ })).toBeVisible();
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download pack (zip)" }).click(),
  ]);
  const bytes = readFileSync((await file.path())!);
  expect(bytes.subarray(0, 4).toString("hex")).toBe("504b0304");
  const entries = unzip(bytes);
  expect([...entries.keys()]).toContain("manifest.json");
  const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8"));
  expect(manifest.workorder_number).toBe("WO-00001");
  const numbers = manifest.sections.flatMap((s: { documents: { item_number: string }[] }) => s.documents.map((d) => d.item_number));
  expect(numbers).toContain("DOC-1000");
  await expectAccessible(page, "work order");
  await shot(page, "workorder");
});

test("open each dashboard", async ({ page }) => {
  await login(page, "engineer");
  await page.getByRole("link", { name: "Dashboards" }).click();
  const consumption = page.getByRole("region", { name: "Consumption variance" });
  await expect(consumption.locator(".chart canvas").first()).toBeVisible();
  await expect(consumption.getByRole("table", { name: /Off-plan periods/ })).toBeVisible();
  await consumption.getByLabel("Bucket").selectOption("month");
  await expect(consumption.locator(".chart canvas").first()).toBeVisible();
  const breakage = page.getByRole("region", { name: "Breakage metrics" });
  await expect(breakage.getByTestId("breakage-total")).toHaveText("7");
  await expect(breakage.locator(".chart canvas").first()).toBeVisible();
  await expect(breakage.getByRole("table", { name: "Hotspot components" })).toContainText("FRAME-2000");
  await expectAccessible(page, "dashboards");
  await shot(page, "dashboards");
});
