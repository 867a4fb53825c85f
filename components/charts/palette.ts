/** Colours of the charts: a categorical set readable by most colour-blind people (Okabe-Ito, extended), and a sequential scale. */
export const CATEGORY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#882255", "#44AA99", "#117733"];

export const categoryColour = (i: number) => CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!;

/** Blue scale from 0 (light) to 1 (dark), for heatmaps. */
export function sequentialColour(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  const from = [239, 246, 255];
  const to = [8, 48, 107];
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * x));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Text colour that stays readable on a sequentialColour(t) background. */
export const onSequential = (t: number) => (t > 0.55 ? "#ffffff" : "#111827");
