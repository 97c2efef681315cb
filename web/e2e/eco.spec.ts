import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, login, shot } from "./helpers";

async function token(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("yuantus.session") ?? "{}").token as string);
}

async function logout(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByLabel("Username")).toBeVisible();
}

async function card(page: Page, stage: string, eco: string) {
  return page.getByRole("region", { name: `Stage ${stage}` }).locator(`[data-eco="${eco}"]`);
}

test("walk an ECO from creation through the activity gate and an approval to apply", async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, "engineer");
  await page.getByRole("link", { name: "ECO board" }).click();
  await expect(page.getByRole("heading", { name: "ECO board" })).toBeVisible();
  await expectAccessible(page, "eco board");

  // create it on the board
  await page.getByRole("button", { name: "New ECO" }).click();
  const form = page.getByRole("form", { name: "New ECO" });
  await form.getByLabel("Name").fill("Stronger wheel");
  await form.getByLabel("Product number").fill("WHEEL-2100");
  await form.getByLabel("Priority").selectOption("high");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("eco-state")).toHaveText("draft");
  const number = (await page.getByRole("heading", { level: 1 }).textContent())!.split(" ")[0]!;
  const ecoUrl = page.url();

  await page.getByRole("button", { name: "Create target revision" }).click();
  await expect(page.getByTestId("eco-state")).toHaveText("progress");

  // a BOM change on the target (no BOM editor in the web app yet: through the API)
  const auth = { Authorization: `Bearer ${await token(page)}` };
  const eco = await (await page.request.get(`/api/v1/eco/${ecoUrl.split("/").pop()}`, { headers: auth })).json();
  const tree = await (await page.request.get(`/api/v1/bom/${eco.target_item_id}/tree?levels=1`, { headers: auth })).json();
  const line = tree.children[0].line;
  const patched = await page.request.patch(`/api/v1/bom/lines/${line.line_id}`, {
    headers: auth, data: { quantity: String(Number(line.quantity) + 1) },
  });
  expect(patched.ok()).toBeTruthy();

  // drag the card into review: the stage's templates become its activities
  await page.getByRole("link", { name: "← ECO board" }).click();
  await (await card(page, "New", number)).dragTo(page.getByRole("region", { name: "Stage Engineering Review" }));
  await expect(page.getByText(`${number} moved to Engineering Review.`)).toBeVisible();
  await expect(await card(page, "Engineering Review", number)).toBeVisible();
  await logout(page);

  // the approver approves; the automatic move is held by the open activities
  await login(page, "approver");
  await page.goto(ecoUrl);
  await page.getByLabel("Comment").fill("stronger is better");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toContainText("Warnings");
  await expect(page.getByTestId("eco-state")).toHaveText("approved");
  await logout(page);

  // the engineer drags it on: the gate refuses and the board shows the blockers
  await login(page, "engineer");
  await page.getByRole("link", { name: "ECO board" }).click();
  await (await card(page, "Engineering Review", number)).dragTo(page.getByRole("region", { name: "Stage Ready to Apply" }));
  await expect(page.getByRole("alert").first()).toContainText("(eco_blocked)");
  const blockers = page.getByRole("list", { name: "Blockers of the refused action" });
  await expect(blockers).toContainText("Check stock");
  await expect(blockers).toContainText("Sign first article");
  await shot(page, "eco-board-refusal");

  // finish the activities on the ECO page, then apply
  await page.goto(ecoUrl);
  await expect(page.getByRole("img", { name: /Activity graph/ })).toBeVisible();
  await expect(page.getByRole("table", { name: /BOM delta/ })).toContainText("update");
  await expectAccessible(page, "eco page");
  await shot(page, "eco-page");
  for (const name of ["Update drawing", "Check stock", "Sign first article"]) {
    for (const step of ["active", "completed"]) {
      const button = page.getByRole("button", { name: `${step} ${name}`, exact: true });
      await button.click();
      await expect(button).toHaveCount(0);
    }
  }
  await expect(page.getByRole("heading", { name: /^Blockers/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(page.getByTestId("eco-state")).toHaveText("done");
  await expect(page.getByTestId("eco-stage")).toContainText("Done");
  await shot(page, "eco-done");
});
