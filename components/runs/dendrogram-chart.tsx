import { categoryColour } from "@/components/charts/palette";
import { formatInteger } from "@/lib/format";
import type { DendrogramLayout } from "@/lib/segmentation/dendrogram";

const W = 820;
const H = 380;
const M = { top: 24, right: 16, bottom: 64, left: 64 };

function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const step = [1, 2, 2.5, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw)!;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

/**
 * The saved Ward dendrogram, its last merges drawn (lib/segmentation/dendrogram.ts):
 * links under the cut in their cluster's colour, the cut dashed, each leaf a
 * collapsed group labelled with its customers. Plain SVG with <title> tooltips.
 */
export function DendrogramChart({ layout, names, k }: { layout: DendrogramLayout; names: Map<number, string>; k: number }) {
  const n = layout.leaves.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const ticks = niceTicks(layout.maxHeight);
  const top = Math.max(ticks[ticks.length - 1]!, layout.maxHeight);
  const sx = (x: number) => M.left + (n <= 1 ? plotW / 2 : ((x + 0.5) / n) * plotW);
  const sy = (y: number) => M.top + plotH - (y / top) * plotH;
  const name = (cluster: number | null) => (cluster === null ? "above the cut" : (names.get(cluster) ?? `Cluster ${cluster + 1}`));
  return (
    <div className="dendrogram-wrap" data-testid="dendrogram" data-leaves={n}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Dendrogram: the last ${layout.drawnMerges} Ward merges, cut into ${k} clusters`} className="dendrogram">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} stroke="#e5e7eb" strokeDasharray="3 3" />
            <text x={M.left - 8} y={sy(t) + 4} textAnchor="end" fontSize={12} fill="#5d6579">
              {t}
            </text>
          </g>
        ))}
        <text transform={`translate(16 ${M.top + plotH / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill="#5d6579">
          Ward distance (standard units)
        </text>
        {layout.links.map((link) => (
          <polyline
            key={link.node}
            points={link.points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(" ")}
            fill="none"
            stroke={link.cluster === null ? "#6b7280" : categoryColour(link.cluster)}
            strokeWidth={2}
          >
            <title>{`${formatInteger(link.size)} customers merged at ${link.height.toFixed(2)} (${name(link.cluster)})`}</title>
          </polyline>
        ))}
        {layout.cutHeight !== null && (
          <g>
            <line x1={M.left} x2={W - M.right} y1={sy(layout.cutHeight)} y2={sy(layout.cutHeight)} stroke="#dc2626" strokeDasharray="6 4" strokeWidth={1.5} />
            <text x={W - M.right - 4} y={sy(layout.cutHeight) - 6} textAnchor="end" fontSize={12} fill="#dc2626">
              cut: k = {k}
            </text>
          </g>
        )}
        {layout.leaves.map((leaf) => (
          <g key={leaf.node}>
            <circle cx={sx(leaf.x)} cy={sy(0)} r={4} fill={categoryColour(leaf.cluster)}>
              <title>{`${formatInteger(leaf.size)} customers · ${name(leaf.cluster)}`}</title>
            </circle>
            <text transform={`translate(${sx(leaf.x) + 4} ${sy(0) + 12}) rotate(-60)`} textAnchor="end" fontSize={11} fill="#374151">
              {formatInteger(leaf.size)}
            </text>
          </g>
        ))}
        <text x={M.left + plotW / 2} y={H - 6} textAnchor="middle" fontSize={12} fill="#5d6579">
          Groups of customers (number of customers under each)
        </text>
      </svg>
      <ul className="legend" aria-label="Clusters">
        {[...names.entries()].map(([no, label]) => (
          <li key={no}>
            <span className="swatch" style={{ background: categoryColour(no) }} aria-hidden="true" />
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
