"use client";

import { useEffect, useState } from "react";

/**
 * Keeps a shared view honest once it is open: it asks /share/{token}/status
 * every 15 s and whenever the tab comes back, and when the link is revoked or
 * expired (410 Gone; 404 if the link is not found at all) it takes the view off the screen.
 */
export function ShareGuard({ token, expiresAt, children }: { token: string; expiresAt: string | null; children: React.ReactNode }) {
  const [gone, setGone] = useState(false);
  useEffect(() => {
    if (gone) return; // once gone, stop asking (each miss counts against the address)
    let stopped = false;
    const check = () => {
      if (stopped || document.visibilityState === "hidden") return;
      fetch(`/share/${token}/status`, { cache: "no-store" })
        .then((response) => {
          if ((response.status === 410 || response.status === 404) && !stopped) setGone(true);
        })
        .catch(() => {});
    };
    const timer = setInterval(check, 15_000);
    const expiry = expiresAt ? setTimeout(check, Math.max(0, Math.min(new Date(expiresAt).getTime() - Date.now() + 1000, 2 ** 31 - 1))) : undefined;
    document.addEventListener("visibilitychange", check);
    window.addEventListener("focus", check);
    return () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(expiry);
      document.removeEventListener("visibilitychange", check);
      window.removeEventListener("focus", check);
    };
  }, [token, expiresAt, gone]);
  if (gone) {
    return (
      <section className="empty" role="alert" data-testid="share-gone">
        <h1>This link is no longer available</h1>
        <p>It was revoked or it expired. Ask the person who shared it for a new one.</p>
      </section>
    );
  }
  return <>{children}</>;
}
