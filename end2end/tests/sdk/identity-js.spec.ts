// amazon-cognito-identity-js (the library Amplify's older releases and many apps use)
// against Cognate with nothing changed but the endpoint: SRP sign-in, TOTP set-up and
// answer, and a remembered device that then signs in without MFA.
import { test, expect } from "@playwright/test";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool, CognitoUserSession } from "amazon-cognito-identity-js";
import { cognito } from "../hosted/support";
import { nextCode, totp } from "../totp";

async function nextStep(code: string, secret: string) {
  await nextCode(secret, code);
}

type Outcome = { kind: "success"; session: CognitoUserSession; confirmationNecessary?: boolean } | { kind: "mfaSetup" } | { kind: "totpRequired" };

function signIn(user: CognitoUser, password: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session, confirmationNecessary) => resolve({ kind: "success", session, confirmationNecessary }),
      onFailure: reject,
      mfaSetup: () => resolve({ kind: "mfaSetup" }),
      totpRequired: () => resolve({ kind: "totpRequired" }),
      mfaRequired: () => reject(new Error("unexpected SMS MFA")),
      newPasswordRequired: () => reject(new Error("unexpected new password")),
    });
  });
}

test("identity-js: SRP, TOTP set-up and answer, then a remembered device skips MFA", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const admin = cognito(baseURL!);
  const pool = await admin.send(
    new CreateUserPoolCommand({
      PoolName: "identity-js",
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    }),
  );
  const poolId = pool.UserPool!.Id!;
  await admin.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: "ON",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );
  const client = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  const username = `js${Date.now().toString(36)}`;
  const password = "Js-passw0rd!";
  await admin.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: "SUPPRESS" }));
  await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));

  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: client.UserPoolClient!.ClientId!, endpoint: baseURL! });
  const newUser = () => new CognitoUser({ Username: username, Pool: userPool });

  // 1. SRP, then MFA set-up: associate, verify with a code, and the library confirms the new device.
  const first = newUser();
  expect((await signIn(first, password)).kind).toBe("mfaSetup");
  const secret: string = await new Promise((resolve, reject) =>
    first.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  const setupCode = totp(secret);
  const session: CognitoUserSession = await new Promise((resolve, reject) =>
    first.verifySoftwareToken(setupCode, "e2e phone", { onSuccess: resolve, onFailure: reject }),
  );
  expect(session.isValid()).toBe(true);
  expect(session.getAccessToken().decodePayload()["device_key"]).toBeTruthy();

  // 2. The device is not remembered yet: SRP, then the authenticator's code.
  await nextStep(setupCode, secret);
  const second = newUser();
  expect((await signIn(second, password)).kind).toBe("totpRequired");
  const afterTotp: CognitoUserSession = await new Promise((resolve, reject) =>
    second.sendMFACode(totp(secret), { onSuccess: resolve, onFailure: reject }, "SOFTWARE_TOKEN_MFA"),
  );
  expect(afterTotp.getIdToken().decodePayload()["cognito:username"]).toBe(username);
  await new Promise((resolve, reject) => second.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));

  // (The library confirms a new device after an MFA answer, not after MFA set-up: this
  // sign-in's device is the one it keeps.)
  const device = afterTotp.getAccessToken().decodePayload()["device_key"];
  expect(device).toBeTruthy();

  // 3. Remembered: the device's own SRP replaces MFA.
  const third = newUser();
  const outcome = await signIn(third, password);
  expect(outcome.kind).toBe("success");
  if (outcome.kind === "success") {
    expect(outcome.session.getAccessToken().decodePayload()["device_key"]).toBe(device);
  }
  const devices: any = await new Promise((resolve, reject) => third.listDevices(10, null, { onSuccess: resolve, onFailure: reject }));
  expect(devices.Devices.length).toBe(1);
});
