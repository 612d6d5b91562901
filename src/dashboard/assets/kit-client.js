// @ts-check
/* global fetch */
/** The dashboard's only way to the stand-in: its documented `/_kit/` endpoints, on the same origin. */

/** @typedef {import("./kit-types.js").KitProblem} KitProblem */

export const kit = "../_kit/";

/**
 * The answer's JSON; a failed request throws with the problem's message, as the API wrote it.
 * @param {string} path below /_kit/
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
export async function request(path, init) {
  const response = await fetch(kit + path, { ...init, headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}) } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = /** @type {Partial<KitProblem> | undefined} */ (body);
    throw new Error(problem?.message ?? `HTTP ${response.status} from /_kit/${path}`);
  }
  return body;
}

/** @param {string} path @param {object} [body] */
export function post(path, body) {
  return request(path, { method: "POST", ...(body ? { body: JSON.stringify(body) } : {}) });
}
