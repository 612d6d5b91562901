import { serve } from "./node.js";
import { dashboardPath, withDashboard } from "../dashboard/dashboard-handler.js";
import { openJournal, type Journal } from "../delivery/index.js";
import { createTiwApi, type TiwApi, type TiwApiOptions } from "../stand-in/http/tiw-api.js";

export interface TiwApiServerOptions extends Omit<TiwApiOptions, "journal"> {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A journal, or the path of one to open (and close with the server). */
  journal?: Journal | string;
  /** Serve the dashboard at `/ui/` (default true). */
  dashboard?: boolean;
}

export interface TiwApiServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`: point the SDK's `httpProfile.endpoint` at its host and port. */
  url: string;
  port: number;
  /** The dashboard's URL, `<url>/ui/`, or undefined when it is off. */
  dashboardUrl: string | undefined;
  api: TiwApi;
  close(): Promise<void>;
}

export const defaultTiwApiPort = 4010;

/**
 * Serves the stand-in over HTTP on 127.0.0.1, with its dashboard at `/ui/`: what `tiw-push-kit serve` runs.
 *
 * @example
 * const { url, api, close } = await serveTiwApi({ port: 0, callback: "http://127.0.0.1:3000/tiw", callbackKey: "my-key" });
 */
export async function serveTiwApi(options: TiwApiServerOptions = {}): Promise<TiwApiServer> {
  const { port = defaultTiwApiPort, host = "127.0.0.1", journal: journalOption, dashboard = true, ...apiOptions } = options;
  const ownJournal = typeof journalOption === "string" ? openJournal(journalOption) : undefined;
  const journal = ownJournal ?? (typeof journalOption === "string" ? undefined : journalOption);
  const api = createTiwApi({ ...apiOptions, ...(journal ? { journal } : {}) });
  const shutDown = async () => {
    await api.close();
    ownJournal?.close();
  };
  let server;
  try {
    server = await serve(dashboard ? withDashboard(api.fetch) : api.fetch, { port, host });
  } catch (error) {
    await shutDown();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`tiw-push-kit: port ${port} on ${host} is already in use; pick another with --port`, { cause: error });
    }
    throw error;
  }
  return {
    url: server.url,
    port: server.port,
    dashboardUrl: dashboard ? `${server.url}${dashboardPath}` : undefined,
    api,
    async close() {
      await server.close();
      await shutDown();
    },
  };
}
