import type { KitChange } from "../types.js";

export interface ChangeStream {
  response: Response;
  /** Ends the stream (the stand-in is closing). */
  end(): void;
}

/**
 * Server-sent events of every change: one unnamed message per change, its `data` a `KitChange` as
 * JSON, so `new EventSource(url).onmessage` sees them all. Ends when the client goes away.
 */
export function changeStream(subscribe: (listener: (change: KitChange) => void) => () => void, signal: AbortSignal): ChangeStream {
  const encoder = new TextEncoder();
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      // A comment first, so the client sees the answer's headers before the first change.
      controller.enqueue(encoder.encode(": tiw-push-kit changes\n\n"));
      const unsubscribe = subscribe((change) => {
        if (open) controller.enqueue(encoder.encode(`data: ${JSON.stringify(change)}\n\n`));
      });
      end = () => {
        if (!open) return;
        open = false;
        unsubscribe();
        controller.close();
      };
      signal.addEventListener("abort", end, { once: true });
    },
    cancel() {
      end();
    },
  });
  return {
    response: new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } }),
    end: () => end(),
  };
}
