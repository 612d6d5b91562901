// Over 300 lines: the dashboard's server side (assets, control endpoints, history from the journal), one describe per concern; split by concern if it grows.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createReceiver } from "../../src/receiver/reference-receiver.js";
import { serve } from "../../src/server/node.js";
import { serveTiwApi } from "../../src/server/serve-tiw-api.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../../src/stand-in/http/tiw-api.js";
import type { KitChaosBurst, KitDelivery, KitPayload, KitTask } from "../../src/stand-in/types.js";
import { createDashboardHandler, dashboardAssetsDir } from "../../src/dashboard/dashboard-handler.js";
import { openJournal } from "../../src/delivery/index.js";
import type { WhiteboardPushEvent } from "../../src/tiw/events.js";
import { sign } from "../../src/tiw/signing.js";
import { liveCli, waitFor } from "../helpers/servers.js";

const sdkAppId = 1400000001;
const callbackKey = "dashboard-test-key";
const dir = mkdtempSync(join(tmpdir(), "tiw-push-kit-dashboard-"));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The stand-in with its callbacks going to `receiver` in-process; the clock frozen unless told. */
function standIn(options: TiwApiOptions = {}): TiwApi {
  const receiver = createReceiver({ callbackKey, sdkAppId });
  const api = createTiwApi({ timeScale: 0, callback: "http://receiver.test/tiw", callbackKey, retries: 0, callbackHandler: receiver.fetch, ...options });
  cleanups.push(() => api.close());
  return api;
}

async function kit(api: TiwApi, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) };
  const response = await api.fetch(new Request(`http://127.0.0.1:4010/_kit/${path}`, init));
  return { status: response.status, json: await response.json() };
}

/** A callback handler that records every body it is sent, answering with `answer` (default: the reference receiver). */
function recorder(answer: (body: string) => Response | Promise<Response> = () => Response.json({ error_code: 0 })) {
  const bodies: string[] = [];
  return {
    bodies,
    handler: async (request: Request) => {
      const body = await request.text();
      bodies.push(body);
      return answer(body);
    },
  };
}

const dashboard = createDashboardHandler();
/** The page's script modules, the entry `dashboard.js` among them. */
const scripts = () => readdirSync(dashboardAssetsDir()).filter((name) => name.endsWith(".js"));
const get = (path: string, init: RequestInit = {}) => dashboard(new Request(`http://127.0.0.1:4010${path}`, init));

