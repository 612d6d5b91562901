import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign, verify, withSignature } from "../../src/tiw/signing.js";
import { generate } from "../../src/generate/generate.js";

// Expected values are computed with node:crypto here, independently of the code under test.
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

describe("sign", () => {
  it("matches Tencent's official test vector", () => {
    expect(sign("Xz4ZgayTr7rMgWQrH", 1588040109)).toBe("a2dabb362a9b811c0e26953a6276a41c");
  });

  it("is md5 of the key followed by the decimal ExpireTime, lowercase hex", () => {
    for (const [key, expireTime] of [["k", 0], ["a longer key with spaces", 1700000000], ["密钥", 4102444800]] as const) {
      expect(sign(key, expireTime)).toBe(md5(key + String(expireTime)));
      expect(sign(key, expireTime)).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe("verify", () => {
  it("accepts the official vector and rejects any other key, time or signature", () => {
    expect(verify("Xz4ZgayTr7rMgWQrH", 1588040109, "a2dabb362a9b811c0e26953a6276a41c")).toBe(true);
    expect(verify("Xz4ZgayTr7rMgWQrh", 1588040109, "a2dabb362a9b811c0e26953a6276a41c")).toBe(false);
    expect(verify("Xz4ZgayTr7rMgWQrH", 1588040110, "a2dabb362a9b811c0e26953a6276a41c")).toBe(false);
    expect(verify("Xz4ZgayTr7rMgWQrH", 1588040109, "A2DABB362A9B811C0E26953A6276A41C")).toBe(false);
  });

  it("rejects signatures of another length without throwing", () => {
    expect(verify("k", 1, "")).toBe(false);
    expect(verify("k", 1, md5("k1").slice(0, 31))).toBe(false);
    expect(verify("k", 1, md5("k1") + "0")).toBe(false);
  });
});

describe("withSignature", () => {
  it("sets ExpireTime and its Sign without touching the rest", () => {
    const [event] = generate({ count: 1, seed: 3, now: 1700000000 });
    if (!event) throw new Error("no event generated");
    const signed = withSignature(event, "key", 1700000600);
    expect(signed).toEqual({ ...event, ExpireTime: 1700000600, Sign: md5("key1700000600") });
    expect(event).not.toHaveProperty("Sign");
  });
});
