import { test, expect } from "@playwright/test";
import {
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
  AdminGetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";

test("the mailbox holds the SMS a sign-up sent, newest first, filterable by recipient", async ({ page, baseURL }) => {
  const c = cognito(baseURL!);
  const id = (
    await c.send(new CreateUserPoolCommand({ PoolName: `Mail ${Date.now().toString(36)}`, AutoVerifiedAttributes: ["phone_number"] }))
  ).UserPool!.Id!;
  const clientId = (await c.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: "app" }))).UserPoolClient!.ClientId!;
  const phone = `+1555${Math.floor(1000000 + Math.random() * 8999999)}`;
  const username = `sms${Date.now().toString(36)}`;
  await c.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: "Passw0rd!long",
      UserAttributes: [{ Name: "phone_number", Value: phone }],
    }),
  );

  await signIn(page);
  await expectDashboard(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mailbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mailbox" })).toBeVisible();
  // The e2e server sends email through SMTP, so only SMS is held here.
  await expect(page.getByText("only SMS messages are held here")).toBeVisible();
  await page.getByLabel("Recipient contains").fill(phone);
  await page.getByRole("button", { name: "Filter" }).click();
  const message = page.getByRole("article", { name: `Message to ${phone}` });
  await expect(message).toHaveCount(1);
  await expect(message).toContainText("SMS");
  const body = (await message.locator(".mail-body").textContent())!;
  const code = body.match(/(\d{6})/)![1];

  // The code from the mailbox confirms the user.
  await c.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
  const user = await c.send(new AdminGetUserCommand({ UserPoolId: id, Username: username }));
  expect(user.UserStatus).toBe("CONFIRMED");

  // A filter that matches nothing shows the empty state.
  await page.getByLabel("Recipient contains").fill("+0000000");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No messages")).toBeVisible();
});
