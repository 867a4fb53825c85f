/**
 * What each role may do (issue 17, item 9), in one place for the route and action wrappers (lib/http):
 *   - admin: everything, and the people of the workspace and its settings;
 *   - analyst: upload, run, share, edit column kinds, download; delete the datasets they uploaded and revoke
 *     the links they made;
 *   - viewer: reads every dashboard, changes nothing, downloads only when an admin allows it.
 * Deleting a dataset (its uploader or an admin) and revoking a link (its maker or an admin) are checked by
 * lib/services/datasets.ts and shares.ts, which know who made what.
 */
export const VIEWER_READS_ONLY = "A viewer's account only reads: uploading, running, sharing, deleting and editing need an analyst's or an admin's.";
export const VIEWER_NO_EXPORT = "Viewers may not download data here: an admin can allow it in Settings.";

/** Whether a role may change the workspace's data (not only its own account). */
export const mayChange = (role: string): boolean => role !== "viewer";

/** Whether a role may download data, given the workspace's "viewers may export" setting. */
export const mayExport = (role: string, viewersMayExport: boolean): boolean => role !== "viewer" || viewersMayExport;
