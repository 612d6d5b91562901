import type { KitChange } from "../types.js";

export interface ChangeStream {
  response: Response;
  /** Ends the stream (the stand-in is closing). */
  end(): void;
}

/** Bytes queued for one client before it counts as too slow and is disconnected. */
const maxQueuedBytes = 256 * 1024;

/**
 * Server-sent events of every change: one unnamed message per change, its `data` a `KitChange` as
 * JSON, so `new EventSource(url).onmessage` sees them all. Ends when the client goes away; a
 * client that stops reading is disconnected once 256 KiB wait for it (an EventSource reconnects,
 * and the dashboard reloads its snapshot), so no client can make the stand-in hold more.
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
        if (!open) return;
        if ((controller.desiredSize ?? 0) <= 0) {
          open = false;
          unsubscribe();
          controller.error(new Error("tiw-push-kit: event-stream client too slow, disconnected"));
          return;
        }
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(change)}\n\n`));
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
  }, new ByteLengthQueuingStrategy({ highWaterMark: maxQueuedBytes }));
  return {
    response: new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } }),
    end: () => end(),
  };
}
