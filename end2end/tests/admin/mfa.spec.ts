import { test, expect } from "@playwright/test";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  ConfirmDeviceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { randomBytes } from "node:crypto";
import { cognito } from "../hosted/support";
import { signIn, expectDashboard } from "../fixtures";
import { totp } from "../totp";

// The console edits a pool's MFA configuration under the API's rules, and shows a user's
// factors and devices with the resets an operator needs.
test("pool MFA settings, a user's factors and devices, and their resets", async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  const c = cognito(baseURL!);
  const name = `Secure ${Date.now().toString(36)}`;
  const pool = await c.send(
    new CreateUserPoolCommand({
      PoolName: name,
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
    }),
  );
  const poolId = pool.UserPool!.Id!;
  await signIn(page);
  await expectDashboard(page);
  await page.getByRole("link", { name }).click();
  await page.waitForLoadState("networkidle");
  const panel = page.getByRole("region", { name: "Multi-factor authentication" });
  await expect(panel).toBeVisible();

  // Required MFA with no factor is refused with the API's message.
  await panel.getByLabel("Required for every user").check();
  await panel.getByRole("button", { name: "Save MFA settings" }).click();
  await expect(page.getByRole("alert")).toContainText("At least one of SMS, TOTP or email MFA");
  await panel.getByLabel("Optional: users who set it up are asked").check();
  await panel.getByLabel("Authenticator app (TOTP)").check();
  await panel.getByRole("button", { name: "Save MFA settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "MFA settings saved." })).toBeVisible();
  const cfg = await c.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
  expect(cfg.MfaConfiguration).toBe("OPTIONAL");
  expect(cfg.SoftwareTokenMfaConfiguration?.Enabled).toBe(true);

  // A user with an authenticator and a confirmed device, made through the API.
  const client = await c.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "admin", ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] }),
  );
  const clientId = client.UserPoolClient!.ClientId!;
  await c.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "mia", MessageAction: "SUPPRESS" }));
  await c.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "mia", Password: "Mia-passw0rd!", Permanent: true }));
  const signedIn = await c.send(
    new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "mia", PASSWORD: "Mia-passw0rd!" },
    }),
  );
  const access = signedIn.AuthenticationResult!.AccessToken!;
  const device = signedIn.AuthenticationResult!.NewDeviceMetadata!;
  const { SecretCode } = await c.send(new AssociateSoftwareTokenCommand({ AccessToken: access }));
  await c.send(new VerifySoftwareTokenCommand({ AccessToken: access, UserCode: totp(SecretCode!) }));
  await c.send(new SetUserMFAPreferenceCommand({ AccessToken: access, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  await c.send(
    new ConfirmDeviceCommand({
      AccessToken: access,
      DeviceKey: device.DeviceKey!,
      DeviceName: "Mia's phone",
      DeviceSecretVerifierConfig: { Salt: randomBytes(16).toString("base64"), PasswordVerifier: randomBytes(384).toString("base64") },
    }),
  );

  await page.goto(`/admin/pools/${encodeURIComponent(poolId)}/users/mia`);
  await page.waitForLoadState("networkidle"); // hydrated: the resets answer in place
  const factors = page.getByRole("region", { name: "Sign-in factors and devices" });
  await expect(factors.getByText("Authenticator app").first()).toBeVisible();
  await expect(factors.getByRole("cell", { name: /Mia's phone/ })).toBeVisible();
  await factors.getByRole("button", { name: "Forget device" }).click();

  await expect(page.getByRole("status").filter({ hasText: "Device forgotten" })).toBeVisible();
  await expect(factors.getByText("No devices.")).toBeVisible();
  await factors.getByRole("button", { name: "Remove authenticator" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Authenticator removed" })).toBeVisible();
  const after = await c.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "mia" }));
  // Form errors answer 400 (the refused MFA mode): anything else fails the test.
  expect(errors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of 400"))).toEqual([]);
  expect(after.UserMFASettingList ?? []).toEqual([]);
});
