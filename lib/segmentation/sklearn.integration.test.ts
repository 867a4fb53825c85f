import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { adjustedRandIndex } from "./compare";
import { kmeansSegmentation } from "./kmeans";
import { standardise } from "./scaling";
import { createRng } from "./random";

/**
 * The clustering measures against scikit-learn (Debian's python3-sklearn), the
 * reference analysts use: same data, same labels, same numbers.
 */
const PYTHON = "/usr/bin/python3";

function sklearn(script: string, input: unknown): Record<string, number> {
  const run = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(run.error, "scikit-learn is needed: apt-get install -y python3-sklearn").toBeUndefined();
  expect(run.stderr, "scikit-learn is needed: apt-get install -y python3-sklearn").toBe("");
  return JSON.parse(run.stdout) as Record<string, number>;
}

const METRICS = `
import json, sys
import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
d = json.load(sys.stdin)
X = np.array(d["data"]); labels = np.array(d["labels"])
print(json.dumps({"ch": calinski_harabasz_score(X, labels), "db": davies_bouldin_score(X, labels), "silhouette": silhouette_score(X, labels)}))
`;

describe("against scikit-learn", () => {
  test("Calinski-Harabasz, Davies-Bouldin and silhouette of a k-means result are scikit-learn's", async () => {
    // 1,500 skewed customers in three overlapping groups: a realistic, imperfect clustering.
    const random = createRng(5);
    const rows = Array.from({ length: 1500 }, (_, i) => {
      const g = i % 3;
      return [(g + 1) * 40 * -Math.log(1 - random()), 1 + Math.floor(-Math.log(1 - random()) * (g + 1) * 2), (g + 1) * 150 * -Math.log(1 - random())];
    });
    const features = ["recencyDays", "frequency", "monetary"];
    const result = await kmeansSegmentation(features, rows, { k: 4, seed: 3 });
    const { data } = standardise(features, rows);
    const reference = sklearn(METRICS, { data, labels: result.labels });
    expect(result.quality.calinskiHarabasz).toBeCloseTo(reference.ch!, 6);
    expect(result.quality.daviesBouldin).toBeCloseTo(reference.db!, 9);
    expect(result.quality.silhouette).toBeCloseTo(reference.silhouette!, 9);
  });

  test("the adjusted Rand index is scikit-learn's", () => {
    const random = createRng(9);
    const a = Array.from({ length: 400 }, () => String(Math.floor(random() * 4)));
    const b = a.map((label) => (random() < 0.7 ? label : String(Math.floor(random() * 5))));
    const reference = sklearn(
      `import json, sys\nfrom sklearn.metrics import adjusted_rand_score\nd = json.load(sys.stdin)\nprint(json.dumps({"ari": adjusted_rand_score(d["a"], d["b"])}))`,
      { a, b },
    );
    expect(adjustedRandIndex(a, b)).toBeCloseTo(reference.ari!, 12);
  });
});
