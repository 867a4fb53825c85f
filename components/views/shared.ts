/**
 * A dashboard view rendered for a share link (/share/{token}) instead of for a
 * signed-in analyst: read-only, with no way into the rest of the workspace (no
 * links to other pages, no forms), and downloads only where the link allows.
 */
export interface SharedView {
  token: string;
  allowExport: boolean;
}
