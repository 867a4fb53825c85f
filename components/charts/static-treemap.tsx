/**
 * A treemap drawn as plain SVG for the server's HTML (see static-chart.tsx for
 * why, and for the stretched 1000-unit-wide plot). The layout is the squarified
 * treemap (Bruls, Huizing, van Wijk 2000) of the tiles in the data's order, as
 * Recharts' <Treemap> lays it out,
 * computed for a box of NOMINAL px wide; the swap to the interactive chart,
 * laid out at the real width, may move a rectangle a little. Labels only on
 * tiles over 64 nominal px wide (the interactive chart: 48 real px), since a
 * phone's screen shrinks them.
 */
import { NOMINAL_WIDTH as NOMINAL, onTile, tileText, type TreemapSpec } from "./chart-spec";

const W = 1000;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Squarified layout of values (sorted large to small) into a box. */
function squarify(values: number[], box: Box): Box[] {
  const total = values.reduce((s, v) => s + v, 0);
  const out: Box[] = [];
  if (total <= 0) return out;
  const scale = (box.w * box.h) / total;
  let rest = { ...box };
  let row: number[] = [];
  const worst = (r: number[], side: number) => {
    const s = r.reduce((a, b) => a + b, 0) * scale;
    const max = Math.max(...r) * scale;
    const min = Math.min(...r) * scale;
    return Math.max((side * side * max) / (s * s), (s * s) / (side * side * min));
  };
  const place = (r: number[]) => {
    const s = r.reduce((a, b) => a + b, 0) * scale;
    const wide = rest.w >= rest.h;
    const thickness = wide ? s / rest.h : s / rest.w;
    let at = wide ? rest.y : rest.x;
    for (const v of r) {
      const length = (v * scale) / thickness;
      out.push(wide ? { x: rest.x, y: at, w: thickness, h: length } : { x: at, y: rest.y, w: length, h: thickness });
      at += length;
    }
    rest = wide ? { x: rest.x + thickness, y: rest.y, w: rest.w - thickness, h: rest.h } : { x: rest.x, y: rest.y + thickness, w: rest.w, h: rest.h - thickness };
  };
  for (const v of values) {
    const side = Math.min(rest.w, rest.h);
    if (row.length === 0 || worst([...row, v], side) <= worst(row, side)) row.push(v);
    else {
      place(row);
      row = [v];
    }
  }
  if (row.length) place(row);
  return out;
}

export function StaticTreemap<T>({ spec }: { spec: TreemapSpec<T> }) {
  const { title, height } = spec;
  // In the data's order, as Recharts lays them out.
  const sorted = spec.data.map((d) => ({ name: spec.name(d), value: Number(d[spec.value]), colour: spec.colour(d), note: spec.note?.(d) })).filter((t) => t.value > 0);
  // Laid out in px of the nominal width, then drawn in the 1000-unit-wide plot.
  const boxes = squarify(
    sorted.map((t) => t.value),
    { x: 0, y: 0, w: NOMINAL, h: height },
  );
  const k = W / NOMINAL;
  return (
    <div className="static-chart" data-static-chart style={{ height }}>
      <svg role="img" aria-label={title} width="100%" height={height} className="static-chart-svg">
        <title>{title}</title>
        <svg width="100%" height={height} viewBox={`0 0 ${W} ${height}`} preserveAspectRatio="none">
          {sorted.map((t, i) => {
            const b = boxes[i]!;
            return <rect key={t.name} x={b.x * k} y={b.y} width={b.w * k} height={b.h} fill={t.colour} stroke="#fff" strokeWidth={2} vectorEffect="non-scaling-stroke" data-series={t.name} />;
          })}
        </svg>
        {sorted.map((t, i) => {
          const b = boxes[i]!;
          if (!(b.w > 64 && b.h > 34)) return null;
          const text = tileText(t.name, b.w);
          const fill = onTile(t.colour);
          // Each label in a viewport of its tile's size, so it is cut at the tile's edge on a narrow screen.
          return (
            <svg key={t.name} x={`${((b.x / NOMINAL) * 100).toFixed(2)}%`} y={b.y} width={`${((b.w / NOMINAL) * 100).toFixed(2)}%`} height={b.h}>
              <text x={6} y={18} fontSize={12} fontWeight={600} fill={fill}>
                {text}
                {b.h > 44 && t.note && (
                  <tspan x={6} dy={16} fontSize={11} fontWeight={400}>
                    {t.note}
                  </tspan>
                )}
              </text>
            </svg>
          );
        })}
      </svg>
    </div>
  );
}
