import { expect, test } from "@playwright/test";

/** The segmentation API over HTTP, on the sample dataset the server loads on first start. */
test("segment the sample shop through the API: RFM, k-means with auto k, members, comparison and lifetime value", async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  const sample = datasets.find((d: { isSample: boolean }) => d.isSample);
  expect(sample).toBeTruthy();

  const rfmResponse = await request.post(`/api/datasets/${sample.id}/segmentations`, { data: { method: "rfm" } });
  expect(rfmResponse.status()).toBe(201);
  const rfm = await rfmResponse.json();
  expect(rfmResponse.headers().location).toBe(`/api/segmentations/${rfm.id}`);
  // Customers whose every line a cleaning rule leaves out (a lone cancelled order, say) are not segmented.
  expect(rfm.segments.reduce((s: number, x: { customers: number }) => s + x.customers, 0)).toBe(rfm.customers);
  expect(rfm.customers).toBeGreaterThan(sample.figures.customers * 0.95);
  expect(rfm.customers).toBeLessThanOrEqual(sample.figures.customers);

  const kmeans = await (await request.post(`/api/datasets/${sample.id}/segmentations`, { data: { method: "kmeans", k: "auto", seed: 7 } })).json();
  expect(kmeans.segments.length).toBeGreaterThanOrEqual(3);
  expect(kmeans.metrics.candidates.map((c: { k: number }) => c.k)).toEqual([3, 4, 5, 6, 7, 8]);

  expect(await (await request.get(`/api/segmentations/${rfm.id}`)).json()).toEqual(rfm);
  const champions = rfm.segments.find((s: { name: string }) => s.name === "Champions");
  const page = await (await request.get(`/api/segmentations/${rfm.id}/members?segment=Champions&pageSize=10`)).json();
  expect(page).toMatchObject({ total: champions.customers, page: 1, pageSize: 10 });
  expect(page.members.every((m: { segment: string }) => m.segment === "Champions")).toBe(true);

  const csv = await request.get(`/api/segmentations/${rfm.id}/members.csv?segment=Champions`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).trim().split("\n")).toHaveLength(champions.customers + 1);

  const comparison = await (await request.get(`/api/segmentations/${rfm.id}/compare/${kmeans.id}`)).json();
  expect(comparison.customers).toBe(rfm.customers);
  expect(typeof comparison.adjustedRandIndex).toBe("number");

  const clv = await (await request.post(`/api/datasets/${sample.id}/clv`, { data: { horizon: 12, segmentationId: rfm.id } })).json();
  expect(clv.bgnbd.r).toBeGreaterThan(0);
  expect(clv.gammaGamma.q).toBeGreaterThan(1);
  expect(clv.segments.length).toBeGreaterThan(0);
});

test("bad segmentation requests get 422 with the field named, unknown ones 404", async ({ request }) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  const id = datasets[0].id;
  const bad = await request.post(`/api/datasets/${id}/segmentations`, { data: { method: "kmeans", k: 0 } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).error).toMatchObject({ code: "invalid_parameter", field: "k" });
  const notJson = await request.post(`/api/datasets/${id}/segmentations`, { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } });
  expect(notJson.status()).toBe(422);
  expect((await notJson.json()).error).toMatchObject({ code: "invalid_json", field: "body" });
  const notObject = await request.post(`/api/datasets/${id}/segmentations`, { data: ["rfm"] });
  expect((await notObject.json()).error).toMatchObject({ code: "invalid_parameter", field: "body" });
  expect((await request.post("/api/datasets/999999/segmentations", { data: { method: "rfm" } })).status()).toBe(404);
  expect((await request.get("/api/segmentations/999999")).status()).toBe(404);
  expect((await request.get("/api/segmentations/abc/members")).status()).toBe(404);
});
