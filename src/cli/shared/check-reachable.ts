import { connect } from "node:net";
import { describeError } from "../../delivery/transport/describe-error.js";
import { CannotRunError } from "./command.js";

/**
 * A clear one-line error for an unreachable target before anything is recorded, instead of a
 * run of retries. Only opens a TCP connection: the receiver sees no request.
 */
export async function checkReachable(target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new CannotRunError(`tiw-push-kit: cannot reach ${url.origin}: ${reason}`));
    };
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("timeout", () => fail(`no connection within ${timeoutMs} ms`));
    socket.once("error", (error) => fail(describeError(error)));
  });
}
