import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../../src/server/node.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function started(handler = async () => Response.json({ ok: true }), options = {}): Promise<RunningServer> {
  const server = await serve(handler, options);
  servers.push(server);
  return server;
}

/** Sends raw request bytes and returns the status line and the body, as a browser or attacker would. */
function raw(port: number, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    socket.end(request);
  });
}

const get = (host: string, method = "GET") => `${method} /tasks HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe("node adapter under hostile requests", () => {
  it("answers only to its own Host names: a DNS-rebinding Host gets 421, loopback names pass", async () => {
    const server = await started();
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, "127.0.0.1"]) {
      expect((await raw(server.port, get(host))).status).toBe(200);
    }
    for (const host of [`evil.com:${server.port}`, "evil.com", `127.0.0.1.evil.com:${server.port}`, `[::2]:${server.port}`]) {
      const answer = await raw(server.port, get(host));
      expect(answer.status).toBe(421);
      expect(answer.body).toContain("misdirected_request");
    }
  });

  it("accepts the Host names it was told to, beyond loopback", async () => {
    const server = await started(undefined, { allowedHosts: ["receiver.internal"] });
    expect((await raw(server.port, get("receiver.internal:8080"))).status).toBe(200);
    expect((await raw(server.port, get("other.internal"))).status).toBe(421);
  });

  it("answers a malformed Host or a proxy's absolute URL with 400 and TRACE with 405, never a 500 with an internal message", async () => {
    const server = await started();
    const malformed = await raw(server.port, get("[not-an-address"));
    expect(malformed.status).toBe(400);
    const trace = await raw(server.port, get(`127.0.0.1:${server.port}`, "TRACE"));
    expect(trace.status).toBe(405);
    const absolute = await raw(server.port, `GET http://evil.com/tasks HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    expect(absolute.status).toBe(400);
    expect(`${malformed.body}${trace.body}${absolute.body}`).not.toMatch(/TypeError|Invalid URL|unsupported|at \//);
  });

  it("answers a throwing handler with a 500 that says nothing of the error", async () => {
    const server = await started(async () => {
      throw new Error("secret detail: key=abc123");
    });
    const answer = await raw(server.port, get(`127.0.0.1:${server.port}`));
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain("secret detail");
    expect(JSON.parse(answer.body)).toEqual({ error: "internal_error", message: "internal error" });
  });
});
