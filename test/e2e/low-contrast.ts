import type { Page } from "playwright-core";

/** Visible text, field values and placeholders included, whose contrast with the background behind it is below WCAG AA (4.5:1, 3:1 for large text). */
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
    /** Checks `text`, drawn in `color` on what is behind `element`. */
    const check = (element: Element, text: string, color: string) => {
      if (!text.trim() || element.closest("[hidden], .sr-only, dialog:not([open]), :disabled") || element.getClientRects().length === 0) return;
      const style = getComputedStyle(element);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const [fg, bg] = [luminance(rgba(color)), luminance(background(element))];
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${text.trim().slice(0, 40)}" in <${element.tagName.toLowerCase()} class="${element.className}">`);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement) check(node.parentElement, node.textContent ?? "", getComputedStyle(node.parentElement).color);
    }
    // What fields show is no text node: their value, or their placeholder while empty.
    for (const input of document.querySelectorAll("input:not([type=checkbox])")) {
      if (!(input instanceof HTMLInputElement)) continue;
      if (input.value) check(input, input.type === "password" ? "•".repeat(input.value.length) : input.value, getComputedStyle(input).color);
      else check(input, input.placeholder, getComputedStyle(input, "::placeholder").color);
    }
    return failures;
  });
}
