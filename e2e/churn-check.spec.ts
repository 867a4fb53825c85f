import { expect, test } from "@playwright/test";

/**
 * The churn check on a run's page (issue 16), on the sample dataset: the verdict names the model and the
 * signal, the three models' holdout forecasts and the tracking plot are drawn, the churn rules are judged
 * with the 90-day baseline among them, and a segment page names the signal its at-risk figure uses.
 * The API answers the same check with the model asked.
 */
test("a run's churn check: verdict, models on the holdout, tracking plot, rules; the segment names its signal", async ({ page, request }, testInfo) => {
  const { datasets } = await (await request.get("/api/datasets")).json();
  const sample = datasets.find((d: { isSample: boolean }) => d.isSample);
  const run = await (await request.post(`/api/datasets/${sample.id}/segmentations`, { data: { method: "rfm" } })).json();
  await page.goto(`/runs/${run.id}`);
  const check = page.getByTestId("churn-check");
  await expect(check).toBeVisible();
  const verdict = check.getByTestId("churn-verdict");
  await expect(verdict).toContainText("At risk means");
  const model = (await check.getByTestId("churn-model").textContent())!;
  expect(["BG/NBD", "MBG/NBD", "Pareto/NBD"]).toContain(model);
  await expect(check.getByTestId("churn-models").locator("tbody tr")).toHaveCount(4);
  await expect(check.getByTestId("churn-models").locator("tr.chosen")).toContainText(`${model} (in use)`);
  // Four lines: actual, three models (own pace is the fifth).
  await expect(check.getByTestId("tracking-chart").locator("path.recharts-line-curve")).toHaveCount(5);
  const rules = check.getByTestId("churn-rules");
  await expect(rules).toContainText("no purchase in 90 days (baseline)");
  await expect(rules.locator('tr[data-used="true"]')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath("churn-check.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // The layout settles at the new width: a condition, not a pause.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
  await check.screenshot({ path: testInfo.outputPath("churn-check-phone.png") });

  const signal = (await rules.locator('tr[data-used="true"] th').textContent())!.replace(" (in use)", "").replace(" (baseline)", "");
  await page.setViewportSize({ width: 1440, height: 900 });
  const segment = run.segments.find((s: { customers: number }) => s.customers > 0);
  await page.goto(`/runs/${run.id}/segments/${segment.no}`);
  await expect(page.getByText(`At risk (${signal})`, { exact: true })).toBeVisible();
  await expect(page.getByTestId("segment-churn-note")).toContainText(model);
  // The pages this change touched, at desktop and phone width, to look at.
  for (const [name, path] of [["segment", `/runs/${run.id}/segments/${segment.no}`], ["form", `/datasets/${sample.id}/segmentations`]] as const) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(path);
    await page.screenshot({ path: testInfo.outputPath(`${name}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // The layout settles at the new width: a condition, not a pause.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    await page.screenshot({ path: testInfo.outputPath(`${name}-phone.png`), fullPage: true });
  }
  await expect(page.getByLabel("Churn model")).toHaveValue("auto");

  const clv = await (await request.post(`/api/datasets/${sample.id}/clv`, { data: { model: "paretonbd" } })).json();
  expect(clv.model).toBe("paretonbd");
  expect(clv.models.map((m: { model: string }) => m.model)).toEqual(["bgnbd", "mbgnbd", "paretonbd"]);
  expect(Object.keys(clv.fit.params).sort()).toEqual(["alpha", "beta", "r", "s"]);
  expect(clv.churnRule).toHaveProperty("precision");
  expect(typeof clv.identified).toBe("boolean");
});