describe("the dashboard's files at /ui/", () => {
  it("serves the page, its script modules and its style sheet with a strict content security policy", async () => {
    const page = await get("/ui/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="dashboard.js"></script>');
    expect((await get("/ui/dashboard.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const name of scripts()) {
      const script = await get(`/ui/${name}`);
      expect(script.headers.get("content-type"), name).toBe("text/javascript; charset=utf-8");
      expect(await script.text()).toBe(readFileSync(join(dashboardAssetsDir(), name), "utf8"));
    }
    // The type declarations the scripts are checked against are not part of the page.
    expect((await get("/ui/kit-types.d.ts")).status).toBe(404);
  });

  it("has every module a script imports, from the same folder", () => {
    const imported = new Set(scripts().flatMap((name) => [...readFileSync(join(dashboardAssetsDir(), name), "utf8").matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1])));
    expect([...imported].filter((path) => !/^\.\/[a-z-]+\.js$/.test(path ?? ""))).toEqual([]);
    expect([...imported].map((path) => path?.slice(2)).filter((name) => !scripts().includes(name ?? ""))).toEqual([]);
    // Each one is used: every module but the entry is imported by another.
    expect(scripts().filter((name) => name !== "dashboard.js" && !imported.has(`./${name}`))).toEqual([]);
  });

  it("redirects /ui to /ui/, revalidates with ETags, answers HEAD, and refuses anything else", async () => {
    const redirect = await get("/ui");
    expect([redirect.status, redirect.headers.get("location")]).toEqual([308, "/ui/"]);
    const first = await get("/ui/dashboard.css");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await get("/ui/dashboard.css", { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await get("/ui/dashboard.css", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    const head = await get("/ui/", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(1000);
    expect(await head.text()).toBe("");
    for (const path of ["/ui/nope.js", "/ui/..%2fpackage.json", "/ui/assets/index.html", "/ui/index.html/"]) expect((await get(path)).status, path).toBe(404);
    expect((await get("/ui/", { method: "POST" })).status).toBe(405);
  });

  it("loads nothing from another origin: every reference of the page is relative or inline", () => {
    const html = readFileSync(join(dashboardAssetsDir(), "index.html"), "utf8");
    const references = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(references).toEqual(["data:,", "dashboard.css", "dashboard.js", "#tasks-heading"]);
    expect(readFileSync(join(dashboardAssetsDir(), "dashboard.css"), "utf8")).not.toMatch(/url\(|@import/);
    for (const name of scripts()) expect(readFileSync(join(dashboardAssetsDir(), name), "utf8"), name).not.toMatch(/https?:\/\//);
    expect(readFileSync(join(dashboardAssetsDir(), "kit-client.js"), "utf8")).toContain('export const kit = "../_kit/";');
  });

  it("ships them: package.json lists their folder, found from the package root", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { files: string[] };
    expect(manifest.files).toContain("src/dashboard/assets");
    expect(dashboardAssetsDir().replaceAll("\\", "/")).toMatch(/\/src\/dashboard\/assets$/);
  });

  it("has page scripts that type-check against the types generated from the spec", () => {
    const files = scripts().map((name) => join(dashboardAssetsDir(), name));
    const program = ts.createProgram(files, {
      noEmit: true,
      allowJs: true,
      checkJs: true,
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: [],
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    expect(problems).toEqual([]);
    // The check is real: the scripts name the Kit types, which come from the generated ones.
    expect(readFileSync(join(dashboardAssetsDir(), "kit-types.d.ts"), "utf8")).toContain('import type { components } from "../../generated/api.js";');
    expect(readFileSync(join(dashboardAssetsDir(), "state.js"), "utf8")).toContain('import("./kit-types.js").KitTask');
  });

  it("is mounted by serveTiwApi next to the stand-in, and can be left out", async () => {
    const server = await serveTiwApi({ port: 0, journal: ":memory:" });
    cleanups.push(() => server.close());
    expect(server.dashboardUrl).toBe(`${server.url}/ui/`);
    const page = await fetch(server.dashboardUrl ?? "");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect((await fetch(`${server.url}/_kit/settings`)).status).toBe(200);
    const bare = await serveTiwApi({ port: 0, journal: ":memory:", dashboard: false });
    cleanups.push(() => bare.close());
    expect(bare.dashboardUrl).toBeUndefined();
    expect((await fetch(`${bare.url}/ui/`)).headers.get("content-type")).toContain("application/json");
  });
});

describe("tiw-push-kit serve", () => {
  it("prints the dashboard's URL, serves it, and prints each settled chaos burst", async () => {
    const receiver = createReceiver({ callbackKey, sdkAppId });
    const server = await serve(receiver.fetch);
    cleanups.push(() => server.close());
    const run = liveCli(["serve", "--port", "0", "--journal", ":memory:", "--callback", `${server.url}/tiw`, "--callback-key", callbackKey]);
    cleanups.push(async () => {
      run.interrupt();
      await run.exit;
    });
    await waitFor(() => /dashboard: http:\/\/127\.0\.0\.1:\d+\/ui\//.test(run.stderr()), 10_000, "the dashboard line");
    const url = /dashboard: (\S+)/.exec(run.stderr())?.[1] ?? "";
    expect((await fetch(url)).headers.get("content-type")).toContain("text/html");
    const burst = await fetch(url.replace("/ui/", "/_kit/chaos-bursts"), { method: "POST", body: JSON.stringify({ count: 5 }) });
    const { id } = (await burst.json()) as KitChaosBurst;
    await waitFor(() => run.stdout().includes(`chaos burst ${id} to ${server.url}/tiw: 5 of 5 callbacks answered as a correct receiver would`), 10_000, "the burst line");
    run.interrupt();
    expect(await run.exit).toBe(0);
  });
});

describe("POST /_kit/tasks: start a task from the page", () => {
  it("starts one with defaults through StartWhiteboardPush, or with what it is given", async () => {
    const api = standIn();
    const created = await kit(api, "POST", "tasks");
    expect(created.status).toBe(201);
    const task = created.json as KitTask;
    expect(task.describe).toMatchObject({ Status: "PREPARED", PushUserId: `tic_push_user_${task.describe.RoomId}_01`, GroupId: String(task.describe.RoomId) });
    expect(task.describe.RoomId).toBeGreaterThanOrEqual(1000);
    expect(task.describe.RoomId).toBeLessThan(1_000_000);
    expect(task.autoStopTimeout).toBe(1800);
    expect(api.task(task.taskId)?.timeline.map((entry) => entry.kind)).toEqual(["created"]);

    const given = (await kit(api, "POST", "tasks", { RoomId: 1253, PushUserId: "tic_push_user_1253_teacher", GroupId: "class-7", AutoStopTimeout: 600 })).json as KitTask;
    expect(given).toMatchObject({ autoStopTimeout: 600, describe: { RoomId: 1253, PushUserId: "tic_push_user_1253_teacher", GroupId: "class-7" } });
    // The Cloud API knows it, as a task started by a backend.
    const described = await api.fetch(
      new Request("http://127.0.0.1:4010/", {
        method: "POST",
        headers: { "X-TC-Action": "DescribeWhiteboardPush", "X-TC-Version": "2019-09-19" },
        body: JSON.stringify({ SdkAppId: sdkAppId, TaskId: given.taskId }),
      }),
    );
    expect(await described.json()).toMatchObject({ Response: { TaskId: given.taskId, RoomId: 1253, Status: "PREPARED" } });
  });

  it("refuses what the KitNewTask schema refuses (StartWhiteboardPush's bounds), naming the field, and unknown fields", async () => {
    const api = standIn();
    expect(await kit(api, "POST", "tasks", { AutoStopTimeout: 10 })).toMatchObject({ status: 400, json: { error: "bad_request", message: "AutoStopTimeout must be >= 300" } });
    expect(await kit(api, "POST", "tasks", { RoomId: "1253" })).toMatchObject({ status: 400, json: { message: "RoomId must be integer" } });
    expect(await kit(api, "POST", "tasks", { PushUserId: "u".repeat(61) })).toMatchObject({ status: 400, json: { message: "PushUserId must NOT have more than 60 characters" } });
    expect(await kit(api, "POST", "tasks", { RoomId: 0 })).toMatchObject({ status: 400 });
    expect(await kit(api, "POST", "tasks", { VideoFPS: 20 })).toMatchObject({ status: 400, json: { message: expect.stringContaining("unknown field VideoFPS") } });
    expect(await kit(api, "POST", "tasks", "[1]")).toMatchObject({ status: 400 });
    expect(api.tasks()).toEqual([]);
  });

  it("refuses changes a page of another origin sends, and takes those of its own", async () => {
    const api = standIn();
    for (const origin of ["http://evil.test", "http://127.0.0.1:9999", "null"]) {
      expect(await kit(api, "POST", "tasks", {}, { origin }), origin).toMatchObject({ status: 403, json: { error: "forbidden" } });
    }
    expect(await kit(api, "POST", "chaos-bursts", {}, { origin: "http://evil.test" })).toMatchObject({ status: 403 });
    expect(api.tasks()).toEqual([]);
    expect((await kit(api, "POST", "tasks", {}, { origin: "http://127.0.0.1:4010" })).status).toBe(201);
    expect((await kit(api, "GET", "tasks", undefined, { origin: "http://evil.test" })).status).toBe(200);
  });
});

describe("chaos bursts", () => {
  it("sends each fault in turn through the delivery engine; the reference receiver refuses the forgeries and takes the rest", async () => {
    const api = standIn();
    const sent = await kit(api, "POST", "chaos-bursts", { count: 10 });
    expect(sent.status).toBe(202);
    const pending = sent.json as KitChaosBurst;
    expect(pending.deliveries.map((delivery) => delivery.status)).toEqual(Array(10).fill("pending"));
    expect(pending.faults).toEqual(["bad-sign", "expired", "wrong-app", "malformed", "unknown-fields"]);
    await api.settled();
    const [burst] = (await kit(api, "GET", "chaos-bursts")).json as KitChaosBurst[];
    expect(burst?.id).toBe(pending.id);
    const answers = burst?.deliveries.map((delivery) => [delivery.fault, delivery.attempts.at(-1)?.status, delivery.status, delivery.passed]);
    expect(answers).toEqual([
      ...[1, 2].flatMap(() => [
        ["bad-sign", 401, "forged-rejected", true],
        ["expired", 401, "forged-rejected", true],
        ["wrong-app", 403, "forged-rejected", true],
        ["malformed", 400, "forged-rejected", true],
        ["unknown-fields", 200, "delivered", true],
      ]),
    ]);
    // Each callback went once: forgeries are never retried.
    expect(burst?.deliveries.every((delivery) => delivery.attempts.length === 1)).toBe(true);
  });

  it("marks a receiver that accepts forgeries, and one that refuses valid callbacks", async () => {
    const lax = standIn({ callbackHandler: async () => Response.json({ error_code: 0 }) });
    lax.sendChaosBurst({ count: 5 });
    await lax.settled();
    expect(lax.chaosBursts()[0]?.deliveries.map((delivery) => [delivery.status, delivery.passed])).toEqual([
      ["forged-accepted", false],
      ["forged-accepted", false],
      ["forged-accepted", false],
      ["forged-accepted", false],
      ["delivered", true],
    ]);
    const strict = standIn({ callbackHandler: async () => new Response("no", { status: 401 }) });
    strict.sendChaosBurst({ count: 2, faults: ["unknown-fields", "bad-sign"] });
    await strict.settled();
    expect(strict.chaosBursts()[0]?.deliveries.map((delivery) => [delivery.fault, delivery.status, delivery.passed])).toEqual([
      ["unknown-fields", "failed", false],
      ["bad-sign", "forged-rejected", true],
    ]);
  });

  it("leaves the signature faults out without a key, and refuses a burst it cannot send", async () => {
    const unsigned = standIn({ callbackKey: "", callbackHandler: async () => Response.json({ error_code: 0 }) });
    expect(unsigned.sendChaosBurst().faults).toEqual(["wrong-app", "malformed", "unknown-fields"]);
    expect(await kit(unsigned, "POST", "chaos-bursts", { faults: ["expired"] })).toMatchObject({ status: 409, json: { message: expect.stringContaining("set a callback key first") } });
    const nowhere = standIn({ callback: "" });
    expect(await kit(nowhere, "POST", "chaos-bursts", {})).toMatchObject({ status: 409, json: { message: expect.stringContaining("no callback URL") } });
    for (const body of [{ count: 0 }, { count: 51 }, { count: 2.5 }, { count: "3" }, { faults: [] }, { faults: ["teleport"] }, { faults: ["expired", "expired"] }, { faults: "expired" }, { burst: 1 }]) {
      const status = (await kit(unsigned, "POST", "chaos-bursts", body)).status;
      expect(status, JSON.stringify(body)).toBe(400);
    }
    await unsigned.settled();
  });

  it("streams the burst's progress as `burst` changes", async () => {
    const api = standIn();
    const changes: KitChaosBurst[] = [];
    api.subscribe((change) => {
      if (change.type === "burst") changes.push(change.burst);
    });
    api.sendChaosBurst({ count: 2 });
    await api.settled();
    expect(changes[0]?.deliveries.every((delivery) => delivery.status === "pending")).toBe(true);
    expect(changes.at(-1)?.deliveries.every((delivery) => delivery.passed === true)).toBe(true);
  });
});

describe("GET /_kit/deliveries/{id}/payload", () => {
  it("gives the body each delivery sent, byte for byte, though every reading of the clock moves it a second", async () => {
    const received = recorder();
    // A wall clock one millisecond further at each reading, scaled 1000 times: any two readings
    // are a virtual second apart. A body rebuilt from another reading of the clock than the one
    // the engine signed with would carry another ExpireTime and Sign.
    let wall = Date.now();
    const api = standIn({ timeScale: 1000, wallClock: () => (wall += 1), callbackHandler: received.handler });
    for (let i = 0; i < 12; i++) api.trigger(api.createTask().taskId, "stop");
    await api.settled();
    const deliveries = api.deliveries();
    expect(deliveries.map((delivery) => delivery.status)).toEqual(Array(24).fill("delivered"));
    const payloads = await Promise.all(deliveries.map(async (delivery) => (await kit(api, "GET", `deliveries/${delivery.id}/payload`)).json as KitPayload));
    expect(payloads.map((payload) => payload.body).sort()).toEqual([...received.bodies].sort());
    for (const payload of payloads) expect(payload).toMatchObject({ exact: true, attempt: 1, signature: { result: "valid", reason: null } });
  });

  it("checks the signature with the key configured now, and never shows the key", async () => {
    const received = recorder();
    const api = standIn({ callbackHandler: received.handler });
    const task = api.createTask();
    api.trigger(task.taskId, "start");
    await api.settled();
    const before = (await kit(api, "GET", `deliveries/${task.taskId}.started/payload`)).json as KitPayload;
    const sent = JSON.parse(before.body) as WhiteboardPushEvent;
    expect(before.body).toBe(received.bodies[0]);
    expect(sent.Sign).toBe(sign(callbackKey, sent.ExpireTime ?? 0));
    expect(JSON.stringify(before)).not.toContain(callbackKey);
    await api.fetch(
      new Request("http://127.0.0.1:4010/", {
        method: "POST",
        headers: { "X-TC-Action": "SetWhiteboardPushCallbackKey", "X-TC-Version": "2019-09-19" },
        body: JSON.stringify({ SdkAppId: sdkAppId, CallbackKey: "another-key" }),
      }),
    );
    const after = (await kit(api, "GET", `deliveries/${task.taskId}.started/payload`)).json as KitPayload;
    expect(after).toMatchObject({ body: before.body, signature: { result: "invalid", reason: "bad_signature" } });
  });

  it("tells an unsigned callback, one not sent yet, and an unknown id", async () => {
    const api = standIn({ callbackKey: "", callbackHandler: async () => Response.json({ error_code: 0 }) });
    const task = api.createTask();
    api.trigger(task.taskId, "start");
    const early = (await kit(api, "GET", `deliveries/${task.taskId}.started/payload`)).json as KitPayload;
    expect(early).toMatchObject({ attempt: null, sentAt: null, exact: false, signature: { result: "unknown" } });
    await api.settled();
    const payload = (await kit(api, "GET", `deliveries/${task.taskId}.started/payload`)).json as KitPayload;
    expect(payload).toMatchObject({ exact: true, attempt: 1, signature: { result: "unsigned" } });
    expect(JSON.parse(payload.body)).not.toHaveProperty("Sign");
    expect(await kit(api, "GET", "deliveries/nope/payload")).toMatchObject({ status: 404, json: { error: "not_found" } });
  });

  it("gives the forged body of each chaos callback, which fails the check its fault aims at", async () => {
    const received = recorder();
    const api = standIn({ callbackHandler: received.handler });
    const burst = api.sendChaosBurst({ count: 7 });
    await api.settled();
    const payloads = await Promise.all(burst.deliveries.map(async (delivery) => (await kit(api, "GET", `deliveries/${delivery.id}/payload`)).json as KitPayload));
    expect(payloads.map((payload) => payload.body).sort()).toEqual([...received.bodies].sort());
    expect(payloads.map((payload) => [payload.signature.result, payload.signature.reason])).toEqual([
      ["invalid", "bad_signature"],
      ["invalid", "expired"],
      ["invalid", "wrong_app"],
      ["invalid", "malformed_json"],
      ["valid", null],
      ["invalid", "bad_signature"],
      ["invalid", "expired"],
    ]);
  });
});

describe("history from the journal", () => {
  it("shows a restarted stand-in the tasks, deliveries and bursts of the run before, its stopped tasks read-only, and resends them", async () => {
    let healthy = false;
    const receiver = createReceiver({ callbackKey, sdkAppId });
    const server = await serve(async (request) => (healthy || !(await request.clone().text()).includes('"EXCEPTION"') ? receiver.fetch(request) : new Response("down", { status: 503 })));
    cleanups.push(() => server.close());
    const path = join(dir, "history.db");
    const options = { timeScale: 0, callback: `${server.url}/tiw`, callbackKey, retries: 1 };

    const firstJournal = openJournal(path);
    const first = createTiwApi({ ...options, journal: firstJournal });
    const stopped = first.createTask({ RoomId: 1001 });
    first.trigger(stopped.taskId, "stop");
    const failed = first.createTask({ RoomId: 1002 });
    first.injectException(failed.taskId);
    const pushing = first.createTask({ RoomId: 1003 });
    first.trigger(pushing.taskId, "start");
    first.sendChaosBurst({ count: 5 });
    await first.settled();
    const tasks = first.tasks();
    const deliveries = first.deliveries();
    const bursts = first.chaosBursts();
    expect(deliveries.find((delivery) => delivery.id === `${failed.taskId}.stopped`)?.status).toBe("failed");
    await first.close();
    firstJournal.close();

    const secondJournal = openJournal(path);
    cleanups.push(() => secondJournal.close());
    const second = createTiwApi({ ...options, journal: secondJournal });
    cleanups.push(() => second.close());
    expect(second.settings().journal).toBe(path);
    // A stopped task is history; one still pushing goes on in this run.
    expect(second.tasks()).toEqual(tasks.map((task) => (task.taskId === pushing.taskId ? task : { ...task, restored: true })));
    // Newest first by when each was first sent (the journal's order); the same deliveries.
    const byId = (a: KitDelivery, b: KitDelivery) => (a.id < b.id ? -1 : 1);
    expect(second.deliveries().sort(byId)).toEqual(deliveries.sort(byId));
    expect(second.chaosBursts()).toEqual(bursts.map((burst) => ({ ...burst, restored: true })));
    expect((await kit(second, "GET", `tasks/${stopped.taskId}`)).json).toMatchObject({ taskId: stopped.taskId, restored: true });

    // History is read-only; its callbacks can be sent again, with the key configured now.
    expect(await kit(second, "POST", `tasks/${stopped.taskId}/stop`)).toMatchObject({ status: 409, json: { message: expect.stringContaining("earlier run") } });
    expect(await kit(second, "POST", `tasks/${pushing.taskId}/stop`)).toMatchObject({ status: 200, json: { describe: { Status: "STOPPED", FinishReason: "USER_CALL" } } });
    const earlier = (await kit(second, "GET", `deliveries/${stopped.taskId}.stopped/payload`)).json as KitPayload;
    expect(earlier).toMatchObject({ exact: false, signature: { result: "unknown" } });
    healthy = true;
    const resent = await kit(second, "POST", `deliveries/${failed.taskId}.stopped/resend`);
    expect(resent).toMatchObject({ status: 202, json: { resendOf: `${failed.taskId}.stopped` } });
    await second.settled();
    expect(second.deliveries(failed.taskId).map((delivery: KitDelivery) => [delivery.id, delivery.status])).toEqual([
      [`${failed.taskId}.stopped.resend1`, "delivered"],
      [`${failed.taskId}.stopped`, "failed"],
      [`${failed.taskId}.started`, "delivered"],
    ]);
    // A new task of this run comes first, the restored ones after it.
    const fresh = second.createTask();
    expect(second.tasks()[0]?.taskId).toBe(fresh.taskId);
    expect(second.tasks()[0]?.restored).toBeUndefined();
  });

  it("keeps no history for an in-memory journal", async () => {
    const journal = openJournal(":memory:");
    const api = standIn({ journal });
    api.createTask();
    expect(api.settings().journal).toBe(":memory:");
    await api.close();
    const again = standIn({ journal });
    expect(again.tasks()).toEqual([]);
  });
});
