import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/cli/shared/progress.js";
import type { Output } from "../../src/cli/shared/command.js";

function terminal(isTTY: boolean): Output & { text: string } {
  return {
    isTTY,
    text: "",
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe("createProgress", () => {
  it("redraws one line in place on a terminal, at most every 100 ms, and erases it at the end", () => {
    const output = terminal(true);
    const progress = createProgress(output, 200);
    progress.update({ done: 50, delivered: 49, failed: 1, eventsPerSecond: 1234.4 });
    progress.update({ done: 51, delivered: 50, failed: 1, eventsPerSecond: 1234.4 });
    expect(output.text).toBe("\r\x1b[2K[######------------------] 50/200  delivered 49  failed 1  1234 events/s");
    progress.update({ done: 200, delivered: 199, failed: 1, eventsPerSecond: 1500 });
    expect(output.text.endsWith("\r\x1b[2K[########################] 200/200  delivered 199  failed 1  1500 events/s")).toBe(true);
    progress.finish();
    expect(output.text.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("draws nothing when the output is not a terminal", () => {
    const output = terminal(false);
    const progress = createProgress(output, 10);
    progress.update({ done: 10, delivered: 10, failed: 0, eventsPerSecond: 5 });
    progress.finish();
    expect(output.text).toBe("");
  });
});
