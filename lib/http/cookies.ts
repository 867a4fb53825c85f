/** The session cookie: a random token whose SHA-256 is in sessions (lib/services/accounts.ts). */
export const SESSION_COOKIE = "segmenta_session";

/** A cookie's value from a Cookie header, or undefined (for code outside Next's cookies(): route handlers, the page cache). */
export function cookieFrom(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}
