/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the real
 * stand-in (`serveTiwApi`) and the reference receiver, both over HTTP on 127.0.0.1, ports from 0.
 * Chromium is required: without it these tests fail, naming what to install.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createReceiver, type Receiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { serveTiwApi, type TiwApiServer } from "../../src/server/serve-tiw-api.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { sign } from "../../src/tiw/signing.js";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Without the background-networking flags Chromium keeps calling out to Google's services.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const callbackKey = "e2e-callback-key";
const sdkAppId = 1400000001;
const artifacts = new URL("../../test-results/", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-e2e-"));
const waitMs = 10_000;

/** Launched once; a missing Chromium fails every test with this message, rather than skipping any. */
let browser: Promise<Browser>;
beforeAll(() => {
  browser = launchChromium();
  // Reported by each test that needs it, not here: a failed beforeAll would mark the tests skipped.
  browser.catch(() => {});
});
afterAll(async () => {
  await (await browser.catch(() => undefined))?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `tiw-push-kit e2e: no Chromium at ${executablePath}. The dashboard's browser tests need it: install Debian's (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  try {
    return await chromium.launch({ executablePath, headless: true, args: chromiumArgs, timeout: 30_000 });
  } catch (error) {
    throw new Error(`tiw-push-kit e2e: Chromium at ${executablePath} did not start: ${(error as Error).message}`, { cause: error });
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Stack {
  standIn: TiwApiServer;
  receiver: Receiver;
  /** Callbacks answered 503 from now on, until set back to 0; a positive number counts down. */
  unavailable: { next: number };
  page: Page;
  journal: string;
  open(standIn?: TiwApiServer): Promise<void>;
}

/** The stand-in and the reference receiver on free ports, and a fresh browser page. */
async function stack(journal = join(dir, `${Math.random().toString(36).slice(2)}.db`)): Promise<Stack> {
  const receiver = createReceiver({ callbackKey, sdkAppId });
  const unavailable = { next: 0 };
  const receiverServer: RunningServer = await serve(async (request) => {
    if (unavailable.next !== 0) {
      unavailable.next -= 1;
      return new Response("maintenance", { status: 503 });
    }
    return receiver.fetch(request);
  });
  cleanups.push(() => receiverServer.close());
  const standIn = await startStandIn(`${receiverServer.url}/tiw/callback`, journal);
  const context = await (await browser).newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "UTC" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  // A refused connection is logged when the stand-in goes away on purpose; anything else is a bug.
  page.on("console", (message) => void (message.type() === "error" && !message.text().includes("net::ERR_") && problems.push(message.text())));
  cleanups.push(async () => expect(problems, "errors in the page").toEqual([]));
  const result: Stack = {
    standIn,
    receiver,
    unavailable,
    page,
    journal,
    async open(server = result.standIn) {
      await page.goto(server.dashboardUrl ?? "");
      await page.getByText("● Live").waitFor({ timeout: waitMs });
    },
  };
  return result;
}

async function startStandIn(callback: string, journal: string): Promise<TiwApiServer> {
  const standIn = await serveTiwApi({ port: 0, callback, callbackKey, journal, prepareSeconds: 0.2, retries: 1, timeoutMs: 2000 });
  cleanups.push(() => standIn.close());
  return standIn;
}

/** Presses "Start a task" and returns the id the page announces. */
async function startTask(page: Page): Promise<string> {
  const notice = page.locator("#notice");
  const before = await notice.textContent();
  await page.getByRole("button", { name: "Start a task" }).click();
  await expect.poll(async () => ((await notice.textContent()) === before ? "" : await notice.textContent()), { timeout: waitMs }).toMatch(/^Started task [a-z0-9]{20} /);
  const taskId = /Started task ([a-z0-9]{20})/.exec((await notice.textContent()) ?? "")?.[1];
  if (!taskId) throw new Error("no task id announced");
  return taskId;
}

const card = (page: Page, taskId: string) => page.locator(`li.task[data-task="${taskId}"]`);
const stepOf = (task: Locator, selector: string) => task.locator(`.step${selector}`);

/** Waits until the step's callback was answered `status` on its last attempt. */
async function answered(step: Locator, status: number): Promise<void> {
  await expect.poll(async () => (await step.locator(".delivery").first().locator(".attempt").allTextContents()).at(-1) ?? "", { timeout: waitMs }).toMatch(new RegExp(`^attempt \\d+: HTTP ${status} `));
}

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

  it("sends a chaos burst: the reference receiver refuses every forgery and takes the valid callbacks", async () => {
    const { page, open } = await stack();
    await open();
    await page.getByRole("button", { name: "Send a chaos burst" }).click();
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
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-focus") ?? document.activeElement?.id ?? "");
    /** Presses Tab until the focused control's key matches, as a keyboard user would. */
    const tabTo = async (key: RegExp) => {
      for (let presses = 0; presses < 80; presses++) {
        if (key.test(await focused())) return;
        await page.keyboard.press("Tab");
      }
      throw new Error(`Tab never reached ${key}`);
    };
    await tabTo(/^start-task$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("li.task").count(), { timeout: waitMs }).toBe(1);
    const taskId = (await page.locator("li.task").getAttribute("data-task")) ?? "";
    await answered(stepOf(card(page, taskId), '[data-kind="started"]'), 200);
    await tabTo(new RegExp(`^stop:${taskId}$`));
    await page.keyboard.press("Enter");
    await answered(stepOf(card(page, taskId), '[data-reason="USER_CALL"]'), 200);
    // The Stop button is gone with the push; the focus stays on the task rather than falling to the page.
    expect(await focused()).toBe(`task:${taskId}`);
    await tabTo(new RegExp(`^payload:${taskId}\\.started$`));
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    expect(await focused()).toBe("copy-payload");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await focused()).toBe(`payload:${taskId}.started`);

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
    const { page, open, unavailable } = await stack();
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
    await page.getByLabel("Callbacks").fill("5");
    await page.getByRole("button", { name: "Send a chaos burst" }).click();
    await page.getByText("all 5 answered as expected").waitFor({ timeout: waitMs });
    expect(await page.locator(".retries").allTextContents()).toEqual(["1 retry", "1 retry"]);
    expect(await page.locator(".badge", { hasText: /^failed$/ }).count()).toBe(1);
    expect(await lowContrast(page)).toEqual([]);
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

/** Visible text whose contrast with the background behind it is below WCAG AA (4.5:1, 3:1 for large text). */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number, number?];
    const luminance = ([r, g, b]: Array<number | undefined>) => {
      const [R, G, B] = [r, g, b].map((channel) => {
        const c = (channel ?? 0) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (R ?? 0) + 0.7152 * (G ?? 0) + 0.0722 * (B ?? 0);
    };
    const background = (element: Element | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
        if (a > 0) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !(node.textContent ?? "").trim() || element.closest("[hidden], .sr-only, dialog:not([open]), :disabled")) continue;
      if (element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const [fg, bg] = [luminance(rgba(style.color)), luminance(background(element))];
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${(node.textContent ?? "").trim().slice(0, 40)}" in <${element.tagName.toLowerCase()} class="${element.className}">`);
    }
    return failures;
  });
}
