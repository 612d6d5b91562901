/** Node arguments that make a child report its own peak RSS on stderr as it exits, and the reader of that line. */
export const reportPeakRss = ["--import", `data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kb "+process.resourceUsage().maxRSS+"\\n"))`];

/** The peak RSS, in MB, a child started with `reportPeakRss` reported; undefined if it did not. */
export function peakRssMbOf(stderr: string): number | undefined {
  const peak = /peak-rss-kb (\d+)/.exec(stderr);
  return peak ? Number(peak[1]) / 1024 : undefined;
}
