import { test, expect, type Browser, type Page } from "@playwright/test";
import {
  AdminCreateUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { brandedPool, cognito, MailSink, pkce } from "./support";
import { totp } from "../totp";

// The hosted sign-in runs the same challenges as the API: authenticator set-up with a QR
// code drawn on the server, the code on later sign-ins (a wrong one explained inline),
// and the choice of factor with an e-mailed code; with JavaScript and without.
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? "39143");
let sink: MailSink;

test.beforeAll(async () => {
  sink = new MailSink(smtpPort);
  await sink.start();
});

test.afterAll(async () => {
  await sink.stop();
});

async function mfaPool(baseURL: string) {
  const callback = `${baseURL}/e2e-callback`;
  const { poolId, clientId } = await brandedPool(baseURL, callback);
  const c = cognito(baseURL);
  await c.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: "ON",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );
  const username = `mfa${Date.now().toString(36)}`;
  const email = `${username}@example.com`;
  await c.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await c.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: "Mfa-passw0rd!", Permanent: true }));
  return { poolId, clientId, callback, username, email };
}

async function openSignIn(page: Page, clientId: string, callback: string) {
  const { challenge } = pkce();
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: callback,
    scope: "openid email",
    state: "mfa",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  await page.goto(`/oauth2/authorize?${query}`);
}

async function password(page: Page, username: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("Mfa-passw0rd!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function landed(page: Page) {
  await page.waitForURL((u) => u.pathname === "/e2e-callback");
  expect(new URL(page.url()).searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
}

async function fresh(browser: Browser, js: boolean, baseURL: string) {
  const context = await browser.newContext({ javaScriptEnabled: js, baseURL });
  return { context, page: await context.newPage() };
}

for (const js of [true, false]) {
  test(`hosted MFA: set-up with a QR code, the code on the next sign-in, and a choice of factor (JavaScript ${js ? "on" : "off"})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const p = await mfaPool(baseURL!);

    // 1. MFA is required and the user has none: scan, enter a code, land on the app.
    let { context, page } = await fresh(browser, js, baseURL!);
    await openSignIn(page, p.clientId, p.callback);
    await password(page, p.username);
    await expect(page.getByRole("heading", { name: "Set up your authenticator" })).toBeVisible();
    await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    const secret = (await page.locator("code.cg-secret").textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    await page.getByLabel("Code", { exact: true }).fill(totp(secret));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    // Recovery codes, shown once, before the sign-in finishes.
    await expect(page.getByRole("heading", { name: "Save your recovery codes" })).toBeVisible();
    const recovery = await page.getByRole("list", { name: "Recovery codes" }).locator("code").allTextContents();
    expect(recovery).toHaveLength(10);
    await page.getByRole("button", { name: "I saved them: continue" }).click();
    await landed(page);
    await context.close();

    // A recovery code stands in for the authenticator, once.
    for (const expectOk of [true, false]) {
      ({ context, page } = await fresh(browser, js, baseURL!));
      await openSignIn(page, p.clientId, p.callback);
      await password(page, p.username);
      await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
      await page.getByLabel("Code", { exact: true }).fill(recovery[0]);
      await page.getByRole("button", { name: "Sign in" }).click();
      if (expectOk) {
        await landed(page);
      } else {
        await expect(page.getByRole("alert")).toContainText("That code is not right");
      }
      await context.close();
    }

    // 2. Next sign-in: the authenticator's code; a wrong one is explained on the page.
    ({ context, page } = await fresh(browser, js, baseURL!));
    await openSignIn(page, p.clientId, p.callback);
    await password(page, p.username);
    await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
    await page.getByLabel("Code", { exact: true }).fill(totp(secret, Date.now() - 120_000));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("That code is not right");
    // One step ahead is inside the window and not used yet (no waiting for a new code).
    await page.getByLabel("Code", { exact: true }).fill(totp(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Sign in" }).click();
    await landed(page);
    await context.close();

    // 3. With e-mail codes turned on as well: the user chooses, and the mailed code works.
    await cognito(baseURL!).send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: p.poolId,
        MfaConfiguration: "ON",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        EmailMfaConfiguration: { Subject: "Your sign-in code", Message: "Sign-in code {####}" },
      }),
    );
    await cognito(baseURL!).send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: p.poolId,
        Username: p.username,
        EmailMfaSettings: { Enabled: true },
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
      }),
    );
    ({ context, page } = await fresh(browser, js, baseURL!));
    await openSignIn(page, p.clientId, p.callback);
    await password(page, p.username);
    await expect(page.getByRole("heading", { name: "Choose how to verify" })).toBeVisible();
    await page.getByRole("button", { name: "E-mail" }).click();
    await expect(page.getByText(/We sent a code to m\*\*\*@e\*\*\*/)).toBeVisible();
    await page.getByLabel("Code", { exact: true }).fill(await sink.codeFor(p.email));
    await page.getByRole("button", { name: "Sign in" }).click();
    await landed(page);
    await context.close();
  });
}
