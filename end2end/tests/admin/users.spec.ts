import { test, expect, type Page } from "@playwright/test";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";

// Pool overview, users table (search, pages, create) and a user's page (actions), with
// data seeded through the Cognito API by the AWS SDK for JavaScript.
async function seededPool(baseURL: string) {
  const c = cognito(baseURL);
  const name = `Shop ${Date.now().toString(36)}`;
  const pool = await c.send(new CreateUserPoolCommand({ PoolName: name }));
  const id = pool.UserPool!.Id!;
  await c.send(new CreateGroupCommand({ UserPoolId: id, GroupName: "staff" }));
  for (const [user, email, confirmed] of [
    ["alice", "alice@example.com", true],
    ["albert", "albert@example.org", true],
    ["bob", "bob@example.com", false],
  ] as const) {
    await c.send(new AdminCreateUserCommand({
      UserPoolId: id, Username: user, MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: email }, { Name: "email_verified", Value: "true" }],
    }));
    if (confirmed) {
      await c.send(new AdminSetUserPasswordCommand({ UserPoolId: id, Username: user, Password: "Correct-Horse-9", Permanent: true }));
    }
  }
  return { id, name };
}

async function openPool(page: Page, name: string) {
  await signIn(page);
  await expectDashboard(page);
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("the pool overview shows counts, ids and endpoints", async ({ page, baseURL }) => {
  const { id, name } = await seededPool(baseURL!);
  await openPool(page, name);
  const stats = page.locator(".stats");
  await expect(stats.locator("div", { hasText: /^Users/ }).locator("dd")).toHaveText("3");
  await expect(stats.locator("div", { hasText: "Confirmed" }).locator("dd")).toHaveText("2");
  await expect(stats.locator("div", { hasText: "Must change password" }).locator("dd")).toHaveText("1");
  await expect(page.getByText(`${baseURL}/${id}/.well-known/openid-configuration`)).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "User pools" })).toBeVisible();

  // Ids and URLs copy with one click.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy pool id" }).click();
  await expect(page.getByRole("button", { name: "Copy pool id" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

  // Rotating the signing key: a new key signs, the old one stays in the JWKS.
  const keys = page.getByRole("region", { name: "Token signing keys" });
  const before = (await keys.locator("li code").first().textContent())!;
  await page.getByText("Rotate the signing key…").click();
  await page.getByRole("button", { name: "Rotate signing key now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "New signing key" })).toBeVisible();
  await expect(keys.locator("li code")).toHaveCount(2);
  const after = (await keys.locator("li code").first().textContent())!;
  expect(after).not.toBe(before);
  const jwks = await (await page.request.get(`/${id}/.well-known/jwks.json`)).json();
  expect(jwks.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([before, after].sort());
});

test("users are searched, created, changed and deleted from the console", async ({ page, baseURL }) => {
  const { name } = await seededPool(baseURL!);
  await openPool(page, name);
  await page.getByRole("link", { name: "Manage users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(4);

  // Simple search: email prefix.
  await page.getByLabel("Search by").selectOption("email");
  await page.getByLabel("Starts with").fill("al");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("row")).toHaveCount(3);
  await expect(page.getByRole("link", { name: "bob" })).toHaveCount(0);

  // Cognito's filter syntax, and a malformed filter reported.
  await page.getByLabel("Starts with").fill("");
  await page.getByLabel("Or a Cognito filter").fill('email = "bob@example.com"');
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("link", { name: "bob" })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Or a Cognito filter").fill("nonsense");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert")).toBeVisible();

  // Create a user with a password; a weak one is refused beside the field.
  await page.goto(page.url().split("?")[0]);
  await page.getByLabel("User name").fill("carol");
  await page.getByLabel("Email").fill("carol@example.com");
  await page.getByLabel("Password (optional)").fill("weak");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.locator("#new-password-error")).toContainText("Password did not conform");
  await page.getByLabel("Password (optional)").fill("Correct-Horse-9");
  await page.getByRole("button", { name: "Create user" }).click();
  await page.getByRole("status").getByRole("link", { name: "carol" }).click();

  // The user's page: status, attributes, actions.
  await expect(page.getByRole("heading", { level: 1, name: "carol" })).toBeVisible();
  await expect(page.getByText("carol@example.com")).toBeVisible();
  await expect(page.locator(".badge").first()).toHaveText("Confirmed");
  await page.getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User disabled." })).toBeVisible();
  await expect(page.locator(".badge-danger")).toHaveText("Disabled");
  await page.getByRole("button", { name: "Enable user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User enabled." })).toBeVisible();
  // Edit an attribute (an unknown one is refused) and add the user to a group.
  await page.getByLabel("Attribute", { exact: true }).fill("given_name");
  await page.getByLabel("Value (empty deletes it)").fill("Carol");
  await page.getByRole("button", { name: "Save attribute" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Attribute given_name saved." })).toBeVisible();
  await expect(page.getByRole("row", { name: /given_name Carol/ })).toBeVisible();
  await page.getByLabel("Attribute", { exact: true }).fill("custom:nope");
  await page.getByLabel("Value (empty deletes it)").fill("x");
  await page.getByRole("button", { name: "Save attribute" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await page.getByLabel("Add to group", { exact: true }).fill("staff");
  await page.getByRole("button", { name: "Add to group" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added to staff." })).toBeVisible();
  await expect(page.getByRole("region", { name: "Groups" }).getByText("staff")).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Signed out everywhere" })).toBeVisible();

  // Deleting needs the confirmation step.
  await expect(page.getByRole("button", { name: "Delete user permanently" })).toBeHidden();
  await page.getByText("Delete user…").click();
  await page.getByRole("button", { name: "Delete user permanently" }).click();
  await expect(page.getByRole("status").filter({ hasText: "User deleted." })).toBeVisible();
  await page.getByRole("link", { name: "Back to the users" }).click();
  await expect(page.getByRole("link", { name: "carol" })).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("search and a user action work with plain forms", async ({ page, baseURL }) => {
    const { name } = await seededPool(baseURL!);
    await openPool(page, name);
    await page.getByRole("link", { name: "Manage users" }).click();
    await page.getByLabel("Search by").selectOption("username");
    await page.getByLabel("Starts with").fill("bo");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("row")).toHaveCount(2);
    await page.getByRole("link", { name: "bob" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "bob" })).toBeVisible();
    await page.getByRole("button", { name: "Disable user" }).click();
    await expect(page.locator(".badge-danger")).toHaveText("Disabled");
  });
});
