import { createReceiver, type Receiver, type ReceiverOptions } from "../../src/receiver/reference-receiver.js";

/** What a defect does with a POSTed body before the reference receiver sees it: pass it on (rewritten or not), or answer itself. */
export type BodyHook = (text: string, request: Request) => Promise<string | Response> | string | Response;

/** The reference receiver with one defect slipped in ahead of it, on POSTed bodies only. */
export function interceptingReceiver(options: ReceiverOptions, hook: BodyHook): Receiver {
  const receiver = createReceiver(options);
  return withDevelopmentErrors({
    tasks: receiver.tasks,
    async fetch(request) {
      if (request.method !== "POST") return receiver.fetch(request);
      const passed = await hook(await request.text(), request);
      if (passed instanceof Response) return passed;
      return receiver.fetch(new Request(request.url, { method: "POST", body: passed }));
    },
  });
}

/**
 * A receiver whose crashes answer 500 with the error's message, as a web framework in development
 * mode does, so the contract report can show it (the kit's own Node adapter never shows one).
 */
export function withDevelopmentErrors(receiver: Receiver): Receiver {
  return {
    tasks: receiver.tasks,
    async fetch(request) {
      try {
        return await receiver.fetch(request);
      } catch (error) {
        return Response.json({ error: (error as Error).message }, { status: 500 });
      }
    },
  };
}

/** The body as JSON, or undefined when it is not JSON. */
export function parsedOrUndefined<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
