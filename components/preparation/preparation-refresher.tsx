"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Refreshes the page (its server components, not a reload) once more steps
 * of the preparation are done than the page shows, asking `url` every 1.5 s
 * ({ prepared, done }). Renders nothing.
 */
export function PreparationRefresher({ url, done }: { url: string; done: number }) {
  const router = useRouter();
  useEffect(() => {
    let stopped = false;
    const timer = setInterval(async () => {
      const response = await fetch(url, { cache: "no-store" }).catch(() => null);
      if (stopped || !response?.ok) return;
      const body = (await response.json()) as { prepared: boolean; done: number };
      if (body.prepared || body.done > done) {
        stopped = true;
        clearInterval(timer);
        router.refresh();
      }
    }, 1500);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [url, done, router]);
  return null;
}
