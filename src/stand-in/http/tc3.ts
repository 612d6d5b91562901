import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { TiwApiError } from "../tiw-api-error.js";

export interface Tc3Credentials {
  secretId: string;
  secretKey: string;
}

export interface SignedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

/** Tencent rejects a request whose `X-TC-Timestamp` is more than 5 minutes from its clock. */
const maxClockSkewSeconds = 300;

const authorizationPattern =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Verifies the `Authorization: TC3-HMAC-SHA256 ...` header of a Cloud API v3 request; throws a
 * `TiwApiError` with Tencent's code when it does not verify. The service name is taken from the
 * credential scope the client sent: the official SDK derives it from the endpoint's first label,
 * so against `127.0.0.1:4010` it is `127`.
 */
export function verifyTc3(request: SignedRequest, credentials: Tc3Credentials, nowSeconds: number): void {
  const authorization = request.headers.get("authorization");
  if (!authorization) throw new TiwApiError("AuthFailure.InvalidAuthorization", "The Authorization header is missing.");
  const match = authorizationPattern.exec(authorization.trim());
  if (!match) throw new TiwApiError("AuthFailure.InvalidAuthorization", "The Authorization header is not a valid TC3-HMAC-SHA256 authorization.");
  const [, secretId = "", date = "", service = "", signedHeaders = "", signature = ""] = match;
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host") || !headerNames.includes("content-type")) {
    throw new TiwApiError("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host.");
  }
  if (!sameText(secretId, credentials.secretId)) throw new TiwApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found.");

  const rawTimestamp = request.headers.get("x-tc-timestamp");
  if (rawTimestamp === null) throw new TiwApiError("MissingParameter", "The request is missing a required parameter `X-TC-Timestamp`.");
  if (!/^\d+$/.test(rawTimestamp.trim())) throw new TiwApiError("InvalidParameter", "The parameter `X-TC-Timestamp` must be Unix seconds.");
  const timestamp = Number(rawTimestamp);
  if (Math.abs(nowSeconds - timestamp) > maxClockSkewSeconds) {
    throw new TiwApiError("AuthFailure.SignatureExpire", `The request timestamp ${timestamp} is more than ${maxClockSkewSeconds} s from the server time ${nowSeconds}.`);
  }
  if (date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) {
    throw new TiwApiError("AuthFailure.SignatureFailure", "The date of the credential scope does not match X-TC-Timestamp.");
  }

  const signingKey = hmac(hmac(hmac(`TC3${credentials.secretKey}`, date), service), "tc3_request");
  const payloadHash = sha256Hex(request.body);
  const matches = hostVariants(request).some((host) => {
    const canonicalHeaders = headerNames.map((name) => `${name}:${name === "host" ? host : headerValue(request.headers, name)}\n`).join("");
    const canonicalRequest = [request.method, request.url.pathname, request.url.search.slice(1), canonicalHeaders, signedHeaders, payloadHash].join("\n");
    const stringToSign = ["TC3-HMAC-SHA256", rawTimestamp.trim(), `${date}/${service}/tc3_request`, sha256Hex(canonicalRequest)].join("\n");
    return sameText(hmac(signingKey, stringToSign).toString("hex"), signature);
  });
  if (!matches) throw new TiwApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
}

/**
 * The Host header as sent, and without its port: the official Node SDK signs the host name only
 * (`127.0.0.1`) while sending `Host: 127.0.0.1:4010`; Tencent's endpoints have no port, so both
 * forms are the same there.
 */
function hostVariants(request: SignedRequest): string[] {
  const sent = headerValue(request.headers, "host") || request.url.host.toLowerCase();
  const withoutPort = sent.replace(/:\d+$/, "");
  return withoutPort === sent ? [sent] : [sent, withoutPort];
}

function headerValue(headers: Headers, name: string): string {
  return (headers.get(name) ?? "").trim().toLowerCase();
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac("sha256", key).update(message).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Constant-time comparison; lengths are compared first because they are no secret. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
