import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

const floor = [22, 16] as const;

function versionOf(node: string): string | undefined {
  try {
    return execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

function belowFloor(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major < floor[0] || (major === floor[0] && minor < floor[1]);
}

/**
 * A Node.js older than the package's floor, to check what users of one see: the first `node` on
 * PATH or in the usual system folders whose version is below 22.16. Throws when there is none, since
 * the check it serves must not pass by not running.
 */
export function oldNode(): { path: string; version: string } {
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/bin", "/usr/bin"];
  for (const folder of folders.filter(Boolean)) {
    const path = join(folder, "node");
    const version = existsSync(path) ? versionOf(path) : undefined;
    if (version && belowFloor(version)) return { path, version };
  }
  throw new Error("tiw-push-kit: no Node.js older than 22.16 found on PATH or in /usr/local/bin, /usr/bin; install one (Node 20) to run this test");
}
