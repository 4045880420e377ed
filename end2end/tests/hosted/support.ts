// Support for the hosted-page tests: the Cognito API through the real AWS SDK for
// JavaScript (SigV4 with the bootstrap admin key), an SMTP sink on loopback, PKCE.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  CreateUserPoolClientCommand,
  SetUICustomizationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { SMTPServer } from "smtp-server";
import { createHash, randomBytes } from "node:crypto";

export const adminKey = { id: "AKIACOGNATEE2E000001", secret: "cognate-e2e-secret-access-key-01" };

export function cognito(baseURL: string) {
  return new CognitoIdentityProviderClient({
    endpoint: baseURL,
    region: "us-east-1",
    credentials: { accessKeyId: adminKey.id, secretAccessKey: adminKey.secret },
  });
}

/** A pool with self sign-up and email codes, a public web client, and its branding. */
export async function brandedPool(baseURL: string, callback: string) {
  const c = cognito(baseURL);
  const pool = await c.send(new CreateUserPoolCommand({ PoolName: "Hosted e2e", AutoVerifiedAttributes: ["email"] }));
  const poolId = pool.UserPool!.Id!;
  const client = await c.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "Storefront",
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email"],
      CallbackURLs: [callback],
      SupportedIdentityProviders: ["COGNITO"],
    }),
  );
  // A 1x1 PNG logo and CSS that changes the card visibly.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
    "base64",
  );
  await c.send(
    new SetUICustomizationCommand({
      UserPoolId: poolId,
      CSS: ".cg-card { border: 7px solid rgb(10, 120, 30); } :root { --cg-primary: rgb(10, 120, 30); }",
      ImageFile: png,
    }),
  );
  return { poolId, clientId: client.UserPoolClient!.ClientId! };
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

/** An SMTP server on loopback that keeps every message. */
export class MailSink {
  private messages: { to: string[]; raw: string }[] = [];
  private server: SMTPServer;

  constructor(private port: number) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          this.messages.push({ to, raw: Buffer.concat(chunks).toString("utf8") });
          done();
        });
      },
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, "127.0.0.1", () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The six-digit code of the newest message to `to`, waiting for it to arrive. */
  async codeFor(to: string, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const m = [...this.messages].reverse().find((x) => x.to.includes(to));
      const code = m?.raw.split("\r\n\r\n").slice(1).join("\n").match(/\b(\d{6})\b/)?.[1];
      if (code) return code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no message with a code reached ${to}`);
  }
}
