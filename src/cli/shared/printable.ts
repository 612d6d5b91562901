/**
 * A log line with every control character escaped (`\r`, `\n`, NUL, ESC, DEL, C1, U+2028/2029),
 * so a value that came from a client (a TaskId, a callback URL, a body excerpt) can never start a
 * line of its own or drive the terminal.
 *
 * @example
 * printable("TaskId=a\r\n200 forged"); // "TaskId=a\\r\\n200 forged"
 */
export function printable(line: string): string {
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const named: Record<string, string> = { "\r": "\\r", "\n": "\\n", "\t": "\\t" };
    return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
