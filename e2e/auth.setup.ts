import { expect, test as setup } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./accounts";

/**
 * The server starts on an empty database without ADMIN_EMAIL: the first visit
 * goes to the setup page, which creates the admin. The other specs run signed
 * in as that admin (their storage state).
 */
setup("a fresh install sends the first visitor to the setup page, which creates the admin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Segmenta" })).toBeVisible();
  const form = page.getByTestId("setup-form");
  await form.getByLabel("Email").fill(ADMIN.email);
  await form.locator("input[name=password]").fill("too short");
  await form.locator("input[name=confirm]").fill("too short");
  await form.getByRole("button", { name: "Create the admin account" }).click();
  await expect(form.getByTestId("auth-error")).toContainText("at least 10 characters");
  await form.locator("input[name=password]").fill(ADMIN.password);
  await form.locator("input[name=confirm]").fill(ADMIN.password);
  await form.getByRole("button", { name: "Create the admin account" }).click();
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
  // Setup is done: the page now sends people to sign in.
  const again = await page.context().browser()!.newPage();
  await again.goto("/setup");
  await expect(again).toHaveURL(/\/login$/);
  await again.close();
  await page.context().storageState({ path: ADMIN_STATE });
});
