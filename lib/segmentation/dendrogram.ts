import { cutTree, type Merge } from "./hierarchical";

/**
 * Drawing a saved dendrogram (hierarchical.ts: leaves 0..m-1, merge i is node
 * m + i) the way scipy's dendrogram(truncate_mode="lastp") does: only the last
 * merges are drawn, the subtrees under them collapse into leaves labelled with
 * their customers, leaves are ordered so that no link crosses, and the links
 * under the cut at k take the colour of their cluster. Units: x is the leaf
 * position (0 … leaves − 1), y the Ward merge height. Pure: no drawing here.
 */
export interface SavedDendrogram {
  leaves: number;
  leafSizes: number[];
  merges: Merge[];
}

export interface DendrogramLeaf {
  /** Node id in the saved dendrogram. */
  node: number;
  x: number;
  /** Customers under the leaf. */
  size: number;
  /** Cluster (segment_no) the leaf falls in after the cut at k. */
  cluster: number;
}

export interface DendrogramLink {
  /** Node id of the merge. */
  node: number;
  /** Left foot, left shoulder, right shoulder, right foot. */
  points: [number, number][];
  height: number;
  size: number;
  /** The cluster the whole merge falls in, or null above the cut. */
  cluster: number | null;
}

export interface DendrogramLayout {
  leaves: DendrogramLeaf[];
  links: DendrogramLink[];
  /** Height of the cut that leaves k clusters (between the k-th last merge and the one above it). */
  cutHeight: number | null;
  maxHeight: number;
  /** Leaves of the saved dendrogram (micro-clusters) and how many merges are drawn. */
  savedLeaves: number;
  drawnMerges: number;
}

export function layoutDendrogram(dendrogram: SavedDendrogram, k: number, show = 30): DendrogramLayout {
  const { leaves: m, leafSizes, merges } = dendrogram;
  const total = merges.length;
  if (m < 2 || total === 0) return { leaves: [], links: [], cutHeight: null, maxHeight: 0, savedLeaves: m, drawnMerges: 0 };
  const groups = cutTree(merges, m, Math.min(k, m));
  // Draw the last (p − 1) merges: p leaves, never fewer than the k clusters.
  const p = Math.min(Math.max(show, k), m);
  const firstDrawn = total - (p - 1);
  const firstAboveCut = total - (k - 1);
  const isDrawn = (node: number) => node >= m + firstDrawn;
  const sizeOf = (node: number) => (node < m ? leafSizes[node]! : merges[node - m]!.size);
  const clusterOf = (node: number) => {
    let n = node;
    while (n >= m) n = merges[n - m]!.left;
    return groups[n]!;
  };

  const leaves: DendrogramLeaf[] = [];
  const links: DendrogramLink[] = [];
  const position = new Map<number, [number, number]>();
  // Depth-first from the root, left before right, without recursion (the saved tree may be deep).
  const root = m + total - 1;
  const stack: { node: number; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (!isDrawn(top.node)) {
      const x = leaves.length;
      leaves.push({ node: top.node, x, size: sizeOf(top.node), cluster: clusterOf(top.node) });
      position.set(top.node, [x, 0]);
      continue;
    }
    const merge = merges[top.node - m]!;
    if (!top.expanded) {
      stack.push({ node: top.node, expanded: true }, { node: merge.right, expanded: false }, { node: merge.left, expanded: false });
      continue;
    }
    const [xl, yl] = position.get(merge.left)!;
    const [xr, yr] = position.get(merge.right)!;
    position.set(top.node, [(xl + xr) / 2, merge.height]);
    links.push({
      node: top.node,
      points: [[xl, yl], [xl, merge.height], [xr, merge.height], [xr, yr]],
      height: merge.height,
      size: merge.size,
      cluster: top.node - m < firstAboveCut ? clusterOf(top.node) : null,
    });
  }
  const below = merges[firstAboveCut - 1];
  const above = merges[firstAboveCut];
  const cutHeight = k >= 2 && below && above ? (below.height + above.height) / 2 : null;
  return { leaves, links, cutHeight, maxHeight: merges[total - 1]!.height, savedLeaves: m, drawnMerges: links.length };
}
