import { pathToFileURL } from "node:url";

/**
 * What `import.meta.url` stands for in the executable's bundle (esbuild's `inject` and `define`):
 * every module of the CLI lives in the executable file.
 */
export const executableUrl = pathToFileURL(process.execPath).href;
