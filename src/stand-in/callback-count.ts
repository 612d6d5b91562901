/** "1 callback", "2 callbacks": for the stand-in's messages. */
export function callbackCount(count: number): string {
  return count === 1 ? "1 callback" : `${count} callbacks`;
}
