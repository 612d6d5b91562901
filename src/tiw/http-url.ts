/** Whether `text` is an absolute http(s) URL: what a callback can be delivered to. */
export function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ["http:", "https:"].includes(new URL(text).protocol);
}
