import type { PageVersions } from "../queries/page-versions";

/**
 * Which datasets a page reads, and which a change writes, from its address
 * alone, for the page cache (page-cache.ts): a change to one dataset keeps the
 * pages of the others. When the address does not say, the answer is "all":
 * the page is forgotten at any change, the change forgets every page.
 *
 * Pages: /datasets/{id}/… read that dataset; /runs/{id}/… read the run's
 * dataset and those of the runs named in the query (?compare=, ?to=,
 * ?other_run=, which the pages refuse unless they are of the same customers,
 * saying so). The home page lists every dataset with its figures and preparation: "all". The upload
 * page lists their ids and names alone: "lists". A dataset or run the
 * versions do not know yet (being created) is "all" too. The settings page reads no
 * dataset's data but the links, invitations and tokens: "settings" (page-cache.ts).
 *
 * Changes: the API's /api/datasets/{id}/… and /api/segmentations/{id}/… write
 * that dataset (or the run's); POST /api/datasets makes a new one, whose
 * address comes back in the answer's Location (the cache adds it), and
 * changes the lists; a preview reads its bytes and writes nothing. Anything
 * else is "all": a server action posts to the page it was called from, and
 * its id says nothing of what it changes (sign-out and role changes are
 * actions too); sign-in and out, shares and tokens are rare.
 */
export type PageScope = number[] | "all" | "settings" | "lists";
export type ChangeScope = number[] | "all" | "lists" | "none";

const RUN_PARAMS = ["compare", "to", "other_run"];

export function pageScope(url: string, versions: PageVersions): PageScope {
  const [path = "", search = ""] = url.split("?", 2);
  if (path === "/settings") return "settings";
  if (path === "/upload") return "lists";
  const dataset = /^\/datasets\/(\d{1,9})(?:\/|$)/.exec(path);
  if (dataset) {
    const id = Number(dataset[1]);
    return versions.datasets.has(id) ? [id] : "all";
  }
  const run = /^\/runs\/(\d{1,9})(?:\/|$)/.exec(path);
  if (!run) return "all";
  const query = new URLSearchParams(search);
  const runs = [run[1]!, ...RUN_PARAMS.flatMap((name) => query.getAll(name))];
  const datasets = new Set<number>();
  for (const text of runs) {
    // A value that is not a run id names no run: the page says so, whatever the data.
    if (!/^\d{1,9}$/.test(text)) continue;
    const id = versions.runs.get(Number(text));
    if (id === undefined || !versions.datasets.has(id)) return "all";
    datasets.add(id);
  }
  return [...datasets].sort((a, b) => a - b);
}

export function changeScope(method: string, url: string, versions: PageVersions): ChangeScope {
  const path = url.split("?", 1)[0]!;
  if (path === "/api/uploads/preview") return "none";
  if (path === "/api/datasets" && method === "POST") return "lists";
  const dataset = /^\/api\/datasets\/(\d{1,9})(?:\/|$)/.exec(path);
  if (dataset) return [Number(dataset[1])];
  const run = /^\/api\/segmentations\/(\d{1,9})(?:\/|$)/.exec(path);
  const runDataset = run ? versions.runs.get(Number(run[1])) : undefined;
  return runDataset === undefined ? "all" : [runDataset];
}

/** The dataset a change's answer names in its Location (a new dataset: /api/datasets/{id}), or null. */
export function locationDataset(location: string | string[] | undefined): number | null {
  const match = typeof location === "string" ? /^\/api\/datasets\/(\d{1,9})$/.exec(location) : null;
  return match ? Number(match[1]) : null;
}
