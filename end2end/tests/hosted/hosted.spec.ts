import { test, expect, type Page } from "@playwright/test";
import { brandedPool, MailSink, pkce } from "./support";

// Sign up, confirm with the emailed code and sign in through the operator-branded hosted
// pages, landing on the app's callback with an authorization code; once with JavaScript
// and once without (the pages need none).
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? "39143");
let sink: MailSink;

test.beforeAll(async () => {
  sink = new MailSink(smtpPort);
  await sink.start();
});

test.afterAll(async () => {
  await sink.stop();
});

async function signUpConfirmAndSignIn(page: Page, baseURL: string) {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const callback = `${baseURL}/e2e-callback`;
  const { clientId } = await brandedPool(baseURL, callback);
  const { challenge } = pkce();
  const state = `st-${Date.now()}`;
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: callback,
    scope: "openid email",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  await page.goto(`/oauth2/authorize?${query}`);
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // The operator's branding is applied: logo shown, card border from their CSS.
  const logo = page.locator("img.cg-logo");
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  const card = page.locator(".cg-card");
  await expect(card).toHaveCSS("border-top-width", "7px");
  await expect(card).toHaveCSS("border-top-color", "rgb(10, 120, 30)");

  // Sign up; the password policy is listed under the field.
  await page.getByRole("link", { name: "Need an account? Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Sign up" })).toBeVisible();
  await expect(page.getByText("At least 8 characters")).toBeVisible();
  const email = `shopper-${Date.now()}@example.com`;
  const username = `shopper${Date.now()}`;
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("alert")).toContainText("Password did not conform with policy");
  await page.getByLabel("Password").fill("Correct-Horse-9");
  await page.getByRole("button", { name: "Sign up" }).click();

  // Confirm with the code that arrived by email.
  await expect(page.getByRole("heading", { name: "Confirm your account" })).toBeVisible();
  const code = await sink.codeFor(email);
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Confirm account" }).click();

  // Back to sign-in, with the user name kept; sign in and land on the callback.
  await expect(page.getByText("Your account is confirmed")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveValue(username);
  await page.getByLabel("Password").fill("Correct-Horse-9");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/e2e-callback");
  const back = new URL(page.url());
  expect(back.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  expect(back.searchParams.get("state")).toBe(state);
  // Form errors answer 400 and the callback (not a real app here) 404: the browser logs
  // those loads; anything else (a CSP violation, a script error) fails the test.
  const unexpected = errors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of 40"));
  expect(unexpected, "no console errors (CSP)").toEqual([]);
}

test("sign up, confirm and sign in on the branded hosted pages", async ({ page, baseURL }) => {
  await signUpConfirmAndSignIn(page, baseURL!);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the same flow works with plain form posts", async ({ page, baseURL }) => {
    await signUpConfirmAndSignIn(page, baseURL!);
  });
});

test("a wrong password is reported inline and tied to the form", async ({ page, baseURL }) => {
  const callback = `${baseURL}/e2e-callback`;
  const { clientId } = await brandedPool(baseURL!, callback);
  const { challenge } = pkce();
  const query = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: callback, scope: "openid",
    code_challenge: challenge, code_challenge_method: "S256",
  });
  await page.goto(`/oauth2/authorize?${query}`);
  await page.getByLabel("Username").fill("nobody");
  await page.getByLabel("Password").fill("Wrong-Pass-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Incorrect username or password.");
  await expect(page.getByLabel("Username")).toHaveValue("nobody");
});

test("with JavaScript, the password policy is checked off as the user types", async ({ page, baseURL }) => {
  const callback = `${baseURL}/e2e-callback`;
  const { clientId } = await brandedPool(baseURL!, callback);
  const { challenge } = pkce();
  const query = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: callback, scope: "openid",
    code_challenge: challenge, code_challenge_method: "S256",
  });
  await page.goto(`/signup?${query}`);
  const length = page.locator('li[data-rule="min:8"]');
  const upper = page.locator('li[data-rule="upper"]');
  await page.getByLabel("Password").pressSequentially("abc");
  await expect(length).not.toHaveClass(/cg-met/);
  await expect(upper).not.toHaveClass(/cg-met/);
  await page.getByLabel("Password").pressSequentially("DEFGH1!");
  await expect(length).toHaveClass(/cg-met/);
  await expect(upper).toHaveClass(/cg-met/);
});
