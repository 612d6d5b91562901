import { existsSync, mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { sign } from "../../src/tiw/signing.js";
import { answered, callbackKey, card, focused, sdkAppId, stack, startStandIn, startTask, stepOf, tabTo, waitMs } from "./dashboard-stack.js";
import { lowContrast } from "./low-contrast.js";

const artifacts = new URL("../../test-results/", import.meta.url);

describe("the dashboard in Chromium", () => {
  it("opens on settings with the key masked and an empty state that says what to do first", async () => {
    const { page, open, standIn } = await stack();
    await open();
    await expect.poll(() => page.locator('[data-setting="callback"]').textContent()).toContain("/tiw/callback");
    expect(await page.locator('[data-setting="callbackKey"]').textContent()).toBe("****ey (masked)");
    expect(await page.locator('[data-setting="sdkAppId"]').textContent()).toBe(String(sdkAppId));
    expect(await page.locator('[data-setting="timeScale"]').textContent()).toBe("×1, real time");
    expect(await page.locator('[data-setting="journal"]').textContent()).toContain(".db");
    const empty = page.locator("#empty");
    expect(await empty.isVisible()).toBe(true);
    expect(await empty.textContent()).toContain("npx tiw-push-kit receiver --port 4020 --key my-key");
    expect(await empty.textContent()).toContain(`The callback URL is set: ${standIn.api.settings().callback}`);
    // The key never reaches the page.
    expect(await page.content()).not.toContain(callbackKey);
  });

  it("starts and stops a task: its timeline reaches USER_CALL with the delivery's 200, and shows the signed payload", async () => {
    const { page, open, standIn, receiver } = await stack();
    await open();
    const taskId = await startTask(page);
    const task = card(page, taskId);
    await answered(stepOf(task, '[data-kind="started"]'), 200);
    await task.getByRole("button", { name: `Stop task ${taskId}` }).click();
    const stopped = stepOf(task, '[data-reason="USER_CALL"]');
    await answered(stopped, 200);
    expect(await task.locator(".badge").first().textContent()).toBe("STOPPED · USER_CALL");
    expect(await stepOf(task, "").locator(".step-label").allTextContents()).toEqual(["Start", "PUSHING", "USER_CALL"]);
    // What the page shows is what happened.
    expect(standIn.api.task(taskId)?.describe).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });
    expect(receiver.tasks.get(taskId)).toMatchObject({ Status: "STOPPED", FinishReason: "USER_CALL" });

    await stopped.getByRole("button", { name: /^Payload/ }).click();
    const dialog = page.getByRole("dialog", { name: `Payload of ${taskId}.stopped` });
    await dialog.waitFor();
    expect(await dialog.locator("#payload-verdict").textContent()).toMatch(/^✓ Verifies with the configured key/);
    const shown = (await dialog.locator("pre").textContent()) ?? "";
    const event = JSON.parse(shown) as WhiteboardPushEvent;
    expect(event).toMatchObject({ EventType: "WhiteboardPushStopped", EventData: { TaskId: taskId, FinishReason: "USER_CALL" } });
    expect(event.Sign).toBe(sign(callbackKey, event.ExpireTime ?? 0));
    expect(shown).toContain('\n  "EventData": {\n    "TaskId"');
    await dialog.getByRole("button", { name: "Copy JSON" }).click();
    await expect.poll(() => dialog.locator("#copy-status").textContent()).toBe("Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-focus"))).toBe(`payload:${taskId}.stopped`);
  });

  it("injects an exception and shows EXCEPTION with its error", async () => {
    const { page, open } = await stack();
    await open();
    const taskId = await startTask(page);
    const task = card(page, taskId);
    await answered(stepOf(task, '[data-kind="started"]'), 200);
    await task.getByRole("button", { name: `Inject exception task ${taskId}` }).click();
    await answered(stepOf(task, '[data-reason="EXCEPTION"]'), 200);
    expect(await task.locator(".badge").first().textContent()).toBe("STOPPED · EXCEPTION");
    expect(await task.locator(".meta").textContent()).toContain("ExceptionCnt 1");
    expect(await task.locator(".meta").textContent()).toContain("Error FailedOperation.WhiteboardPush");
    expect(await task.getByRole("button", { name: /^Stop/ }).count()).toBe(0);
  });

  it("times a task out, shows the retries of a callback the receiver refused, and resends it", async () => {
    const { page, open, unavailable } = await stack();
    await open();
    const taskId = await startTask(page);
    const task = card(page, taskId);
    await answered(stepOf(task, '[data-kind="started"]'), 200);
    unavailable.next = -1;
    await task.getByRole("button", { name: `Time out task ${taskId}` }).click();
    const auto = stepOf(task, '[data-reason="AUTO"]');
    await auto.locator(".badge", { hasText: "failed" }).waitFor({ timeout: waitMs });
    expect(await auto.locator(".attempt").allTextContents()).toEqual([expect.stringMatching(/^attempt 1: HTTP 503 /), expect.stringMatching(/^attempt 2: HTTP 503 /)]);
    expect(await auto.locator(".retries").textContent()).toBe("1 retry");
    unavailable.next = 0;
    await auto.getByRole("button", { name: `Resend WhiteboardPushStopped of task ${taskId}` }).click();
    const resent = auto.locator(".delivery", { hasText: "resent" });
    await resent.locator(".badge", { hasText: "delivered" }).waitFor({ timeout: waitMs });
    expect(await resent.locator(".attempt").allTextContents()).toEqual([expect.stringMatching(/^attempt 1: HTTP 200 /)]);
  });

  it("shows the same history after a reload, and after a restart of the stand-in on the same journal", async () => {
    const first = await stack();
    const { page, open } = first;
    await open();
    const stoppedId = await startTask(page);
    await answered(stepOf(card(page, stoppedId), '[data-kind="started"]'), 200);
    await card(page, stoppedId).getByRole("button", { name: `Stop task ${stoppedId}` }).click();
    const failedId = await startTask(page);
    await answered(stepOf(card(page, failedId), '[data-kind="started"]'), 200);
    await card(page, failedId).getByRole("button", { name: `Inject exception task ${failedId}` }).click();
    await answered(stepOf(card(page, stoppedId), '[data-reason="USER_CALL"]'), 200);
    await answered(stepOf(card(page, failedId), '[data-reason="EXCEPTION"]'), 200);
    const before = await history(page);
    expect(before.map((task) => task.id)).toEqual([failedId, stoppedId]);

    await page.reload();
    await page.getByText("● Live").waitFor();
    await expect.poll(() => history(page), { timeout: waitMs }).toEqual(before);

    await first.standIn.close();
    const again = await startStandIn(first.standIn.api.settings().callback, first.journal);
    await open(again);
    await expect.poll(() => history(page), { timeout: waitMs }).toEqual(before.map((task) => ({ ...task, earlierRun: true })));
    expect(await card(page, stoppedId).getByText("From an earlier run of the stand-in").count()).toBe(1);
    expect(await card(page, stoppedId).getByRole("button").allTextContents()).toEqual(["Payload of WhiteboardPushStarted of task " + stoppedId, "Payload of WhiteboardPushStopped of task " + stoppedId]);
  });

  it("works with the keyboard alone, names every control, and keeps text readable", async () => {
    const { page, open } = await stack();
    await open();
    await tabTo(page, /^start-task$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("li.task").count(), { timeout: waitMs }).toBe(1);
    const taskId = (await page.locator("li.task").getAttribute("data-task")) ?? "";
    await answered(stepOf(card(page, taskId), '[data-kind="started"]'), 200);
    await tabTo(page, new RegExp(`^stop:${taskId}$`));
    await page.keyboard.press("Enter");
    await answered(stepOf(card(page, taskId), '[data-reason="USER_CALL"]'), 200);
    // The Stop button is gone with the push; the focus stays on the task rather than falling to the page.
    expect(await focused(page)).toBe(`task:${taskId}`);
    await tabTo(page, new RegExp(`^payload:${taskId}\\.started$`));
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    expect(await focused(page)).toBe("copy-payload");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await focused(page)).toBe(`payload:${taskId}.started`);

    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, [tabindex='0']")]
        .filter((element) => {
          const labelled = element instanceof HTMLInputElement ? (element.labels?.length ?? 0) > 0 : (element.textContent ?? "").trim() !== "";
          return !labelled && !element.getAttribute("aria-label");
        })
        .map((element) => element.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
  });

  it("looks right after a mixed run: saves a screenshot as a test artifact", async () => {
    // No journal file: its temporary path would show in the picture.
    const { page, open, unavailable } = await stack(":memory:");
    await open();
    const outcomes: Array<[string, string]> = [
      ["Stop", "USER_CALL"],
      ["Time out", "AUTO"],
      ["Inject exception", "EXCEPTION"],
    ];
    for (const [button, reason] of outcomes) {
      const taskId = await startTask(page);
      await answered(stepOf(card(page, taskId), '[data-kind="started"]'), 200);
      // The receiver is down for the AUTO callback (it fails, then is resent) and briefly for the EXCEPTION one (one retry).
      unavailable.next = reason === "AUTO" ? 2 : reason === "EXCEPTION" ? 1 : 0;
      await card(page, taskId).getByRole("button", { name: `${button} task ${taskId}` }).click();
      const end = stepOf(card(page, taskId), `[data-reason="${reason}"]`);
      if (reason === "AUTO") {
        await end.getByRole("button", { name: /^Resend/ }).click();
        await end.locator(".delivery", { hasText: "resent" }).locator(".badge", { hasText: "delivered" }).waitFor({ timeout: waitMs });
      } else await answered(end, 200);
    }
    const pushing = await startTask(page);
    await answered(stepOf(card(page, pushing), '[data-kind="started"]'), 200);
    await page.getByLabel("Callbacks", { exact: true }).fill("5");
    await page.getByRole("button", { name: "Send a chaos burst" }).click();
    await page.locator("li.burst").getByText("all 5 answered as expected").waitFor({ timeout: waitMs });
    expect(await page.locator(".retries").allTextContents()).toEqual(["1 retry", "1 retry"]);
    expect(await page.locator(".badge", { hasText: /^failed$/ }).count()).toBe(1);
    expect(await lowContrast(page)).toEqual([]);
    // From the top, as the page opens: the tasks' heading sticks to wherever the page is scrolled.
    await page.mouse.move(5, 5);
    await page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: new URL("dashboard.png", artifacts).pathname, fullPage: true });
    expect(existsSync(new URL("dashboard.png", artifacts))).toBe(true);
  });
});

/** What the page shows of each task: id, status, steps and the answers to their callbacks. */
function history(page: Page) {
  return page.locator("li.task").evaluateAll((cards) =>
    cards.map((task) => ({
      id: task.getAttribute("data-task"),
      status: task.getAttribute("data-status"),
      reason: task.getAttribute("data-reason"),
      steps: [...task.querySelectorAll(".step:not(.upcoming)")].map((step) => [step.querySelector(".step-label")?.textContent, step.querySelector("time")?.getAttribute("datetime"), [...step.querySelectorAll(".attempt")].map((attempt) => attempt.textContent)]),
      ...(task.textContent?.includes("earlier run") ? { earlierRun: true } : {}),
    })),
  );
}
