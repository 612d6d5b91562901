import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { createTiwApi, type TiwApi } from "../../src/stand-in/http/tiw-api.js";

interface OfficialSigner {
  sign3(options: { method: string; url: string; payload: unknown; timestamp: number; service: string; secretId: string; secretKey: string; multipart: boolean; boundary: string; headers: Record<string, string> }): string;
}
// The official SDK's own TC3 signer (CommonJS), so expected signatures come from Tencent's code, not ours.
const { default: officialSigner } = createRequire(import.meta.url)("tencentcloud-sdk-nodejs/tencentcloud/common/sign.js") as { default: OfficialSigner };
const sign3 = officialSigner.sign3.bind(officialSigner);

const credentials = { secretId: "AKIDtc3testsecretid", secretKey: "tc3-test-secret-key" };
const wallNow = 1_700_000_000_000;
const nowSeconds = wallNow / 1000;
const body = { SdkAppId: 1400000001 };

interface SignOptions {
  secretId?: string;
  secretKey?: string;
  service?: string;
  timestamp?: number;
  url?: string;
  sentBody?: string;
}

function signedRequest(options: SignOptions = {}): Request {
  const url = options.url ?? "http://127.0.0.1:4010/";
  const timestamp = options.timestamp ?? nowSeconds;
  const authorization = sign3({
    method: "POST",
    url,
    payload: body,
    timestamp,
    service: options.service ?? "127",
    secretId: options.secretId ?? credentials.secretId,
    secretKey: options.secretKey ?? credentials.secretKey,
    multipart: false,
    boundary: "",
    headers: { "Content-Type": "application/json" },
  });
  return new Request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-TC-Action": "DescribeWhiteboardPushCallback",
      "X-TC-Version": "2019-09-19",
      "X-TC-Timestamp": String(timestamp),
      Authorization: authorization,
    },
    body: options.sentBody ?? JSON.stringify(body),
  });
}

const apis: TiwApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

function standIn(withCredentials = true): TiwApi {
  const api = createTiwApi({ timeScale: 0, wallClock: () => wallNow, ...(withCredentials ? { credentials } : {}) });
  apis.push(api);
  return api;
}

async function errorCode(api: TiwApi, request: Request): Promise<string | undefined> {
  const { Response } = (await (await api.fetch(request)).json()) as { Response: { Error?: { Code: string } } };
  return Response.Error?.Code;
}

describe("TC3-HMAC-SHA256 verification", () => {
  it("accepts the official signer's requests, whatever service the credential scope names", async () => {
    const api = standIn();
    expect(await errorCode(api, signedRequest({ service: "127" }))).toBeUndefined();
    expect(await errorCode(api, signedRequest({ service: "tiw", url: "https://tiw.tencentcloudapi.com/" }))).toBeUndefined();
    expect(await errorCode(api, signedRequest({ timestamp: nowSeconds - 299 }))).toBeUndefined();
  });

  it.each([
    ["a wrong SecretKey", { secretKey: "not-the-key" }, "AuthFailure.SignatureFailure"],
    ["an unknown SecretId", { secretId: "AKIDsomeoneelse" }, "AuthFailure.SecretIdNotFound"],
    ["a timestamp 301 s old", { timestamp: nowSeconds - 301 }, "AuthFailure.SignatureExpire"],
    ["a timestamp 301 s ahead", { timestamp: nowSeconds + 301 }, "AuthFailure.SignatureExpire"],
    ["a body changed after signing", { sentBody: JSON.stringify({ SdkAppId: 1400000002 }) }, "AuthFailure.SignatureFailure"],
    ["a host other than the one signed", { url: "http://127.0.0.2:4010/" }, "AuthFailure.SignatureFailure"],
  ] as const)("rejects %s", async (_, options: SignOptions, code) => {
    const api = standIn();
    const request = signedRequest(options);
    // The host check needs the request to arrive elsewhere than it was signed for.
    const arrived = options.url ? new Request("http://127.0.0.1:4010/", request) : request;
    expect(await errorCode(api, arrived)).toBe(code);
  });

  it("rejects a missing or malformed Authorization and a missing X-TC-Timestamp", async () => {
    const api = standIn();
    const withHeaders = (change: (headers: Headers) => void) => {
      const request = signedRequest();
      const headers = new Headers(request.headers);
      change(headers);
      return new Request(request.url, { method: "POST", headers, body: JSON.stringify(body) });
    };
    expect(await errorCode(api, withHeaders((headers) => headers.delete("authorization")))).toBe("AuthFailure.InvalidAuthorization");
    expect(await errorCode(api, withHeaders((headers) => headers.set("authorization", "Bearer token")))).toBe("AuthFailure.InvalidAuthorization");
    expect(await errorCode(api, withHeaders((headers) => headers.delete("x-tc-timestamp")))).toBe("MissingParameter");
  });

  it("accepts any signature, or none, when no key pair is configured", async () => {
    const api = standIn(false);
    expect(await errorCode(api, signedRequest({ secretKey: "anything" }))).toBeUndefined();
    const unsigned = new Request("http://127.0.0.1:4010/", {
      method: "POST",
      headers: { "X-TC-Action": "DescribeWhiteboardPushCallback", "X-TC-Version": "2019-09-19" },
      body: JSON.stringify(body),
    });
    expect(await errorCode(api, unsigned)).toBeUndefined();
  });
});
