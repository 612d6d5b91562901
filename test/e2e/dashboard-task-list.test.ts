import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { TiwApiServer } from "../../src/server/serve-tiw-api.js";
import { card, focused, stack, tabTo, waitMs } from "./dashboard-stack.js";
import { lowContrast } from "./low-contrast.js";

const newTasks = (page: Page) => page.getByRole("button", { name: /new tasks? — show/ });

/** Starts a task as a backend would (not from the page) and waits until the page counts it. */
async function backendStarts(page: Page, standIn: TiwApiServer): Promise<string> {
  const { taskId } = standIn.api.createTask();
  const count = standIn.api.tasks().length;
  await expect.poll(() => page.locator("#task-count").textContent(), { timeout: waitMs }).toBe(`(${count})`);
  return taskId;
}

/** Where a task's heading is on the screen, read at once: cards are rebuilt as their task changes. */
async function topOf(page: Page, taskId: string): Promise<number> {
  const top = await page.evaluate((id) => document.querySelector(`li.task[data-task="${id}"] h3`)?.getBoundingClientRect().top, taskId);
  if (top === undefined) throw new Error(`task ${taskId} is not shown`);
  return top;
}

describe("the task list in Chromium", () => {
  it("does not move the task under the pointer when a new one arrives: it announces it, and shows it when asked", async () => {
    const { page, open, standIn } = await stack();
    await open();
    const first = await backendStarts(page, standIn);
    await card(page, first).locator("h3").hover();
    const before = await topOf(page, first);

    const second = await backendStarts(page, standIn);
    expect(await topOf(page, first)).toBe(before);
    expect(await card(page, second).count()).toBe(0);
    expect(await newTasks(page).textContent()).toBe("1 new task — show");
    expect(await newTasks(page).evaluate((button) => button.closest("[aria-live]")?.getAttribute("aria-live"))).toBe("polite");
    const third = await backendStarts(page, standIn);
    expect(await newTasks(page).textContent()).toBe("2 new tasks — show");
    expect(await topOf(page, first)).toBe(before);
    expect(await lowContrast(page)).toEqual([]);

    await newTasks(page).click();
    expect(await page.locator("li.task").evaluateAll((tasks) => tasks.map((task) => task.getAttribute("data-task")))).toEqual([third, second, first]);
    expect(await newTasks(page).count()).toBe(0);
    expect(await focused(page)).toBe(`task:${third}`);
  });

  it("shows the waiting tasks once the pointer leaves the list", async () => {
    const { page, open, standIn } = await stack();
    await open();
    const first = await backendStarts(page, standIn);
    await card(page, first).hover();
    const second = await backendStarts(page, standIn);
    await newTasks(page).waitFor({ timeout: waitMs });
    await page.getByRole("heading", { name: "Settings" }).hover();
    await card(page, second).waitFor({ timeout: waitMs });
    expect(await newTasks(page).count()).toBe(0);
  });

  it("keeps a keyboard user's focus and place while tasks arrive, and lets them show the new ones", async () => {
    const { page, open, standIn } = await stack();
    await open();
    const first = await backendStarts(page, standIn);
    await page.mouse.move(5, 5);
    await tabTo(page, new RegExp(`^stop:${first}$`));
    const before = await topOf(page, first);
    const second = await backendStarts(page, standIn);
    await newTasks(page).waitFor({ timeout: waitMs });
    expect(await focused(page)).toBe(`stop:${first}`);
    expect(await topOf(page, first)).toBe(before);
    expect(await card(page, second).count()).toBe(0);

    await tabTo(page, /^show-new-tasks$/, "Shift+Tab");
    await page.keyboard.press("Enter");
    await card(page, second).waitFor();
    expect(await focused(page)).toBe(`task:${second}`);
  });

  it("keeps what a user who scrolled down reads in place, with the notice in view, until they are back at the top", async () => {
    const { page, open, standIn } = await stack();
    await open();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await backendStarts(page, standIn));
    // Every card at its final height: a card the user reads may grow, moving what is below it.
    await expect.poll(() => page.locator('li.task[data-status="PUSHING"] .badge', { hasText: "delivered" }).count(), { timeout: waitMs }).toBe(5);
    await page.mouse.move(5, 5);
    await page.evaluate(() => window.scrollTo(0, 400));
    // The third card from the top, in the middle of the screen.
    const reading = ids[2] ?? "";
    const before = await topOf(page, reading);
    const arrived = await backendStarts(page, standIn);
    await newTasks(page).waitFor({ timeout: waitMs });
    expect(await topOf(page, reading)).toBe(before);
    expect(await newTasks(page).isVisible()).toBe(true);
    const box = await newTasks(page).boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 900).toBe(true);

    await page.evaluate(() => window.scrollTo(0, 0));
    await card(page, arrived).waitFor({ timeout: waitMs });
    expect(await page.locator("li.task").first().getAttribute("data-task")).toBe(arrived);
  });
});
