// RFC 6238 TOTP for the tests, written here (not the server's code): base32 secret,
// HMAC-SHA-1, 30-second steps, six digits.
import { createHmac } from "node:crypto";

export function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac("sha1", key).update(counter).digest();
  const off = h[19] & 0xf;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return (bin % 1_000_000).toString().padStart(6, "0");
}

/** Waits until the authenticator shows a code other than `used` (each is accepted once). */
export async function nextCode(secret: string, used: string): Promise<string> {
  while (totp(secret) === used) await new Promise((r) => setTimeout(r, 500));
  return totp(secret);
}
