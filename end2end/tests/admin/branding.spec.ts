import { test, expect } from "@playwright/test";
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUICustomizationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";

// A 1x1 PNG.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

test("branding: live preview as the CSS is typed, rule named inline, logo, pool and client", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: `Brand ${Date.now().toString(36)}` }))).UserPool!.Id!;
  const clientId = (await c.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: "shop" }))).UserPoolClient!
    .ClientId!;
  await signIn(page);
  await expectDashboard(page);
  await page.goto(`/admin/pools/${id}`);
  await page.getByRole("navigation", { name: /^Pool / }).getByRole("link", { name: "Branding" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Branding" })).toBeVisible();
  const preview = page.frameLocator("iframe[name=branding-preview]");
  await expect(preview.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // Typing updates the preview (no save yet).
  const css = page.getByLabel("CSS");
  await css.fill(".cg-card { background-color: rgb(10, 20, 30); }");
  await expect(preview.locator(".cg-card")).toHaveCSS("background-color", "rgb(10, 20, 30)");

  // A forbidden rule is named beside the editor and the preview says it is not applied.
  await css.fill("@import url(https://evil.example/x.css);\n.cg-card { color: red }");
  await expect(page.getByRole("alert").filter({ hasText: "@import" })).toBeVisible();
  await expect(preview.getByRole("alert")).toContainText("Preview without your CSS");
  await expect(page.getByLabel("CSS")).toHaveAttribute("aria-invalid", "true");
  // Saving it is refused with the same message.
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "@import" }).first()).toBeVisible();

  // A logo shows in the preview as soon as it is chosen; then save.
  await css.fill(".cg-card { background-color: rgb(10, 20, 30); }");
  await expect(page.getByRole("alert").filter({ hasText: "@import" })).toHaveCount(0);
  await page.getByLabel("Logo (PNG or JPEG, at most 100 KB)").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
  await expect(preview.locator("img.cg-logo")).toBeVisible();
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Branding saved." })).toBeVisible();
  const saved = await c.send(new GetUICustomizationCommand({ UserPoolId: id }));
  expect(saved.UICustomization!.CSS).toContain("background-color");
  expect(saved.UICustomization!.ImageUrl).toBeTruthy();
  await expect(page.getByRole("img", { name: "Current logo" })).toBeVisible();

  // A file that is not an image is refused with the rule.
  await page.getByLabel("Logo (PNG or JPEG, at most 100 KB)").setInputFiles({ name: "x.png", mimeType: "image/png", buffer: Buffer.from("not an image") });
  await expect(preview.getByRole("alert")).toContainText("Preview without the new logo");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /PNG or JPEG|logo/ }).first()).toBeVisible();

  // Removing the logo: the preview drops it, and so does the saved branding.
  await page.getByLabel("Logo (PNG or JPEG, at most 100 KB)").setInputFiles([]);
  await page.getByLabel("Remove the logo").check();
  await expect(preview.locator("img.cg-logo")).toHaveCount(0);
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Branding saved." })).toBeVisible();
  const removed = await c.send(new GetUICustomizationCommand({ UserPoolId: id }));
  expect(removed.UICustomization!.ImageUrl).toBeFalsy();
  expect(removed.UICustomization!.CSS).toContain("background-color");

  // One client gets its own branding; the pool's stays.
  await page.getByLabel("Applies to").selectOption({ label: "App client shop" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("heading", { name: "App client shop" })).toBeVisible();
  await expect(page.getByText("This client has no branding of its own")).toBeVisible();
  await expect(preview.locator(".cg-card")).toHaveCSS("background-color", "rgb(10, 20, 30)");
  await page.getByLabel("CSS").fill(".cg-card { background-color: rgb(200, 100, 50); }");
  await expect(preview.locator(".cg-card")).toHaveCSS("background-color", "rgb(200, 100, 50)");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Branding saved." })).toBeVisible();
  const client = await c.send(new GetUICustomizationCommand({ UserPoolId: id, ClientId: clientId }));
  expect(client.UICustomization!.CSS).toContain("#c86432");
  const pool = await c.send(new GetUICustomizationCommand({ UserPoolId: id }));
  expect(pool.UICustomization!.CSS).not.toContain("#c86432");

  // An oversized upload is refused before it is read in full.
  const big = await page.request.post("/api/save_branding", {
    multipart: { pool_id: id, client_id: "", css: "", logo: { name: "big.png", mimeType: "image/png", buffer: Buffer.alloc(300 * 1024) } },
    headers: { origin: baseURL!, accept: "application/json" },
  });
  expect(big.status()).toBe(400);
  expect(await big.text()).toContain("larger than 256 KB");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the preview button and saving work as plain form posts", async ({ page, baseURL }) => {
    const c = cognito(baseURL!);
    const id = (await c.send(new CreateUserPoolCommand({ PoolName: `Brand nojs ${Date.now().toString(36)}` }))).UserPool!.Id!;
    await signIn(page);
    await page.goto(`/admin/pools/${id}/branding`);
    const preview = page.frameLocator("iframe[name=branding-preview]");
    await page.getByLabel("CSS").fill(".cg-title { color: rgb(1, 2, 3); }");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(preview.locator(".cg-title")).toHaveCSS("color", "rgb(1, 2, 3)");
    await page.getByRole("button", { name: "Save branding" }).click();
    await expect(page.getByLabel("CSS")).toHaveValue(/rgb\(1, 2, 3\)|#010203/);
    const saved = await c.send(new GetUICustomizationCommand({ UserPoolId: id }));
    expect(saved.UICustomization!.CSS).toContain(".cg-title");
  });
});
