import { expect, type Page } from "@playwright/test";

export const operator = { email: "e2e-ops@example.com", password: "e2e correct horse battery" };

export async function signIn(page: Page, email = operator.email, password = operator.password) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export function uniqueName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function expectDashboard(page: Page) {
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "User pools" })).toBeVisible();
}
