import type { Page } from "playwright-core";

/** Visible text whose contrast with the background behind it is below WCAG AA (4.5:1, 3:1 for large text). */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number, number?];
    const luminance = ([r, g, b]: Array<number | undefined>) => {
      const [R, G, B] = [r, g, b].map((channel) => {
        const c = (channel ?? 0) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (R ?? 0) + 0.7152 * (G ?? 0) + 0.0722 * (B ?? 0);
    };
    const background = (element: Element | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
        if (a > 0) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !(node.textContent ?? "").trim() || element.closest("[hidden], .sr-only, dialog:not([open]), :disabled")) continue;
      if (element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const [fg, bg] = [luminance(rgba(style.color)), luminance(background(element))];
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${(node.textContent ?? "").trim().slice(0, 40)}" in <${element.tagName.toLowerCase()} class="${element.className}">`);
    }
    return failures;
  });
}
