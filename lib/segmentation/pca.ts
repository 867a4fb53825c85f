/**
 * Principal component analysis of a small number of features (the d × d
 * covariance matrix, d ≤ a dozen), for drawing customers in two dimensions.
 * The eigenvectors come from the cyclic Jacobi method on the sample
 * covariance (n − 1 denominator, as numpy.cov and scikit-learn's
 * explained_variance_), sorted by decreasing variance. Signs follow
 * scikit-learn's svd_flip on the components: each component's largest
 * absolute loading is positive, so the same data always gives the same picture.
 * Plain arrays in, plain arrays out: no framework, no I/O.
 */
export interface PcaModel {
  /** Mean of each feature (the centre the components go through). */
  mean: number[];
  /** Unit-length components, one row per component, each of d loadings. */
  components: number[][];
  /** Variance along each component (eigenvalues of the covariance). */
  explainedVariance: number[];
  /** Share of the total variance along each component. */
  explainedVarianceRatio: number[];
}

/** Sample covariance matrix (n − 1 denominator) of rows of d features around `mean`. */
export function covarianceMatrix(data: readonly (readonly number[])[], mean: readonly number[]): number[][] {
  const d = mean.length;
  const n = data.length;
  const c = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const row of data) {
    for (let i = 0; i < d; i++) {
      const di = row[i]! - mean[i]!;
      for (let j = i; j < d; j++) c[i]![j]! += di * (row[j]! - mean[j]!);
    }
  }
  const denominator = n > 1 ? n - 1 : 1;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      c[i]![j]! /= denominator;
      c[j]![i] = c[i]![j]!;
    }
  }
  return c;
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations,
 * sorted by decreasing eigenvalue; `vectors[i]` belongs to `values[i]`.
 */
export function symmetricEigen(matrix: readonly (readonly number[])[], maxSweeps = 100): { values: number[]; vectors: number[][] } {
  const d = matrix.length;
  const a = matrix.map((row) => [...row]);
  // v's columns are the eigenvectors.
  const v: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        // The rotation that zeroes a[p][q] (Numerical Recipes' stable form).
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return { values: order.map((i) => a[i]![i]!), vectors: order.map((i) => v.map((row) => row[i]!)) };
}

/** The first `components` principal components of rows of d features. */
export function pca(data: readonly (readonly number[])[], components = 2): PcaModel {
  if (data.length === 0) throw new RangeError("PCA needs at least one row");
  const d = data[0]!.length;
  if (d === 0 || data.some((row) => row.length !== d || row.some((x) => !Number.isFinite(x)))) throw new RangeError("every row needs the same number of finite values");
  const mean = Array.from({ length: d }, (_, j) => data.reduce((s, row) => s + row[j]!, 0) / data.length);
  const { values, vectors } = symmetricEigen(covarianceMatrix(data, mean));
  const total = values.reduce((s, x) => s + Math.max(x, 0), 0);
  const keep = Math.min(components, d);
  const flipped = vectors.slice(0, keep).map((vector) => {
    let largest = 0;
    for (let j = 1; j < d; j++) if (Math.abs(vector[j]!) > Math.abs(vector[largest]!)) largest = j;
    return vector[largest]! < 0 ? vector.map((x) => -x) : vector;
  });
  const explainedVariance = values.slice(0, keep).map((x) => Math.max(x, 0));
  return { mean, components: flipped, explainedVariance, explainedVarianceRatio: explainedVariance.map((x) => (total > 0 ? x / total : 0)) };
}

/** Coordinates of rows on the model's components. */
export function project(data: readonly (readonly number[])[], model: PcaModel): number[][] {
  return data.map((row) => model.components.map((component) => component.reduce((s, loading, j) => s + loading * (row[j]! - model.mean[j]!), 0)));
}
