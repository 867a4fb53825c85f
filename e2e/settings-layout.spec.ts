import { expect, test } from "@playwright/test";

/**
 * Settings' "Viewers may download data" checkbox sits beside its label, as the
 * other form controls do. It stood far left of its text at 1440 and 390 px:
 * the inline form's rule for text inputs (width: 100%) stretched it.
 */
for (const [width, height] of [
  [1440, 900],
  [390, 844],
] as const) {
  test(`the viewers' download checkbox is beside its label at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto("/settings");
    const box = page.getByTestId("viewers-may-export");
    await expect(box).toBeVisible();
    const checkbox = (await box.boundingBox())!;
    // The label's text, first line: a Range over the label's text nodes (the checkbox is not text).
    const text = await box.evaluate((input) => {
      const range = document.createRange();
      range.selectNodeContents(input.closest("label")!);
      range.setStartAfter(input);
      const first = [...range.getClientRects()].find((r) => r.width > 0)!;
      return { x: first.x, y: first.y, height: first.height };
    });
    // Chromium draws the box as a square at the left of the input's box, however wide that is: the text starts a few px after it.
    const gap = text.x - (checkbox.x + checkbox.height);
    expect(gap, "px between the checkbox's square and its text").toBeGreaterThanOrEqual(0);
    expect(gap, "px between the checkbox's square and its text").toBeLessThanOrEqual(16);
    expect(checkbox.width, "the checkbox is not stretched").toBeLessThanOrEqual(checkbox.height + 8);
    // On the text's first line.
    const middle = checkbox.y + checkbox.height / 2;
    expect(middle).toBeGreaterThanOrEqual(text.y);
    expect(middle).toBeLessThanOrEqual(text.y + text.height);
  });
}
