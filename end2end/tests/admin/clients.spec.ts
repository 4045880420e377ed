import { test, expect } from "@playwright/test";
import { CreateUserPoolCommand, DescribeUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";

test("app clients are created (secret shown once), edited and deleted", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (await c.send(new CreateUserPoolCommand({ PoolName: `Apps ${Date.now().toString(36)}` }))).UserPool!.Id!;
  await signIn(page);
  await expectDashboard(page);
  await page.goto(`/admin/pools/${id}/clients`);
  await expect(page.getByText("No app clients yet")).toBeVisible();

  // An unsafe callback URL is refused with Cognito's rule.
  await page.getByLabel("Client name").fill("web");
  await page.getByLabel("Use the OAuth endpoints and hosted pages").check();
  await page.getByLabel("Authorization code (PKCE)").check();
  await page.getByLabel("Scopes (space-separated)").fill("openid email");
  await page.getByLabel("Callback URLs (one a line)").fill("http://app.example.com/cb");
  await page.getByRole("button", { name: "Create app client" }).click();
  await expect(page.getByRole("alert")).toContainText("must use HTTPS");
  await page.getByLabel("Callback URLs (one a line)").fill("https://app.example.com/cb");
  await page.getByRole("button", { name: "Create app client" }).click();
  await expect(page.getByRole("status")).toContainText("Created app client web");
  await expect(page.locator("#client-secret")).toHaveCount(0);

  // A confidential client: its secret is shown once.
  await page.getByLabel("Client name").fill("worker");
  await page.getByLabel("Generate a client secret (confidential client)").check();
  await page.getByLabel("Use the OAuth endpoints and hosted pages").uncheck();
  await page.getByLabel("Authorization code (PKCE)").uncheck();
  await page.getByLabel("Callback URLs (one a line)").fill("");
  await page.getByLabel("Scopes (space-separated)").fill("");
  await page.getByRole("button", { name: "Create app client" }).click();
  await expect(page.locator("#client-secret")).toHaveText(/^[a-z0-9]{51}$/);

  // Edit the public client through its page; the API sees the change. (Wait for the list
  // to show both clients first: a click during its re-render can land on the other row.)
  await expect(page.getByRole("row")).toHaveCount(3);
  await page.getByRole("link", { name: "web", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "web" })).toBeVisible();
  const clientId = (await page.locator(".page-head code").textContent())!;
  await page.getByLabel("ALLOW_USER_PASSWORD_AUTH").check();
  await page.getByLabel("Access token lifetime (minutes)").fill("30");
  // Attribute permissions name the pool's attributes; an unknown one is refused inline.
  await page.getByLabel("Readable attributes").fill("email nickname custom:nope");
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("alert")).toContainText("custom:nope is not an attribute of the pool");
  await page.getByLabel("Readable attributes").fill("email email_verified nickname");
  await page.getByLabel("Writable attributes").fill("nickname");
  await page.getByLabel("Refresh tokens can be revoked").uncheck();
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Client saved." })).toBeVisible();
  const described = await c.send(new DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: clientId }));
  expect(described.UserPoolClient!.ExplicitAuthFlows).toContain("ALLOW_USER_PASSWORD_AUTH");
  expect(described.UserPoolClient!.AccessTokenValidity).toBe(30);
  expect(described.UserPoolClient!.CallbackURLs).toEqual(["https://app.example.com/cb"]);
  expect(described.UserPoolClient!.ReadAttributes).toEqual(["email", "email_verified", "nickname"]);
  expect(described.UserPoolClient!.WriteAttributes).toEqual(["nickname"]);
  expect(described.UserPoolClient!.EnableTokenRevocation).toBe(false);

  await page.getByText("Delete app client…").click();
  await page.getByRole("button", { name: "Delete app client permanently" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Client deleted." })).toBeVisible();
});
