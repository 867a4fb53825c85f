"use client";

import { Bar, BarChart, CartesianGrid, Cell, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { CATEGORY_COLOURS, categoryColour } from "@/components/charts/palette";
import { AXIS_FONT, TipBox, truncate } from "@/components/charts/tooltip";
import { formatShare } from "@/lib/format";
import { CategoryTick } from "@/components/charts/category-tick";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

/** Charts of a segment against the whole base. Data come in ready to draw, from the page (server). */
export const SEGMENT_COLOUR = categoryColour(0);
export const BASE_COLOUR = CATEGORY_COLOURS[8]!;
const BETTER = categoryColour(2);
const WORSE = categoryColour(5);

/** The segment's series before the base's in legends. */
const segmentFirst = (item: { dataKey?: unknown }) => (item.dataKey === "share" ? 0 : 1);
/** Percent ticks with enough decimals to tell them apart. */
const percentTick = (top: number) => (v: number) => formatShare(v, top < 0.05 ? 1 : 0);

const liftText = (lift: number | null) => (lift === null ? "–" : `×${lift.toFixed(2)}`);


// --- Lift of each feature, on a log scale centred on 1 (×2 and ×0.5 equally far from it) ---

export interface LiftDatum {
  feature: string;
  lift: number | null;
  /** The segment's and the base's mean, formatted. */
  segment: string;
  base: string;
  /** Lower is better (recency, return rate). */
  lowerIsBetter?: boolean;
}

const FLOOR = 1 / 16;

export function LiftChart({ data, segmentName }: { data: LiftDatum[]; segmentName: string }) {
  const plotted = data.map((d) => ({ ...d, x: d.lift === null ? 0 : Math.log2(Math.max(d.lift, FLOOR)) }));
  const extent = Math.max(1, Math.ceil(Math.max(...plotted.map((d) => Math.abs(d.x)))));
  const step = extent > 3 ? 2 : 1;
  const ticks: number[] = [];
  for (let t = -extent; t <= extent; t++) if (t % step === 0) ticks.push(t);
  const tick = (v: number) => `×${2 ** v >= 1 ? 2 ** v : Number((2 ** v).toFixed(3))}`;
  return (
    <div data-testid="lift-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `Lift of each measure in ${segmentName} against all customers (log scale)`,
              height: Math.max(220, data.length * 38 + 70),
              margin: { top: 4, right: 16, bottom: 24, left: 4 },
              layout: "rows",
              categories: plotted.map((d) => d.feature),
              xAxis: { size: 118, chars: 17 },
              valueAxis: { domain: [-extent, extent], ticks, format: tick, label: "Lift vs all customers (log scale)" },
              bars: [{ name: "Lift", colour: BETTER, values: plotted.map((d) => d.x), colours: plotted.map((d) => ((d.x >= 0) !== Boolean(d.lowerIsBetter) ? BETTER : WORSE)) }],
              reference: { at: 0, colour: "#1c2233", width: 1.5 },
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(220, data.length * 38 + 70)}>
          <BarChart layout="vertical" data={plotted} margin={{ top: 4, right: 16, bottom: 24, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              dataKey="x"
              domain={[-extent, extent]}
              ticks={ticks}
              tickFormatter={tick}
              fontSize={AXIS_FONT}
              label={{ value: "Lift vs all customers (log scale)", position: "insideBottom", offset: -14, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="feature" width={118} fontSize={AXIS_FONT} tick={<CategoryTick chars={17} />} />
            <ReferenceLine x={0} stroke="#1c2233" strokeWidth={1.5} />
            <Tooltip
              cursor={{ fill: "rgb(79 70 229 / 8%)" }}
              content={({ active, payload }: TooltipContentProps) => {
                const d = payload?.[0]?.payload as (typeof plotted)[number] | undefined;
                if (!active || !d) return null;
                return (
                  <TipBox
                    title={d.feature}
                    rows={[
                      [segmentName, d.segment, SEGMENT_COLOUR],
                      ["All customers", d.base, BASE_COLOUR],
                      ["Lift", liftText(d.lift)],
                    ]}
                    note={d.lowerIsBetter ? "Lower is better for this measure." : undefined}
                  />
                );
              }}
            />
            <Bar dataKey="x" name="Lift" isAnimationActive={false}>
              {plotted.map((d) => (
                <Cell key={d.feature} fill={(d.x >= 0) !== Boolean(d.lowerIsBetter) ? BETTER : WORSE} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

// --- A segment's share of each category against the base's share (demographics, products, countries) ---

export interface ShareDatum {
  label: string;
  share: number | null;
  baseShare: number | null;
  lift: number | null;
  /** More lines for the tooltip. */
  details?: [string, string][];
}

export function ShareBars({ id, data, segmentName, measure, maxLabel = 20 }: { id: string; data: ShareDatum[]; segmentName: string; measure: string; maxLabel?: number }) {
  const rows = data.map((d) => ({ ...d, share: d.share ?? 0, baseShare: d.baseShare ?? 0 }));
  const top = Math.max(0.01, ...rows.map((d) => Math.max(d.share, d.baseShare)));
  return (
    <div data-testid={`share-bars-${id}`} data-rows={data.length}>
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `${measure}: ${segmentName} against all customers`,
              height: Math.max(200, data.length * 44 + 80),
              margin: { top: 4, right: 16, bottom: 24, left: 4 },
              layout: "rows",
              categories: rows.map((d) => d.label),
              xAxis: { size: 156, chars: maxLabel },
              valueAxis: { domain: top > 0.5 ? [0, 1] : undefined, format: percentTick(top), label: `${measure} (%)` },
              bars: [
                { name: segmentName, colour: SEGMENT_COLOUR, values: rows.map((d) => d.share) },
                { name: "All customers", colour: BASE_COLOUR, values: rows.map((d) => d.baseShare) },
              ],
              bandPadding: 0.2,
              legend: [
                { name: truncate(segmentName, 28), colour: SEGMENT_COLOUR },
                { name: "All customers", colour: BASE_COLOUR },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(200, data.length * 44 + 80)}>
          <BarChart layout="vertical" data={rows} margin={{ top: 4, right: 16, bottom: 24, left: 4 }} barCategoryGap="20%" barGap={1}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              domain={[0, top > 0.5 ? 1 : "auto"]}
              niceTicks="snap125"
              tickFormatter={percentTick(top)}
              fontSize={AXIS_FONT}
              label={{ value: `${measure} (%)`, position: "insideBottom", offset: -14, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="label" width={156} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={maxLabel} />} />
            <Tooltip
              cursor={{ fill: "rgb(79 70 229 / 8%)" }}
              content={({ active, payload }: TooltipContentProps) => {
                const d = payload?.[0]?.payload as ShareDatum | undefined;
                if (!active || !d) return null;
                return (
                  <TipBox
                    title={d.label}
                    rows={[
                      [segmentName, formatShare(d.share), SEGMENT_COLOUR],
                      ["All customers", formatShare(d.baseShare), BASE_COLOUR],
                      ["Lift", liftText(d.lift)],
                      ...(d.details ?? []),
                    ]}
                  />
                );
              }}
            />
            <Legend verticalAlign="top" height={26} iconType="square" wrapperStyle={{ fontSize: AXIS_FONT }} itemSorter={segmentFirst} />
            <Bar dataKey="share" name={truncate(segmentName, 28)} fill={SEGMENT_COLOUR} isAnimationActive={false} />
            <Bar dataKey="baseShare" name="All customers" fill={BASE_COLOUR} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

// --- Histogram of a measure in the segment against the base, on the same bins ---

export interface DistributionDatum {
  label: string;
  /** The bin's exact edges, for the tooltip. */
  range: string;
  share: number;
  baseShare: number;
  customers: number;
  baseCustomers: number;
}

export function DistributionChart({ id, data, segmentName, xLabel }: { id: string; data: DistributionDatum[]; segmentName: string; xLabel: string }) {
  const top = Math.max(0.01, ...data.map((d) => Math.max(d.share, d.baseShare)));
  return (
    <div data-testid={`distribution-${id}`} data-bins={data.length}>
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `${xLabel}: share of ${segmentName}'s customers and of all customers per bin`,
              height: 290,
              margin: { top: 4, right: 8, bottom: 28, left: 4 },
              layout: "columns",
              categories: data.map((d) => d.label),
              xAxis: { size: 58, rotate: true, label: xLabel },
              valueAxis: { size: 48, format: percentTick(top), label: "Customers (%)" },
              bars: [
                { name: segmentName, colour: SEGMENT_COLOUR, values: data.map((d) => d.share) },
                { name: "All customers", colour: BASE_COLOUR, values: data.map((d) => d.baseShare) },
              ],
              bandPadding: 0.12,
              legend: [
                { name: truncate(segmentName, 28), colour: SEGMENT_COLOUR },
                { name: "All customers", colour: BASE_COLOUR },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={290}>
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 28, left: 4 }} barCategoryGap="12%" barGap={0}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis
              dataKey="label"
              fontSize={AXIS_FONT}
              angle={-40}
              textAnchor="end"
              height={58}
              interval="preserveStartEnd"
              minTickGap={4}
              label={{ value: xLabel, position: "insideBottom", offset: -20, fontSize: AXIS_FONT }}
            />
            <YAxis
              fontSize={AXIS_FONT}
              width={48}
              niceTicks="snap125"
              tickFormatter={percentTick(top)}
              label={{ value: "Customers (%)", angle: -90, position: "insideLeft", fontSize: AXIS_FONT, style: { textAnchor: "middle" } }}
            />
            <Tooltip
              cursor={{ fill: "rgb(79 70 229 / 8%)" }}
              content={({ active, payload }: TooltipContentProps) => {
                const d = payload?.[0]?.payload as DistributionDatum | undefined;
                if (!active || !d) return null;
                return (
                  <TipBox
                    title={d.range}
                    rows={[
                      [segmentName, `${formatShare(d.share)} (${d.customers.toLocaleString("en-GB")})`, SEGMENT_COLOUR],
                      ["All customers", `${formatShare(d.baseShare)} (${d.baseCustomers.toLocaleString("en-GB")})`, BASE_COLOUR],
                    ]}
                  />
                );
              }}
            />
            <Legend verticalAlign="top" height={26} iconType="square" wrapperStyle={{ fontSize: AXIS_FONT }} itemSorter={segmentFirst} />
            <Bar dataKey="share" name={truncate(segmentName, 28)} fill={SEGMENT_COLOUR} isAnimationActive={false} />
            <Bar dataKey="baseShare" name="All customers" fill={BASE_COLOUR} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}
