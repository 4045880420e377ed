import { test, expect } from "@playwright/test";
import { AdminCreateUserCommand, CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard, operator } from "../fixtures";

async function poolWithUser(baseURL: string) {
  const c = cognito(baseURL);
  const name = `Team ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
  await c.send(new AdminCreateUserCommand({ UserPoolId: id, Username: "dana", MessageAction: "SUPPRESS" }));
  return { id, name };
}

test("groups are created, edited, given members and deleted", async ({ page, baseURL }) => {
  const { id } = await poolWithUser(baseURL!);
  await signIn(page);
  await expectDashboard(page);
  await page.goto(`/admin/pools/${id}/groups`);
  await expect(page.getByText("No groups yet")).toBeVisible();
  await page.getByLabel("Group name").fill("editors");
  await page.getByLabel("Precedence").fill("3");
  await page.getByLabel("Role ARN").fill("not-an-arn");
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("alert")).toContainText("role ARN");
  await page.getByLabel("Role ARN").fill("arn:aws:iam::123456789012:role/Editors");
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created group editors." })).toBeVisible();
  await page.getByRole("link", { name: "editors" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "editors" })).toBeVisible();
  await page.getByLabel("Description").fill("People who edit");
  await page.getByRole("button", { name: "Save group" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Group saved." })).toBeVisible();
  await page.getByLabel("Add a user").fill("dana");
  await page.getByRole("button", { name: "Add to group" }).click();
  await expect(page.getByRole("button", { name: "Remove dana" })).toBeVisible();
  await page.getByLabel("Add a user").fill("nobody");
  await page.getByRole("button", { name: "Add to group" }).click();
  await expect(page.getByRole("alert")).toContainText("User does not exist");

  await page.getByText("Delete group…").click();
  await page.getByRole("button", { name: "Delete group permanently" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Group deleted." })).toBeVisible();
  await page.goto(`/admin/pools/${id}/groups`);
  await expect(page.getByText("No groups yet")).toBeVisible();
});

test("a read-only viewer sees everything and the server refuses every change", async ({ page, baseURL }) => {
  const { id, name } = await poolWithUser(baseURL!);
  const viewer = { email: `viewer-${Date.now()}@example.com`, password: "viewer correct horse" };
  await signIn(page);
  await expectDashboard(page);
  await page.getByRole("link", { name: "Operators" }).click();
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByLabel("Initial password").fill(viewer.password);
  await page.getByRole("button", { name: "Invite operator" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invited ${viewer.email}.` })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(viewer.email) })).toContainText("Read-only viewer");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, viewer.email, viewer.password);
  await expectDashboard(page);
  await expect(page.getByLabel("Pool name")).toHaveCount(0);
  await page.getByRole("link", { name }).click();
  await page.getByRole("link", { name: "Manage users" }).click();
  await expect(page.getByRole("link", { name: "dana" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await page.getByRole("link", { name: "dana" }).click();
  await expect(page.getByRole("button", { name: "Disable user" })).toHaveCount(0);

  // The server refuses, whatever the page shows.
  const origin = { origin: baseURL! };
  for (const [fn, form] of [
    ["create_pool", { "pool[name]": "Sneaky" }],
    ["add_custom_attribute", { pool_id: id, "attribute[name]": "sneaky" }],
    ["update_pool_settings", { pool_id: id, name: "Sneaky", min_length: "8" }],
    ["rotate_signing_key", { pool_id: id }],
    ["user_action", { pool_id: id, username: "dana", action: "disable" }],
    ["create_pool_group", { pool_id: id, name: "sneaky" }],
    ["invite_operator", { email: "x@example.com", role: "administrator", password: "0123456789abc" }],
  ] as const) {
    const r = await page.request.post(`/api/${fn}`, { form, headers: { ...origin, accept: "application/json" } });
    expect(r.status(), fn).toBe(403);
  }
  const branding = await page.request.post("/api/save_branding", {
    multipart: { pool_id: id, client_id: "", css: ".cg-card { color: red }" },
    headers: { ...origin, accept: "application/json" },
  });
  expect(branding.status()).toBe(403);
  // The mailbox holds codes and temporary passwords: administrators only.
  await page.goto("/admin/mailbox");
  await expect(page.getByRole("alert")).toContainText("Only administrators can read the mailbox");
  // The branding page shows the preview but no save button.
  await page.goto(`/admin/pools/${id}/branding`);
  await expect(page.frameLocator("iframe[name=branding-preview]").getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save branding" })).toHaveCount(0);

  // A viewer may still change their own password.
  await page.getByRole("link", { name: "Operators" }).click();
  await page.getByLabel("Current password").fill("wrong password!!");
  await page.getByLabel("New password").fill("a new correct horse");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toContainText("current password is not correct");
  await page.getByLabel("Current password").fill(viewer.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password has been changed." })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  // The administrator removes the viewer.
  await signIn(page, operator.email, operator.password);
  await page.getByRole("link", { name: "Operators" }).click();
  await page.getByRole("button", { name: `Remove ${viewer.email}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Operator removed." })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(viewer.email) })).toHaveCount(0);
});
