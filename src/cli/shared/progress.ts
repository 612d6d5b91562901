import type { Output } from "./command.js";

export interface ProgressState {
  done: number;
  delivered: number;
  failed: number;
  eventsPerSecond: number;
}

export interface Progress {
  update(state: ProgressState): void;
  /** Erases the bar, so the summary starts on a clean line. */
  finish(): void;
}

const width = 24;
const redrawEveryMs = 100;

/**
 * A one-line progress bar redrawn in place, at most ten times a second; without a `total` (a plan
 * made as it is sent, its size unknown), the counts alone. It draws only on a terminal: piped or
 * captured output stays clean.
 */
export function createProgress(output: Output, total: number | undefined): Progress {
  if (!output.isTTY) return { update() {}, finish() {} };
  // Not 0: performance.now() starts near 0 in a fresh process, which would skip the first draw.
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(state) {
      const now = performance.now();
      if (now - lastDraw < redrawEveryMs && state.done !== total) return;
      lastDraw = now;
      drawn = true;
      const filled = total === undefined ? 0 : total > 0 ? Math.round((state.done / total) * width) : width;
      const bar = total === undefined ? "" : `[${"#".repeat(filled) + "-".repeat(width - filled)}] `;
      output.write(
        `\r\x1b[2K${bar}${state.done}${total === undefined ? " sent" : `/${total}`}  delivered ${state.delivered}  failed ${state.failed}  ${Math.round(state.eventsPerSecond)} events/s`,
      );
    },
    finish() {
      if (drawn) output.write("\r\x1b[2K");
    },
  };
}
