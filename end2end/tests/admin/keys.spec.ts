import { test, expect } from "@playwright/test";
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from "@aws-sdk/client-cognito-identity-provider";
import { signIn, expectDashboard } from "../fixtures";

test("an admin key pair made in the console signs SDK calls until it is disabled", async ({ page, baseURL }) => {
  await signIn(page);
  await expectDashboard(page);
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Create key pair" }).click();
  const id = (await page.locator("#new-key-id").textContent())!;
  const secret = (await page.locator("#new-key-secret").textContent())!;
  expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
  expect(secret).toHaveLength(40);

  const sdk = new CognitoIdentityProviderClient({
    endpoint: baseURL, region: "us-east-1", credentials: { accessKeyId: id, secretAccessKey: secret }, maxAttempts: 1,
  });
  await sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }));

  await page.reload();
  await expect(page.locator("#new-key-secret")).toHaveCount(0);
  await page.getByRole("button", { name: `Disable ${id}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key ${id} disabled` })).toBeVisible();
  await expect(sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });

  await page.getByRole("button", { name: `Enable ${id}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key ${id} enabled.` })).toBeVisible();
  await sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }));

  const row = page.getByRole("row", { name: new RegExp(id) });
  await row.getByText("Delete…").click();
  await page.getByRole("button", { name: `Delete ${id} permanently` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key ${id} deleted.` })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(id) })).toHaveCount(0);
});
