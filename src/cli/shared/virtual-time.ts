/** Virtual seconds per real second when --time-scale is absent: task times follow the wall clock. */
export const defaultTimeScale = 1;

/** How the stand-in's task times relate to the wall clock, said plainly where a run starts. */
export function virtualTimeNote(timeScale: number): string {
  if (timeScale === 1) return "task times follow the wall clock";
  const pace = timeScale === 0 ? "frozen: only POST /_kit/clock/advance moves them" : `x${timeScale}: they run ahead of the wall clock`;
  return `virtual task times ${pace}; callbacks are signed on the wall clock`;
}

/** How far virtual time is ahead of the wall clock, or nothing when it is not. */
export function aheadNote(aheadMs: number): string {
  if (aheadMs < 1000) return "";
  const seconds = Math.round(aheadMs / 1000);
  const text = seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
  return ` (virtual time is ${text} ahead of the wall clock)`;
}
