import { test, expect } from "@playwright/test";
import { CreateUserPoolCommand, DescribeUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";

test("pool settings are saved and deletion protection blocks deleting", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const name = `Settings ${Date.now().toString(36)}`;
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
  await signIn(page);
  await expectDashboard(page);
  await page.goto(`/admin/pools/${id}`);

  // Out-of-range lengths are stopped by the form (min 6, max 99) and by the server.
  await expect(page.getByLabel("Minimum length")).toHaveAttribute("min", "6");
  const r = await page.request.post("/api/update_pool_settings", {
    form: { pool_id: id, name, min_length: "3" },
    headers: { origin: baseURL!, accept: "application/json" },
  });
  expect(r.status()).toBe(400);
  await page.getByLabel("Minimum length").fill("12");
  await page.getByLabel("Symbol").uncheck();
  await page.getByLabel("Deletion protection").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  const described = await c.send(new DescribeUserPoolCommand({ UserPoolId: id }));
  expect(described.UserPool!.Policies!.PasswordPolicy!.MinimumLength).toBe(12);
  expect(described.UserPool!.Policies!.PasswordPolicy!.RequireSymbols).toBe(false);
  expect(described.UserPool!.DeletionProtection).toBe("ACTIVE");

  await page.getByText("Delete pool…").click();
  await page.getByRole("button", { name: "Delete pool permanently" }).click();
  await expect(page.getByRole("alert")).toContainText("deletion protection");

  await page.getByLabel("Deletion protection").uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  const del = page.getByRole("button", { name: "Delete pool permanently" });
  if (!(await del.isVisible())) await page.getByText("Delete pool…").click();
  await del.click();
  await expect(page.getByRole("status").filter({ hasText: "Pool deleted." })).toBeVisible();
  await page.getByRole("link", { name: "Back to the pools" }).click();
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});

test("a pool is created with its sign-in, attribute and recovery settings, and they can be changed", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const name = `Full ${Date.now().toString(36)}`;
  await signIn(page);
  await expectDashboard(page);

  await page.getByLabel("Pool name").fill(name);
  await page.getByText("Sign-in, attributes, password and recovery settings").click();
  // Nothing to sign in with is refused, inline.
  await page.getByLabel("User name", { exact: true }).uncheck();
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByRole("alert")).toContainText("Choose at least one way to sign in.");

  await page.getByLabel("Email address", { exact: true }).check();
  await page.getByLabel("Name", { exact: true }).check();
  await page.getByLabel("Attribute 1 name").fill("has space");
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByRole("alert")).toContainText("must be 1 to 20 characters without spaces");

  await page.getByLabel("Attribute 1 name").fill("tier");
  await page.getByLabel("Attribute 1 maximum").fill("10");
  await page.getByLabel("Attribute 2 name").fill("score");
  await page.getByLabel("Attribute 2 type").selectOption("Number");
  await page.getByLabel("Attribute 2 can change").uncheck();
  await page.getByLabel("Minimum length", { exact: true }).fill("10");
  await page.getByLabel("Account recovery").selectOption("email_phone");
  await page.getByLabel("Deletion protection").check();
  await page.getByRole("button", { name: "Create pool" }).click();
  const created = page.getByRole("status").filter({ hasText: `Created pool ${name}` });
  await expect(created).toBeVisible();
  const id = (await created.textContent())!.match(/\(([^)]+)\)/)![1];

  const pool = (await c.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
  expect(pool.UsernameAttributes).toEqual(["email"]);
  expect(pool.UsernameConfiguration?.CaseSensitive).toBe(false);
  expect(pool.AutoVerifiedAttributes).toEqual(["email"]);
  expect(pool.Policies!.PasswordPolicy!.MinimumLength).toBe(10);
  expect(pool.DeletionProtection).toBe("ACTIVE");
  expect(pool.AccountRecoverySetting!.RecoveryMechanisms).toEqual([
    { Name: "verified_email", Priority: 1 },
    { Name: "verified_phone_number", Priority: 2 },
  ]);
  const attr = (n: string) => pool.SchemaAttributes!.find((a) => a.Name === n);
  expect(attr("name")!.Required).toBe(true);
  expect(attr("custom:tier")!.StringAttributeConstraints!.MaxLength).toBe("10");
  expect(attr("custom:score")!.AttributeDataType).toBe("Number");
  expect(attr("custom:score")!.Mutable).toBe(false);

  // The overview lists the attributes and how users sign in; change what may change.
  await created.getByRole("link", { name: "Open it" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("Users sign in with email (instead of a user name)")).toBeVisible();
  const attributes = page.getByRole("region", { name: "Attributes" });
  await expect(attributes.getByRole("row", { name: /custom:tier/ })).toBeVisible();
  await page.getByLabel("Account recovery").selectOption("admin_only");
  await page.getByLabel("Send a code to verify phone numbers").check();
  await page.getByLabel("Keep the old address until a new one is verified").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();

  await page.getByLabel("New attribute name").fill("team");
  await page.getByRole("button", { name: "Add attribute" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added custom:team." })).toBeVisible();
  await expect(attributes.getByRole("row", { name: /custom:team/ })).toBeVisible();
  await page.getByLabel("New attribute name").fill("team");
  await page.getByRole("button", { name: "Add attribute" }).click();
  await expect(page.getByRole("alert")).toContainText("Existing attribute already has name custom:team");

  const after = (await c.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
  expect(after.AccountRecoverySetting!.RecoveryMechanisms).toEqual([{ Name: "admin_only", Priority: 1 }]);
  expect(after.AutoVerifiedAttributes!.sort()).toEqual(["email", "phone_number"]);
  expect(after.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate?.sort()).toEqual(["email", "phone_number"]);
  expect(after.SchemaAttributes!.some((a) => a.Name === "custom:team")).toBe(true);
  // What cannot change stays: sign-in attributes.
  expect(after.UsernameAttributes).toEqual(["email"]);
});
