import { test, expect } from "@playwright/test";
import { CreateGroupCommand, CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { adminKey, cognito } from "../hosted/support";
import { signIn, expectDashboard, operator, uniqueName } from "../fixtures";

test("the audit log shows console and API changes with who and from where, and filters", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: uniqueName("Audited") }))).UserPool!.Id!;
  const group = `g${Date.now()}`;
  await c.send(new CreateGroupCommand({ UserPoolId: id, GroupName: group }));

  await signIn(page);
  await expectDashboard(page);
  const name = uniqueName("Console made");
  await page.getByLabel("Pool name").fill(name);
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByText(/Created pool/)).toBeVisible();

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const apiRow = page.getByRole("row").filter({ hasText: group });
  await expect(apiRow).toContainText("CreateGroup");
  await expect(apiRow).toContainText(`key:${adminKey.id}`);
  await expect(apiRow).toContainText("127.0.0.1");
  const consoleRow = page.getByRole("row").filter({ hasText: "console:user_pool_created" }).first();
  await expect(consoleRow).toContainText(operator.email);

  await page.getByLabel("Action starts with").fill("CreateGroup");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row").filter({ hasText: "console:" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: group })).toHaveCount(1);
});
