import { createHash, randomBytes } from "node:crypto";

/**
 * Secrets handed out (session cookies, API tokens, share links, invitations):
 * 32 random bytes (256 bits), base64url, with a short kind prefix. Only their
 * SHA-256 is stored, so the database alone opens nothing.
 */
export function newToken(kind: "ses" | "seg" | "shr" | "inv"): { token: string; hash: string; prefix: string } {
  const token = `${kind}_${randomBytes(32).toString("base64url")}`;
  return { token, hash: digest(token), prefix: token.slice(0, kind.length + 7) };
}

export function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether a string has the shape of a token of this kind (cheap check before any query). */
export function looksLikeToken(value: string, kind: "ses" | "seg" | "shr" | "inv"): boolean {
  return new RegExp(`^${kind}_[A-Za-z0-9_-]{43}$`).test(value);
}
