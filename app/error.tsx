"use client";

import { useEffect } from "react";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => console.error(error), [error]);
  return (
    <section className="empty" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be loaded. The details are in the server log{error.digest ? ` (reference ${error.digest})` : ""}.</p>
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </section>
  );
}
