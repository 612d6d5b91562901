import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { stack, waitMs } from "./dashboard-stack.js";

const sendButton = (page: Page) => page.getByRole("button", { name: "Send a chaos burst" });

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
});
