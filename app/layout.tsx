import type { Metadata, Viewport } from "next";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Segmenta", template: "%s · Segmenta" },
  description: "Customer segmentation over your own transactions: RFM, clusters, churn and lifetime value.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// The header is the route groups' own: (app) for signed-in pages, (public) for sign-in and shared links.
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <NuqsAdapter>{children}</NuqsAdapter>
      </body>
    </html>
  );
}
