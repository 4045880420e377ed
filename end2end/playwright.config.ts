import { defineConfig } from "@playwright/test";

// One project per database backend, each against its own server started here from the
// built binary with a fresh data directory. scripts/e2e.sh picks free ports and, when
// COGNATE_TEST_POSTGRES_URL is set, a fresh PostgreSQL database.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const binary = process.env.E2E_BIN ?? "../target/debug/cognate";
const operator = { email: "e2e-ops@example.com", password: "e2e correct horse battery" };
const adminKey = { id: "AKIACOGNATEE2E000001", secret: "cognate-e2e-secret-access-key-01" };
const smtpPort = process.env.E2E_SMTP_PORT ?? "39143";

type Backend = { name: string; port: string; databaseUrl?: string; dataDir: string };
const backends: Backend[] = [
  { name: "sqlite", port: process.env.E2E_SQLITE_PORT ?? "39141", dataDir: process.env.E2E_SQLITE_DIR ?? "/tmp/cognate-e2e-sqlite" },
];
if (process.env.E2E_POSTGRES_URL) {
  backends.push({
    name: "postgres",
    port: process.env.E2E_POSTGRES_PORT ?? "39142",
    databaseUrl: process.env.E2E_POSTGRES_URL,
    dataDir: process.env.E2E_POSTGRES_DIR ?? "/tmp/cognate-e2e-postgres",
  });
}

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
    trace: "off",
  },
  metadata: { operator },
  projects: backends.map((b) => ({
    name: b.name,
    use: { baseURL: `http://127.0.0.1:${b.port}` },
  })),
  webServer: backends.map((b) => ({
    command: binary,
    url: `http://127.0.0.1:${b.port}/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      COGNATE_LISTEN: `127.0.0.1:${b.port}`,
      COGNATE_PUBLIC_URL: `http://127.0.0.1:${b.port}`,
      COGNATE_DATA_DIR: b.dataDir,
      COGNATE_SITE_DIR: process.env.COGNATE_SITE_DIR ?? "../target/site",
      COGNATE_LOG: "warn",
      COGNATE_BOOTSTRAP_OPERATOR_EMAIL: operator.email,
      COGNATE_BOOTSTRAP_OPERATOR_PASSWORD: operator.password,
      COGNATE_BOOTSTRAP_ACCESS_KEY_ID: adminKey.id,
      COGNATE_BOOTSTRAP_SECRET_ACCESS_KEY: adminKey.secret,
      // The hosted-page tests run an SMTP sink on this port (tests/hosted/mail.ts).
      COGNATE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      COGNATE_EMAIL_FROM: "no-reply@cognate.test",
      // Every browser and SDK call here comes from 127.0.0.1: the per-source limits
      // (tested in server/tests/api/attack.rs) would otherwise meet the whole suite.
      COGNATE_CODE_REQUESTS_PER_SOURCE: "6000",
      COGNATE_FAILED_SIGN_INS_PER_SOURCE: "6000",
      ...(b.databaseUrl ? { COGNATE_DATABASE_URL: b.databaseUrl } : {}),
    },
  })),
});
