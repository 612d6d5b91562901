/**
 * One HTTP edge serving DescribeWhiteboardPush-sized work (read a small JSON body, answer a
 * ~500-byte JSON body), in its own process; prints its URL. Argument: `node-http` (the floor),
 * `kit` (the kit's adapter), `kit-plain-response` (the same, the handler answering with
 * `new Response(text)` rather than the kit's `jsonResponse`), `hono` or `srvx` (loaded from the
 * folder BENCH_PEERS names). The fetch handler answers as the kit's own servers do, with `jsonResponse`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { serve } from "../src/server/node.js";
import { jsonResponse } from "../src/tiw/json-response.js";

const answer = (request: { RoomId?: number }) => ({
  Response: {
    TaskId: "bench0task0id0000001",
    Status: "PUSHING",
    RoomId: request.RoomId ?? 1000,
    PushUserId: "tic_push_user_1000_bench",
    PushStartTime: 1_700_000_000,
    PushStopTime: 0,
    ExceptionCnt: 0,
    IMSyncTime: 1_700_000_001,
    Backup: "",
    RequestId: "00000000-0000-4000-8000-000000000000",
  },
});

const fetchHandler = async (request: Request) => jsonResponse(answer((await request.json()) as { RoomId?: number }));

const plainResponseHandler = async (request: Request) =>
  new Response(JSON.stringify(answer((await request.json()) as { RoomId?: number })), { headers: { "content-type": "application/json" } });

const peer = (path: string) => import(pathToFileURL(join(process.env.BENCH_PEERS ?? "", "node_modules", path)).href);

const printUrl = (port: number) => process.stdout.write(`http://127.0.0.1:${port}/\n`);

switch (process.argv[2]) {
  case "node-http": {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = JSON.stringify(answer(JSON.parse(Buffer.concat(chunks).toString()) as { RoomId?: number }));
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    });
    server.listen(0, "127.0.0.1", () => printUrl((server.address() as AddressInfo).port));
    break;
  }
  case "kit":
    printUrl((await serve(fetchHandler)).port);
    break;
  case "kit-plain-response":
    printUrl((await serve(plainResponseHandler)).port);
    break;
  case "hono": {
    const { serve: honoServe } = (await peer("@hono/node-server/dist/index.mjs")) as {
      serve(options: { fetch: typeof fetchHandler; port: number; hostname: string }, listening: (info: AddressInfo) => void): unknown;
    };
    honoServe({ fetch: fetchHandler, port: 0, hostname: "127.0.0.1" }, (info) => printUrl(info.port));
    break;
  }
  case "srvx": {
    const { serve: srvxServe } = (await peer("srvx/dist/adapters/node.mjs")) as {
      serve(options: { fetch: typeof fetchHandler; port: number; hostname: string; silent: boolean }): { ready(): Promise<unknown>; url?: string };
    };
    const server = srvxServe({ fetch: fetchHandler, port: 0, hostname: "127.0.0.1", silent: true });
    await server.ready();
    process.stdout.write(`${server.url ?? ""}\n`);
    break;
  }
  default:
    throw new Error(`unknown edge ${process.argv[2]}`);
}
