import type { CreateShare } from "@/components/share/share-button";

/**
 * A dashboard view rendered for a share link (/share/{token}) instead of for a
 * signed-in analyst: read-only, with no way into the rest of the workspace (no
 * links to other pages, no forms), and downloads only where the link allows.
 */
export interface SharedView {
  token: string;
  allowExport: boolean;
}

/**
 * How a view is shown: for a share link (`shared`), or to a signed-in account, who may make links
 * (`createShare`) unless a viewer (no `createShare`: no Share button).
 */
export type ViewAudience = { shared: SharedView; createShare?: undefined } | { shared?: undefined; createShare?: CreateShare };
