import { expect, test } from "@playwright/test";
import { expectAccessible, login, shot } from "./helpers";

test("click a component in the 3D viewer, read its part number in the side panel", async ({ page }) => {
  await login(page, "engineer");
  await page.getByLabel("Search").fill("DOC-1000");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "DOC-1000", exact: true }).click();
  await page.getByRole("link", { name: "Open the 3D viewer" }).click();
  const tree = page.getByRole("navigation", { name: "Component tree" });
  await tree.getByRole("button", { name: "FRAME-2000", exact: true }).click();
  const panel = page.getByRole("complementary", { name: "Part panel" });
  await expect(panel.getByTestId("part-number")).toHaveText("FRAME-2000");

  // in the scene: the model is framed, its middle is a part
  const scene = page.getByTestId("scene").locator("canvas");
  await expect(scene).toBeVisible();
  await tree.getByRole("button", { name: "SEAT-2200", exact: true }).click();
  await expect(panel.getByTestId("part-number")).toHaveText("SEAT-2200");
  // click across the middle of the canvas until a click lands on another part than the seat
  const box = (await scene.boundingBox())!;
  const number = panel.getByTestId("part-number");
  let picked = "SEAT-2200";
  for (const fx of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7]) {
    for (const fy of [0.5, 0.45, 0.55]) {
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
      await page.waitForTimeout(150);
      picked = (await number.textContent()) ?? "";
      if (picked !== "SEAT-2200") break;
    }
    if (picked !== "SEAT-2200") break;
  }
  expect(picked).toMatch(/^(FRAME-2000|WHEEL-2100)$/);
  await expect(number).toHaveText(picked);
  await expect(page.getByRole("button", { pressed: true })).toHaveCount(1);
  await expectAccessible(page, "3d viewer");
  await shot(page, "viewer");
});

test("a user without the overlay's roles sees a clear refusal", async ({ page }) => {
  await login(page, "approver");
  await page.getByLabel("Search").fill("DOC-1000");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "DOC-1000", exact: true }).click();
  await page.getByRole("link", { name: "Open the 3D viewer" }).click();
  await expect(page.getByRole("alert")).toContainText("You may not see this model.");
  await expect(page.getByRole("alert")).toContainText("(overlay_access_denied)");
});
