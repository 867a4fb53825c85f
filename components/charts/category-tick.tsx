/**
 * A category axis's label (recharts `tick`), readable whole: the name wrapped
 * onto up to `lines` lines of about `chars` characters at word breaks, cut
 * with "…" only past them, and whole in a tooltip (an SVG <title>). Lines are
 * <tspan>s; each after the first starts with the space it was broken at, so the
 * page's text reads "United Kingdom", not "UnitedKingdom" (recharts' own
 * wrapping drops the spaces). The axis's labels end at the axis (text-anchor
 * end), so a line's leading space takes no room where it shows.
 */
export function wrapLabel(text: string, chars: number, lines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = "";
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    const next = line ? `${line} ${word}` : word;
    if (next.length <= chars || !line) {
      line = next;
      continue;
    }
    out.push(line);
    line = word;
    if (out.length === lines) break;
  }
  if (out.length < lines && line) {
    out.push(line);
    line = "";
  }
  const cut = out.length === lines && (line !== "" || i < words.length);
  // The last line carries the rest's first letters when the name is longer than the lines hold.
  const last = out.length - 1;
  if (last >= 0 && (cut || out[last]!.length > chars)) out[last] = `${out[last]!.slice(0, Math.max(1, chars - 1)).trimEnd()}…`;
  return out;
}

interface TickProps {
  x?: number;
  y?: number;
  payload?: { value?: unknown };
  fill?: string;
  fontSize?: number | string;
}

export function CategoryTick({ x = 0, y = 0, payload, fill = "#666", fontSize = 12, chars = 18, lines = 2 }: TickProps & { chars?: number; lines?: number }) {
  const full = String(payload?.value ?? "");
  const parts = wrapLabel(full, chars, lines);
  const first = 0.355 - (parts.length - 1) * 0.575;
  return (
    <g>
      <title>{full}</title>
      <text x={x} y={y} textAnchor="end" fill={fill} fontSize={fontSize} className="recharts-text">
        {parts.map((part, i) => (
          <tspan key={i} x={x} dy={`${i === 0 ? first : 1.15}em`}>
            {i === 0 ? part : ` ${part}`}
          </tspan>
        ))}
      </text>
    </g>
  );
}
