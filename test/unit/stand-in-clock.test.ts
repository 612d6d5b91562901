import { describe, expect, it } from "vitest";
import { createClock } from "../../src/stand-in/clock.js";

const origin = 1_700_000_000_000;

describe("virtual clock", () => {
  it("starts at the real time and runs timeScale times faster", () => {
    let wall = origin;
    const clock = createClock({ timeScale: 60, wallClock: () => wall });
    expect(clock.now()).toBe(origin);
    wall += 1000;
    expect(clock.now()).toBe(origin + 60_000);
    clock.advance(5000);
    expect(clock.now()).toBe(origin + 65_000);
    expect(clock.advancedMs).toBe(5000);
    clock.close();
  });

  it("when frozen, fires timers only on advance, in due order, each with its own due time", () => {
    const clock = createClock({ timeScale: 0, wallClock: () => origin });
    const fired: Array<[string, number]> = [];
    clock.at(origin + 3000, (due) => fired.push(["c", due]));
    clock.at(origin + 1000, (due) => fired.push(["a", due]));
    clock.at(origin + 1000, (due) => fired.push(["b", due]));
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(5000);
    expect(fired).toEqual([
      ["a", origin + 1000],
      ["b", origin + 1000],
      ["c", origin + 3000],
    ]);
    clock.close();
  });

  it("runs, within the same advance, timers set by timers that fell due", () => {
    const clock = createClock({ timeScale: 0, wallClock: () => origin });
    const fired: number[] = [];
    clock.at(origin + 1000, (due) => {
      fired.push(due);
      clock.at(due + 1800_000, (next) => fired.push(next));
    });
    clock.advance(3600_000);
    expect(fired).toEqual([origin + 1000, origin + 1801_000]);
    clock.close();
  });

  it("cancels a timer, and keeps firing the others when one throws", () => {
    const errors: unknown[] = [];
    const clock = createClock({ timeScale: 0, wallClock: () => origin, onError: (error) => errors.push(error) });
    const fired: string[] = [];
    const cancel = clock.at(origin + 10, () => fired.push("cancelled"));
    clock.at(origin + 20, () => {
      throw new Error("boom");
    });
    clock.at(origin + 30, () => fired.push("after"));
    cancel();
    clock.advance(100);
    expect(fired).toEqual(["after"]);
    expect(errors).toHaveLength(1);
    clock.close();
  });

  it("fires on real time, scaled: 10 virtual seconds at scale 1000 take about 10 ms", async () => {
    const clock = createClock({ timeScale: 1000 });
    const due = clock.now() + 10_000;
    const firedAt = await new Promise<number>((resolve) => clock.at(due, () => resolve(clock.now())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
    clock.close();
  });

  it("fires what is already due even on a frozen clock", async () => {
    const clock = createClock({ timeScale: 0 });
    const fired = await new Promise<boolean>((resolve) => clock.at(clock.now(), () => resolve(true)));
    expect(fired).toBe(true);
    clock.close();
  });

  it("rejects a negative scale and a negative advance", () => {
    expect(() => createClock({ timeScale: -1 })).toThrow(/tiw-push-kit: timeScale/);
    const clock = createClock();
    expect(() => clock.advance(-5)).toThrow(/tiw-push-kit: cannot advance/);
    clock.close();
  });
});
