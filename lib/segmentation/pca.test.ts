import { describe, expect, test } from "vitest";
import { covarianceMatrix, pca, project, symmetricEigen } from "./pca";

/**
 * Expected values from numpy 1.24 (python3):
 *   C = np.cov(X - X.mean(0), rowvar=False); w, V = np.linalg.eigh(C), sorted by decreasing w,
 *   each eigenvector's largest absolute entry made positive (scikit-learn's svd_flip on the components),
 *   projections (X - mean) @ V[:2].T; the same as np.linalg.svd of the centred X (up to sign).
 */
const X = [
  [2.5, 2.4, 1.0], [0.5, 0.7, 2.1], [2.2, 2.9, 0.3], [1.9, 2.2, 1.7], [3.1, 3.0, 0.2],
  [2.3, 2.7, 1.1], [2.0, 1.6, 2.5], [1.0, 1.1, 1.9], [1.5, 1.6, 0.8], [1.1, 0.9, 2.2],
];
const NUMPY = {
  values: [1.735506452048299, 0.222058863709583, 0.035101350908784],
  ratio: [0.87094669724739, 0.111438037994103, 0.017615264758506],
  components: [
    [0.555058890855697, 0.629325931933152, -0.543928762871127],
    [0.55494302052655, 0.206947057997064, 0.805736407986649],
    [-0.61963527308483, 0.749080627558095, 0.23437222908497],
  ],
  projection: [
    [0.898053271228703, 0.178134907546954], [-1.880240233927287, -0.397251083315841], [1.426948703948359, -0.448889955203133],
    [0.058402616318866, 0.367795169222266], [2.043827175198914, -0.009320171728196], [0.921446396350397, 0.209804061639429],
    [-0.698830064052356, 0.943710362866002], [-1.242194663151953, -0.19814803145107], [-0.051680612599289, -0.703513040974577],
    [-1.475732589314352, 0.057677781398167],
  ],
};

const close = (actual: number[], expected: number[], digits = 12) => actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, digits));

describe("pca", () => {
  test("gives numpy's eigenvalues, explained variance ratios, components and projections", () => {
    const model = pca(X, 3);
    close(model.explainedVariance, NUMPY.values);
    close(model.explainedVarianceRatio, NUMPY.ratio);
    model.components.forEach((c, i) => close(c, NUMPY.components[i]!));
    const points = project(X, pca(X, 2));
    points.forEach((p, i) => close(p, NUMPY.projection[i]!));
  });

  test("the covariance matrix is numpy.cov's (n − 1), and eigenvectors are orthonormal", () => {
    const mean = [1.81, 1.91, 1.38];
    const c = covarianceMatrix(X, mean);
    expect(c[0]![0]).toBeCloseTo(0.6165555555555556, 12);
    expect(c[0]![1]).toBeCloseTo(c[1]![0]!, 15);
    const { vectors } = symmetricEigen(c);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = vectors[i]!.reduce((s, x, k) => s + x * vectors[j]![k]!, 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  test("a diagonal matrix keeps its axes, sorted by variance; a line has all its variance on one component", () => {
    const { values, vectors } = symmetricEigen([[1, 0, 0], [0, 5, 0], [0, 0, 3]]);
    expect(values).toEqual([5, 3, 1]);
    expect(vectors.map((v) => v.map(Math.abs))).toEqual([[0, 1, 0], [0, 0, 1], [1, 0, 0]]);

    const line = Array.from({ length: 20 }, (_, i) => [i, -2 * i]);
    const model = pca(line);
    close(model.explainedVarianceRatio, [1, 0]);
    // The largest loading (−2 / √5 on the second feature) is made positive.
    close(model.components[0]!, [-1 / Math.sqrt(5), 2 / Math.sqrt(5)]);
  });

  test("one feature gives one component; bad rows are refused", () => {
    const model = pca([[1], [2], [4]], 2);
    expect(model.components).toEqual([[1]]);
    expect(project([[2]], model)[0]![0]).toBeCloseTo(2 - 7 / 3, 12);
    expect(() => pca([])).toThrow(RangeError);
    expect(() => pca([[1, 2], [3]])).toThrow(RangeError);
    expect(() => pca([[1, Number.NaN]])).toThrow(RangeError);
  });
});
