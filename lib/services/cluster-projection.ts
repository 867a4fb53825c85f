import type { ClusterPoint } from "../queries/cluster-points";
import type { Scaling } from "../segmentation/scaling";
import { pca, project } from "../segmentation/pca";
import { FEATURE_KEYS, type FeatureKey } from "./segmentations";

/**
 * Customers of a k-means or hierarchical run drawn in two dimensions: the
 * (sampled) members of lib/queries/sql/cluster-points.sql (saved by the run's
 * preparation), transformed with the
 * run's own scaling (log1p where the run logged a feature, then its means and
 * standard deviations), so the points sit where the clustering saw them, then
 * projected on the first two principal components (lib/segmentation/pca.ts).
 */
export interface ProjectedPoint {
  customerId: string;
  segmentNo: number;
  x: number;
  y: number;
}

export interface ClusterProjection {
  features: FeatureKey[];
  points: ProjectedPoint[];
  /** Share of the standardised features' variance along each axis. */
  explained: [number, number];
  /** Loadings of each feature on the two axes. */
  loadings: { feature: FeatureKey; x: number; y: number }[];
  /** Customers drawn and customers in the run. */
  drawn: number;
  customers: number;
}

function isScaling(value: unknown): value is Scaling {
  const s = value as Scaling | null;
  return !!s && Array.isArray(s.features) && Array.isArray(s.logged) && Array.isArray(s.means) && Array.isArray(s.sds) && s.features.every((f) => (FEATURE_KEYS as readonly string[]).includes(f));
}

/** Standardises one customer as the run did; null when a feature is missing. */
export function standardisePoint(point: ClusterPoint, scaling: Scaling): number[] | null {
  const values: number[] = [];
  for (let j = 0; j < scaling.features.length; j++) {
    const raw = point[scaling.features[j] as FeatureKey];
    if (raw === null || raw === undefined) return null;
    const x = scaling.logged[j] ? Math.log1p(raw) : raw;
    const sd = scaling.sds[j]!;
    values.push(sd > 0 ? (x - scaling.means[j]!) / sd : 0);
  }
  return values;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Null for runs without a saved scaling (RFM runs). */
export function projectClusterPoints(points: ClusterPoint[], run: { customers: number; metrics: Record<string, unknown> }): ClusterProjection | null {
  const scaling = run.metrics.scaling;
  if (!isScaling(scaling)) return null;
  const kept: ClusterPoint[] = [];
  const data: number[][] = [];
  for (const p of points) {
    const z = standardisePoint(p, scaling);
    if (z) {
      kept.push(p);
      data.push(z);
    }
  }
  const features = scaling.features as FeatureKey[];
  if (data.length === 0) return { features, points: [], explained: [0, 0], loadings: [], drawn: 0, customers: run.customers };
  const model = pca(data, 2);
  const coordinates = project(data, model);
  return {
    features,
    points: kept.map((p, i) => ({ customerId: p.customerId, segmentNo: p.segmentNo, x: round(coordinates[i]![0]!), y: round(coordinates[i]![1] ?? 0) })),
    explained: [model.explainedVarianceRatio[0] ?? 0, model.explainedVarianceRatio[1] ?? 0],
    loadings: features.map((feature, j) => ({ feature, x: model.components[0]?.[j] ?? 0, y: model.components[1]?.[j] ?? 0 })),
    drawn: kept.length,
    customers: run.customers,
  };
}
