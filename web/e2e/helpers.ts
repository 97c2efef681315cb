import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

export const USERS = {
  engineer: "engineer-demo-pw",
  approver: "approver-demo-pw",
  admin: "admin-demo-pw",
} as const;

/** Log in through the form and wait for the workspace. */
export async function login(page: Page, user: keyof typeof USERS): Promise<void> {
  await page.goto("/app/");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(USERS[user]);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

/** Zero serious or critical axe-core violations on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary, `axe on ${what}`).toEqual([]);
}

/** A full-page screenshot kept as an artifact (and copied into docs/web/ by run.sh). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}
