/**
 * The benchmark's receiver: the least a receiver can do (read the body, answer 200
 * `{"error_code":0}`), in its own process so that it has its own core. Prints its URL on stdout.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const ack = JSON.stringify({ error_code: 0 });
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "content-length": String(ack.length) });
    response.end(ack);
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`http://127.0.0.1:${port}/callback\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
