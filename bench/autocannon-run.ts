import { createRequire } from "node:module";

/** The part of autocannon's programmatic API the benchmarks use (the package ships no types). */
interface AutocannonOptions {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
}

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}

const autocannon = createRequire(import.meta.url)("autocannon") as (options: AutocannonOptions) => Promise<AutocannonResult>;

export interface BaselineResult {
  requestsPerSecond: number;
  requests: number;
  errors: number;
  /** Milliseconds. */
  p99: number;
}

/** POSTs one fixed body (with `headers` besides its JSON type) as fast as the server answers, for `seconds`. */
export async function runAutocannon(url: string, body: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<BaselineResult> {
  const result = await autocannon({ url, method: "POST", headers: { "content-type": "application/json", ...headers }, body, connections, duration: seconds });
  return {
    requestsPerSecond: result["2xx"] / result.duration,
    requests: result["2xx"],
    errors: result.errors + result.timeouts + result.non2xx,
    p99: result.latency.p99,
  };
}
