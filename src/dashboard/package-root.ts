import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding this package's `openapi/`. Modules run both from `src/` (tsx, vitest) and
 * from `dist/src/` (the built CLI), at different depths, so the folder is found by walking up.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "openapi", "schemas"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("tiw-push-kit: cannot find the openapi/ folder of the package");
    dir = parent;
  }
  return dir;
}
