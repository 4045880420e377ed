import { test, expect } from "@playwright/test";
import { operator, signIn, uniqueName, expectDashboard } from "../fixtures";
import { CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";

test("an operator signs in, creates a pool, sees it and signs out", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await signIn(page);
  await expectDashboard(page);
  await expect(page.getByText(operator.email)).toBeVisible();

  const name = uniqueName("Customers");
  await page.getByLabel("Pool name").fill(name);
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByText(/Created pool/)).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(1)).toHaveText(/^us-east-1_[A-Za-z0-9]{9}$/);

  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/login$/);
  expect(errors, "no console errors (CSP, hydration)").toEqual([]);
});

test("a wrong password shows an error", async ({ page }) => {
  await signIn(page, operator.email, "definitely not it");
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");
  await expect(page.getByLabel("Email")).toHaveValue(operator.email);
});

test("an invalid pool name is reported beside the field", async ({ page }) => {
  await signIn(page);
  await expectDashboard(page);
  await page.getByLabel("Pool name").fill("bad/name");
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByRole("alert")).toContainText("letters, digits, spaces");
  await expect(page.getByLabel("Pool name")).toHaveAttribute("aria-invalid", "true");
});

test("the console is keyboard operable", async ({ page }) => {
  await page.goto("/admin/login");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(operator.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(operator.password);
  await page.keyboard.press("Enter");
  await expectDashboard(page);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the sign-in page works and the dashboard renders", async ({ page }) => {
    await signIn(page, operator.email, "wrong again, no js");
    await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");
    await signIn(page);
    await expectDashboard(page);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByText("You have signed out.")).toBeVisible();
  });
});

test("pool pages name the pool in the breadcrumbs, switch pools in place and have section tabs", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const stamp = Date.now().toString(36);
  const a = (await c.send(new CreateUserPoolCommand({ PoolName: `Alpha ${stamp}` }))).UserPool!.Id!;
  await c.send(new CreateUserPoolCommand({ PoolName: `Beta ${stamp}` }));
  await signIn(page);
  await expectDashboard(page);
  await page.goto(`/admin/pools/${a}/users`);
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.getByRole("link", { name: `Alpha ${stamp}` })).toBeVisible();
  await expect(crumbs.getByText("Users")).toHaveAttribute("aria-current", "page");

  // The switcher keeps the section.
  await page.getByText("Switch pool").click();
  await page.getByRole("list", { name: "Other user pools" }).getByRole("link", { name: `Beta ${stamp}` }).click();
  await expect(page).toHaveURL(/\/admin\/pools\/[^/]+\/users$/);
  await expect(crumbs.getByRole("link", { name: `Beta ${stamp}` })).toBeVisible();

  // Section tabs.
  const tabs = page.getByRole("navigation", { name: `Pool Beta ${stamp}` });
  await expect(tabs.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Groups" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Groups" })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Beta ${stamp}` })).toBeVisible();
});

test("every console page hydrates without an error", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: `Hydrate ${Date.now().toString(36)}` }))).UserPool!.Id!;
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
  await signIn(page);
  await expectDashboard(page);
  for (const path of [
    "/admin",
    `/admin/pools/${id}`,
    `/admin/pools/${id}/users`,
    `/admin/pools/${id}/groups`,
    `/admin/pools/${id}/clients`,
    `/admin/pools/${id}/branding`,
    "/admin/operators",
    "/admin/keys",
    "/admin/audit",
    "/admin/mailbox",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // Hydration is done once a client-side navigation works: the wasm has taken over.
    await page.waitForLoadState("networkidle");
  }
  expect(errors).toEqual([]);
});

test("the console fits a phone screen and follows the dark colour scheme", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: `Phone ${Date.now().toString(36)}` }))).UserPool!.Id!;
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await expectDashboard(page);
  for (const path of ["/admin", `/admin/pools/${id}`, `/admin/pools/${id}/users`, `/admin/pools/${id}/clients`, `/admin/pools/${id}/branding`, "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth > window.innerWidth + 1
        ? [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => `${e.tagName}.${e.className}`)
        : [],
    );
    expect(wide, `${path} scrolls sideways`).toEqual([]);
  }
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "light" });
  const light = await background();
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await background();
  expect(dark).not.toBe(light);
});
