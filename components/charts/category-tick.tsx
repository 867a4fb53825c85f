/**
 * A category axis's label (recharts `tick`), readable whole: the name wrapped
 * onto up to `lines` lines at word breaks, each at most `chars` characters and
 * as wide as the axis leaves room for (capitals take more than small
 * letters: DejaVu Sans' widths, Chromium's sans on Debian), cut with "…" only
 * past them, and whole in a tooltip (an SVG <title>). Lines are
 * <tspan>s; each after the first starts with the space it was broken at, so the
 * page's text reads "United Kingdom", not "UnitedKingdom" (recharts' own
 * wrapping drops the spaces). The axis's labels end at the axis (text-anchor
 * end), so a line's leading space takes no room where it shows.
 */
/** About how wide a text is at a font size, in px (DejaVu Sans' advance widths, rounded up by letter class). */
export function textWidth(text: string, fontSize = 12): number {
  let em = 0;
  for (const ch of text) em += ch === " " ? 0.32 : /[A-Z0-9#%&@]/.test(ch) ? 0.69 : /[a-z]/.test(ch) ? 0.56 : 0.4;
  return em * fontSize;
}

export function wrapLabel(text: string, chars: number, lines: number, maxWidth = Infinity, fontSize = 12): string[] {
  const fits = (t: string) => t.length <= chars && textWidth(t, fontSize) <= maxWidth;
  const words = text.trim().split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = "";
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    const next = line ? `${line} ${word}` : word;
    if (fits(next) || !line) {
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
  if (last >= 0 && (cut || !fits(out[last]!))) {
    let kept = out[last]!;
    while (kept.length > 1 && !fits(`${kept}…`)) kept = kept.slice(0, -1).trimEnd();
    out[last] = `${kept}…`;
  }
  // A single word longer than the room on a line before the last is cut too.
  for (let j = 0; j < last; j++) {
    let kept = out[j]!;
    if (fits(kept)) continue;
    while (kept.length > 1 && !fits(`${kept}…`)) kept = kept.slice(0, -1);
    out[j] = `${kept}…`;
  }
  return out;
}

interface TickProps {
  x?: number;
  y?: number;
  /** The axis's width (recharts passes it to each tick). */
  width?: number | string;
  payload?: { value?: unknown };
  fill?: string;
  fontSize?: number | string;
}

export function CategoryTick({ x = 0, y = 0, width, payload, fill = "#666", fontSize = 12, chars = 18, lines = 2 }: TickProps & { chars?: number; lines?: number }) {
  const full = String(payload?.value ?? "");
  // The label ends at x, the tick line's start: the axis's width less the tick line and a margin.
  const room = typeof width === "number" ? width - 12 : Infinity;
  const parts = wrapLabel(full, chars, lines, room, Number(fontSize) || 12);
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
