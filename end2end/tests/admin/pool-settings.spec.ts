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
