import { readFile } from "node:fs/promises";
import { UsageError, type Io } from "./command.js";

/** One callback body read from a file, with where it came from for error messages. */
export interface InputRecord {
  /** `file:line` for JSON Lines, `file` or `file[index]` for a JSON document. */
  location: string;
  /** The body's own text, as it will be sent or validated. */
  raw: string;
  /** Set when the record is not valid JSON. */
  parseError?: string;
}

/** Reads FILE, or standard input for `-`; a missing file is a usage error. */
export async function readSource(source: string, io: Io): Promise<string> {
  if (source === "-") {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of io.stdin) text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    return text;
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read '${source}'${code === "ENOENT" ? ": no such file" : `: ${(error as Error).message}`}`);
  }
}

/**
 * Splits a JSON document (one body, or an array of bodies) or JSON Lines (one body per line)
 * into records. A text that is not one JSON document is read as JSON Lines, unless it looks like
 * a single pretty-printed document, whose parse error is then reported once.
 */
export function splitRecords(text: string, name: string): InputRecord[] {
  const nonEmpty = text
    .split(/\r?\n/)
    .map((line, index) => ({ raw: line.trim(), number: index + 1 }))
    .filter(({ raw }) => raw !== "");
  if (nonEmpty.length === 0) return [];
  const whole = text.trim();
  try {
    const document: unknown = JSON.parse(whole);
    if (Array.isArray(document)) return document.map((body, index) => ({ location: `${name}[${index}]`, raw: JSON.stringify(body) }));
    return [{ location: name, raw: whole }];
  } catch (error) {
    const first = nonEmpty[0]?.raw;
    const concatenated = first === "{" || first === "[" || nonEmpty.some(({ raw }) => parseErrorOf(raw).parseError !== undefined) ? concatenatedValues(text) : undefined;
    if (concatenated) return concatenated.map(({ raw, line }) => ({ location: `${name}:${line}`, raw, ...parseErrorOf(raw) }));
    if (nonEmpty.length === 1 || first === "{" || first === "[") return [{ location: name, raw: whole, parseError: (error as Error).message }];
  }
  return nonEmpty.map(({ raw, number }) => ({ location: `${name}:${number}`, raw, ...parseErrorOf(raw) }));
}

/**
 * Top-level JSON objects and arrays written one after another (pretty-printed, or `}{` on one
 * line), each with the line it starts on; undefined unless there are at least two and the text
 * holds nothing else.
 */
function concatenatedValues(text: string): Array<{ raw: string; line: number }> | undefined {
  const values: Array<{ raw: string; line: number }> = [];
  let depth = 0;
  let start = -1;
  let line = 1;
  let startLine = 1;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "\n") line += 1;
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = depth > 0;
    if (char === '"' && depth === 0) return undefined;
    if (char === "{" || char === "[") {
      if (depth === 0) [start, startLine] = [index, line];
      depth += 1;
    } else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth < 0) return undefined;
      if (depth === 0) values.push({ raw: text.slice(start, index + 1), line: startLine });
    } else if (depth === 0 && char !== undefined && !/\s/.test(char)) {
      return undefined;
    }
  }
  return depth === 0 && values.length >= 2 ? values : undefined;
}

function parseErrorOf(raw: string): { parseError?: string } {
  try {
    JSON.parse(raw);
    return {};
  } catch (error) {
    return { parseError: (error as Error).message };
  }
}
