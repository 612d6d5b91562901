/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the real
 * stand-in (`serveTiwApi`) and the reference receiver, both over HTTP on 127.0.0.1, ports from 0.
 * Chromium is required: without it these tests fail, naming what to install.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createReceiver, type Receiver } from "../../src/receiver/reference-receiver.js";
import { serve, type RunningServer } from "../../src/server/node.js";
import { serveTiwApi, type TiwApiServer } from "../../src/server/serve-tiw-api.js";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Without the background-networking flags Chromium keeps calling out to Google's services.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const callbackKey = "e2e-callback-key";
export const sdkAppId = 1400000001;
export const waitMs = 10_000;

/** Launched once per test file; a missing Chromium fails every test with this message, rather than skipping any. */
let browser: Promise<Browser>;
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-e2e-"));
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

/** Runs `cleanup` after the current test, before what was set up earlier. */
export function afterThisTest(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

export interface Stack {
  standIn: TiwApiServer;
  receiver: Receiver;
  /** Where the stand-in sends its callbacks. */
  callbackUrl: string;
  /** Callbacks answered 503 from now on, until set back to 0; a positive number counts down. */
  unavailable: { next: number };
  /** Holds every callback unanswered until the returned function is called. */
  hold(): () => void;
  page: Page;
  journal: string;
  open(standIn?: TiwApiServer): Promise<void>;
}

/** The stand-in and the reference receiver on free ports, and a fresh browser page. */
export async function stack(journal = join(dir, `${Math.random().toString(36).slice(2)}.db`)): Promise<Stack> {
  const receiver = createReceiver({ callbackKey, sdkAppId });
  const unavailable = { next: 0 };
  let held: Promise<void> | undefined;
  const receiverServer: RunningServer = await serve(async (request) => {
    await held;
    if (unavailable.next !== 0) {
      unavailable.next -= 1;
      return new Response("maintenance", { status: 503 });
    }
    return receiver.fetch(request);
  });
  cleanups.push(() => receiverServer.close());
  const callbackUrl = `${receiverServer.url}/tiw/callback`;
  const standIn = await startStandIn(callbackUrl, journal);
  const context = await (await browser).newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "UTC" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  // A refused connection is logged when the stand-in goes away on purpose, a 4xx when the page
  // shows a refused change; anything else is a bug.
  page.on("console", (message) => void (message.type() === "error" && !/net::ERR_|status of 40[09]/.test(message.text()) && problems.push(message.text())));
  cleanups.push(async () => expect(problems, "errors in the page").toEqual([]));
  const result: Stack = {
    standIn,
    receiver,
    callbackUrl,
    unavailable,
    hold() {
      let release = () => {};
      held = new Promise((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    page,
    journal,
    async open(server = result.standIn) {
      await page.goto(server.dashboardUrl ?? "");
      await page.getByText("● Live").waitFor({ timeout: waitMs });
    },
  };
  return result;
}

export async function startStandIn(callback: string, journal: string): Promise<TiwApiServer> {
  const standIn = await serveTiwApi({ port: 0, callback, callbackKey, journal, prepareSeconds: 0.2, retries: 1, timeoutMs: 2000 });
  cleanups.push(() => standIn.close());
  return standIn;
}

/** Presses "Start a task" and returns the id the page announces. */
export async function startTask(page: Page): Promise<string> {
  const notice = page.locator("#notice");
  const before = await notice.textContent();
  await page.getByRole("button", { name: "Start a task" }).click();
  await expect.poll(async () => ((await notice.textContent()) === before ? "" : await notice.textContent()), { timeout: waitMs }).toMatch(/^Started task [a-z0-9]{20} /);
  const taskId = /Started task ([a-z0-9]{20})/.exec((await notice.textContent()) ?? "")?.[1];
  if (!taskId) throw new Error("no task id announced");
  return taskId;
}

export const card = (page: Page, taskId: string) => page.locator(`li.task[data-task="${taskId}"]`);
export const stepOf = (task: Locator, selector: string) => task.locator(`.step${selector}`);

/** Waits until the step's callback was answered `status` on its last attempt. */
export async function answered(step: Locator, status: number): Promise<void> {
  await expect.poll(async () => (await step.locator(".delivery").first().locator(".attempt").allTextContents()).at(-1) ?? "", { timeout: waitMs }).toMatch(new RegExp(`^attempt \\d+: HTTP ${status} `));
}

/** The id of the element that has the focus: its `data-focus` key, else its id. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.getAttribute("data-focus") ?? document.activeElement?.id ?? "");
}

/** Presses Tab (or Shift+Tab) until the focused control's key matches, as a keyboard user would. */
export async function tabTo(page: Page, key: RegExp, press = "Tab"): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    if (key.test(await focused(page))) return;
    await page.keyboard.press(press);
  }
  throw new Error(`${press} never reached ${key}`);
}
