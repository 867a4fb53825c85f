/**
 * What each cluster is: the means of its features in original units, and a
 * name from how it differs from the typical customer.
 */
export interface ClusterProfile {
  cluster: number;
  name: string;
  size: number;
  share: number;
  /** Mean of each feature, in original units. */
  means: Record<string, number>;
}

/** The k-th smallest value (from 0), by quickselect: reorders `values` so that values[k] is it, none larger before, none smaller after. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    // Median of three as the pivot, then Hoare's partition.
    const mid = (lo + hi) >> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

function median(values: Float64Array): number {
  const mid = values.length >> 1;
  const upper = select(values, mid);
  if (values.length % 2) return upper;
  // The largest of the values before the middle one.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * Means per cluster in original units, and a name from how each cluster
 * differs from the typical customer (the median: means are pulled by the few
 * biggest spenders).
 */
export function profile(features: string[], rows: readonly number[][], labels: ArrayLike<number>, k: number, dummies: readonly boolean[] = []): ClusterProfile[] {
  const n = rows.length;
  const dims = features.length;
  const column = new Float64Array(n);
  const overall = features.map((_, j) => {
    for (let i = 0; i < n; i++) column[i] = rows[i]![j]!;
    return median(column);
  });
  // Sums per cluster in customer order.
  const sizes = new Array<number>(k).fill(0);
  const sums = Array.from({ length: k }, () => new Array<number>(dims).fill(0));
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < k)) continue;
    sizes[c]!++;
    const row = rows[i]!;
    const sum = sums[c]!;
    for (let j = 0; j < dims; j++) sum[j]! += row[j]!;
  }
  const profiles = Array.from({ length: k }, (_, cluster) => {
    const size = sizes[cluster]!;
    const means = Object.fromEntries(features.map((f, j) => [f, size ? sums[cluster]![j]! / size : 0]));
    return { cluster, name: "", size, share: size / n, means };
  });
  const overallOf = Object.fromEntries(features.map((f, j) => [f, overall[j]!]));
  // Without recency, frequency or spend (a customers file's columns), a cluster is named by the columns that set it apart most.
  const buying = features.some((f) => f === "recencyDays" || f === "frequency" || f === "monetary");
  const spread = buying ? null : meansAndSds(rows, dims);
  const taken = new Map<string, number>();
  for (const p of profiles) {
    const base = spread ? attributeName(features, p.means, spread, dummies) : clusterName(p.means, overallOf);
    const seen = taken.get(base) ?? 0;
    taken.set(base, seen + 1);
    p.name = seen ? `${base} (${seen + 1})` : base;
  }
  return profiles;
}

/** "Recent high spenders", "Lapsed one-timers", …: recency first, then what they buy, against a typical customer. */
export function clusterName(means: Record<string, number>, typical: Record<string, number>): string {
  const ratio = (f: string) => (f in means && typical[f] ? means[f]! / typical[f]! : 1);
  const parts: string[] = [];
  if ("recencyDays" in means) {
    const r = ratio("recencyDays");
    parts.push(r < 0.6 ? "Recent" : r > 1.5 ? "Lapsed" : "Steady");
  }
  const frequency = "frequency" in means ? means.frequency! : null;
  const m = ratio("monetary");
  const f = ratio("frequency");
  let noun: string;
  if (frequency !== null && frequency < 1.5) noun = m > 1.5 ? "one-time big spenders" : "one-timers";
  else if (m > 1.5 && f > 1.5) noun = "loyal high spenders";
  else if (m > 1.5) noun = "high spenders";
  else if (f > 1.5) noun = "frequent buyers";
  else if (m < 0.6) noun = "low spenders";
  else noun = "regular buyers";
  if (parts.length === 0) return noun.charAt(0).toUpperCase() + noun.slice(1);
  return `${parts[0]} ${noun}`;
}

function meansAndSds(rows: readonly number[][], dims: number): { means: number[]; sds: number[] } {
  const n = rows.length;
  const means = new Array<number>(dims).fill(0);
  const squares = new Array<number>(dims).fill(0);
  for (const row of rows) for (let j = 0; j < dims; j++) means[j]! += row[j]! / n;
  for (const row of rows) for (let j = 0; j < dims; j++) squares[j]! += (row[j]! - means[j]!) ** 2;
  return { means, sds: squares.map((s) => Math.sqrt(s / n)) };
}

/**
 * "High Annual Income (k$), low Spending Score (1-100)", "Mostly Month-to-month (Contract), low tenure":
 * the one or two features whose cluster mean is furthest from the overall mean, in standard deviations
 * (at least 0.3 of one). A one-hot feature is named "Column: value" (or "Column: yes" for yes/no).
 */
const columnOf = (feature: string, dummy: boolean | undefined) => (dummy && feature.includes(": ") ? feature.slice(0, feature.lastIndexOf(": ")) : feature);

export function attributeName(features: readonly string[], means: Record<string, number>, spread: { means: number[]; sds: number[] }, dummies: readonly boolean[]): string {
  const ranked = features
    .map((f, j) => ({ f, j, z: spread.sds[j]! > 0 ? (means[f]! - spread.means[j]!) / spread.sds[j]! : 0 }))
    .filter((x) => Math.abs(x.z) >= 0.3)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j)
    // One phrase per column: a category's values all move together.
    .filter((x, i, all) => all.findIndex((y) => columnOf(y.f, dummies[y.j]) === columnOf(x.f, dummies[x.j])) === i)
    .slice(0, 2);
  if (ranked.length === 0) return "Typical customers";
  const words = ranked.map(({ f, j, z }) => {
    if (!dummies[j]) return `${z > 0 ? "high" : "low"} ${f}`;
    const cut = f.lastIndexOf(": ");
    const [column, level] = cut === -1 ? [f, "yes"] : [f.slice(0, cut), f.slice(cut + 2)];
    if (level === "yes") return `${z > 0 ? "mostly" : "rarely"} ${column}`;
    return `${z > 0 ? "mostly" : "few"} ${level} (${column})`;
  });
  const text = words.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
