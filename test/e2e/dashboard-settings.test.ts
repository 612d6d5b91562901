import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import type { KitProblem } from "../../src/stand-in/types.js";
import { afterThisTest, answered, callbackKey, card, focused, sdkAppId, stack, startTask, stepOf, tabTo, waitMs, type Stack } from "./dashboard-stack.js";
import { lowContrast } from "./low-contrast.js";

const editor = (page: Page) => page.locator("form#callback-form");
const setting = (page: Page, name: string) => page.locator(`[data-setting="${name}"]`);

async function openEditor(page: Page): Promise<void> {
  await page.getByText("Change the callback URL or key").click();
  await editor(page).waitFor();
}

/** What `POST /_kit/settings` answers `body` with, straight from the stand-in. */
async function apiMessage({ standIn }: Stack, body: object): Promise<string> {
  const response = await standIn.api.fetch(new Request(`${standIn.url}/_kit/settings`, { method: "POST", body: JSON.stringify(body) }));
  expect(response.status).toBe(400);
  return ((await response.json()) as KitProblem).message;
}

describe("the callback settings in Chromium", () => {
  it("points the stand-in at another receiver with another key: its callbacks verify there, and the key is never shown", async () => {
    const running = await stack();
    const { page, open, standIn } = running;
    await open();
    const otherKey = "key-typed-into-the-page-07";
    const other = createReceiver({ callbackKey: otherKey, sdkAppId });
    const otherServer = await serve(other.fetch);
    afterThisTest(() => otherServer.close());

    await openEditor(page);
    expect(await page.getByLabel("Callback URL").inputValue()).toBe(running.callbackUrl);
    expect(await page.getByLabel("Callback key").getAttribute("type")).toBe("password");
    await page.getByLabel("Callback URL").fill(`${otherServer.url}/tiw`);
    await page.getByLabel("Callback key").fill(otherKey);
    await page.getByRole("button", { name: "Save callback settings" }).click();
    await expect.poll(() => editor(page).getByRole("status").innerText(), { timeout: waitMs }).toBe(`Saved: callbacks go to ${otherServer.url}/tiw, signed with the key ****07.`);
    expect(standIn.api.callbackSettings()).toEqual({ Callback: `${otherServer.url}/tiw`, CallbackKey: otherKey });
    await expect.poll(() => setting(page, "callback").textContent()).toBe(`${otherServer.url}/tiw`);
    await expect.poll(() => setting(page, "callbackKey").textContent()).toBe("****07 (masked)");
    expect(await page.getByLabel("Callback key").inputValue()).toBe("");
    expect(await page.content()).not.toContain(otherKey);

    // The next callback goes there, signed with the key typed in the page.
    const taskId = await startTask(page);
    await answered(stepOf(card(page, taskId), '[data-kind="started"]'), 200);
    expect(other.tasks.get(taskId)).toMatchObject({ Status: "PUSHING" });
    expect(await lowContrast(page)).toEqual([]);
  });

  it("shows the API's own message for a URL that is not http(s) and for a key over 64 characters, and changes nothing", async () => {
    const running = await stack();
    const { page, open, standIn } = running;
    await open();
    await openEditor(page);
    const alert = editor(page).getByRole("alert");

    await page.getByLabel("Callback URL").fill("ftp://files.example/tiw");
    await page.getByRole("button", { name: "Save callback settings" }).click();
    const badUrl = await apiMessage(running, { callback: "ftp://files.example/tiw" });
    expect(badUrl).toContain("InvalidParameter.CallbackAddressFormatError");
    await expect.poll(() => alert.innerText(), { timeout: waitMs }).toBe(badUrl);

    await page.getByLabel("Callback URL").fill(running.callbackUrl);
    await page.getByLabel("Callback key").fill("k".repeat(65));
    await page.getByRole("button", { name: "Save callback settings" }).click();
    const longKey = await apiMessage(running, { callbackKey: "k".repeat(65) });
    await expect.poll(() => alert.innerText(), { timeout: waitMs }).toBe(longKey);
    expect(standIn.api.callbackSettings()).toEqual({ Callback: running.callbackUrl, CallbackKey: callbackKey });
    expect(await lowContrast(page)).toEqual([]);
  });

  it("edits from the keyboard alone, and removes the key", async () => {
    const { page, open, standIn } = await stack();
    await open();
    await page.mouse.move(5, 5);
    await tabTo(page, /^callback-editor$/);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("callback-url");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("callback-key");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("remove-key");
    await page.keyboard.press("Space");
    await tabTo(page, /^save-callback$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => editor(page).getByRole("status").innerText(), { timeout: waitMs }).toMatch(/^Saved: callbacks go to \S+, unsigned\.$/);
    expect(standIn.api.callbackSettings().CallbackKey).toBe("");
    await expect.poll(() => setting(page, "callbackKey").textContent()).toBe("none: callbacks go unsigned");
    expect(await focused(page)).toBe("save-callback");
  });

  it("keeps the warning when the virtual clock runs ahead of the wall clock", async () => {
    const { page, open, standIn } = await stack();
    await open();
    expect(await page.locator("[data-clock-ahead]").count()).toBe(0);
    await standIn.api.fetch(new Request(`${standIn.url}/_kit/clock/advance`, { method: "POST", body: JSON.stringify({ seconds: 1800 }) }));
    const badge = page.locator("[data-clock-ahead]");
    await badge.waitFor({ timeout: waitMs });
    expect(await badge.textContent()).toMatch(/^30 min ahead of your wall clock: task times are virtual; callbacks are signed on the wall clock$/);
    expect(await lowContrast(page)).toEqual([]);
  });
});
