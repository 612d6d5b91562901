import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { focused, stack, tabTo, waitMs } from "./dashboard-stack.js";
import { lowContrast } from "./low-contrast.js";

const sendButton = (page: Page) => page.getByRole("button", { name: "Send a chaos burst" });
/** The panel that holds the chaos burst form: where its result must appear. */
const burstPanel = (page: Page) => page.locator(".panel", { has: sendButton(page) });
/** What the page shows to a sighted user, hidden elements left out. */
const shownText = (page: Page) => page.locator("body").innerText();

/** Each callback of the burst result next to the form: fault, expected, answer (status only), result. */
function verdictRows(page: Page) {
  return burstPanel(page)
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell, index) => (index === 2 ? (cell.textContent ?? "").split(" · ")[0] : cell.textContent))));
}

describe("a chaos burst in Chromium", () => {
  it("sends the faults to the reference receiver, which refuses every forgery and takes the valid callbacks", async () => {
    const { page, open } = await stack();
    await open();
    await sendButton(page).click();
    const burst = page.locator("li.burst").first();
    await burst.getByText("all 10 answered as expected").waitFor({ timeout: waitMs });
    const answers = await burst.locator("tbody tr").evaluateAll((rows) => rows.map((row) => [row.getAttribute("data-fault"), row.children[3]?.textContent?.split(" · ")[0]]));
    expect(answers.slice(0, 5)).toEqual([
      ["bad-sign", "HTTP 401"],
      ["expired", "HTTP 401"],
      ["wrong-app", "HTTP 403"],
      ["malformed", "HTTP 400"],
      ["unknown-fields", "HTTP 200"],
    ]);
    await burst.locator('tr[data-fault="bad-sign"]').first().getByRole("button", { name: /^Payload/ }).click();
    await page.getByRole("dialog").waitFor({ timeout: waitMs });
    expect(await page.locator("#payload-verdict").textContent()).toMatch(/^✗ Does not verify with the configured key \(bad_signature\)/);
  });

  it("says it is sending while callbacks are unanswered, and stops saying so when the last one is answered", async () => {
    const { page, open, hold, standIn } = await stack();
    await open();
    const release = hold();
    await sendButton(page).click();
    await expect.poll(() => shownText(page), { timeout: waitMs }).toMatch(/sending 10 callbacks/i);
    release();
    await standIn.api.settled();
    // Gone from the whole page, not only from the form: nothing still claims to be sending.
    await expect.poll(() => shownText(page), { timeout: 2000 }).not.toMatch(/sending/i);
    expect(await burstPanel(page).getByRole("status").innerText()).toBe("✓ All 10 answered as expected.");
  });

  it("shows the progress and verdict of each callback next to the form the user pressed, in view", async () => {
    const { page, open, hold, standIn } = await stack();
    await open();
    // Tasks above the bursts list push it far below the form.
    for (let index = 0; index < 3; index++) standIn.api.createTask();
    await expect.poll(() => page.locator("li.task").count(), { timeout: waitMs }).toBe(3);
    const release = hold();
    await sendButton(page).click();
    await expect.poll(() => burstPanel(page).innerText(), { timeout: waitMs }).toMatch(/Sending 10 callbacks…\s+0 of 10 answered/);
    release();
    await standIn.api.settled();
    await expect.poll(() => verdictRows(page), { timeout: waitMs }).toEqual(
      [1, 2].flatMap(() => [
        ["bad-sign", "a 4xx", "HTTP 401", "✓ as expected"],
        ["expired", "a 4xx", "HTTP 401", "✓ as expected"],
        ["wrong-app", "a 4xx", "HTTP 403", "✓ as expected"],
        ["malformed", "a 4xx", "HTTP 400", "✓ as expected"],
        ["unknown-fields", "200", "HTTP 200", "✓ as expected"],
      ]),
    );
    const { gap, bottom, viewport, sameColumn } = await page.evaluate(() => {
      const button = document.querySelector("#send-burst")?.getBoundingClientRect();
      const result = document.querySelector("#burst-result")?.getBoundingClientRect();
      if (!button || !result) throw new Error("no button or result");
      return { gap: result.top - button.bottom, bottom: result.bottom, viewport: innerHeight, sameColumn: result.left < button.right && result.right > button.left };
    });
    expect(sameColumn).toBe(true);
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(40);
    expect(bottom).toBeLessThanOrEqual(viewport);
    // The burst stays in the list of bursts too, linked from the result.
    const link = burstPanel(page).getByRole("link", { name: /details and payloads/i });
    expect(await link.getAttribute("href")).toBe(`#${await page.locator("li.burst").first().locator("h3").getAttribute("id")}`);
    expect(await lowContrast(page)).toEqual([]);
  });

  it("marks each callback a receiver did not answer as a correct one would", async () => {
    const { page, open, unavailable, standIn } = await stack();
    await open();
    unavailable.next = -1;
    await page.getByLabel("Callbacks", { exact: true }).fill("5");
    await sendButton(page).click();
    await standIn.api.settled();
    await expect.poll(() => burstPanel(page).getByRole("status").innerText(), { timeout: waitMs }).toBe("✗ 5 of 5 not answered as expected.");
    expect((await verdictRows(page)).map((row) => row.slice(2))).toEqual([
      ["HTTP 503", "✗ forgery not refused with a 4xx"],
      ["HTTP 503", "✗ forgery not refused with a 4xx"],
      ["HTTP 503", "✗ forgery not refused with a 4xx"],
      ["HTTP 503", "✗ forgery not refused with a 4xx"],
      ["HTTP 503", "✗ valid callback refused"],
    ]);
    expect(await lowContrast(page)).toEqual([]);
  });

  it("says next to the form why a burst cannot be sent, and works from the keyboard", async () => {
    const { page, open } = await stack();
    await open();
    for (const box of await burstPanel(page).getByRole("checkbox").all()) await box.uncheck();
    await tabTo(page, /^send-burst$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => burstPanel(page).getByRole("alert").innerText()).toBe("Choose at least one fault for the chaos burst.");
    expect(await focused(page)).toBe("send-burst");
    await burstPanel(page).getByRole("checkbox", { name: /wrong-app/ }).check();
    await tabTo(page, /^send-burst$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => burstPanel(page).getByRole("status").innerText(), { timeout: waitMs }).toBe("✓ All 10 answered as expected.");
    expect(await burstPanel(page).innerText()).not.toContain("Choose at least one fault");
    // The keyboard user's focus stays on the button they pressed.
    expect(await focused(page)).toBe("send-burst");
  });
});
