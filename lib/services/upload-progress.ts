/**
 * Progress of uploads under way in this server process, by a token the page
 * chooses, so it can show rows going in while bytes go up.
 */
export interface UploadProgress {
  bytes: number;
  rows: number;
  done: boolean;
  updatedAt: number;
}

const store = globalThis as typeof globalThis & { __segmentaUploads?: Map<string, UploadProgress> };
const uploads = (store.__segmentaUploads ??= new Map());
const KEEP_MS = 10 * 60_000;

export const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;

export function reportProgress(token: string | undefined, bytes: number, rows: number, done = false): void {
  if (!token || !TOKEN.test(token)) return;
  const now = Date.now();
  uploads.set(token, { bytes, rows, done, updatedAt: now });
  for (const [key, value] of uploads) if (now - value.updatedAt > KEEP_MS) uploads.delete(key);
}

export function readProgress(token: string): UploadProgress | null {
  return uploads.get(token) ?? null;
}
