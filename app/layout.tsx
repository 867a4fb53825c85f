import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Segmenta", template: "%s · Segmenta" },
  description: "Customer segmentation over your own transactions: RFM, clusters, churn and lifetime value.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="top-bar">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Segmenta
          </Link>
          <nav aria-label="Main">
            <Link href="/">Datasets</Link>
            <Link href="/upload">Upload</Link>
          </nav>
        </header>
        <main id="main" className="page">
          <NuqsAdapter>{children}</NuqsAdapter>
        </main>
      </body>
    </html>
  );
}
