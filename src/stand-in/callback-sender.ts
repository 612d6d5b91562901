import type { WhiteboardPushEvent } from "../tiw/events.js";
import type { KitAttempt } from "./types.js";

export interface CallbackRoute {
  /** The callback URL. */
  target: string;
  /** Signs the callback at send time when set; without it, `ExpireTime` and `Sign` are left out, as TIW does. */
  callbackKey?: string;
  /** Unique per delivery, so a journal can tell deliveries apart. */
  eventId: string;
  /** When the delivery was created, wall-clock Unix ms: a callback queued behind its task's earlier one keeps it. */
  createdAt: number;
  /** Told about every attempt, retries included, with the exact body it sent. */
  onAttempt(attempt: KitAttempt, body: string): void;
}

/**
 * The part of a delivery engine the stand-in needs: keep a callback, send it (retrying as the
 * engine sees fit) and report each attempt. `send` resolves true when the receiver acknowledged it.
 */
export interface CallbackSender {
  /**
   * Makes a callback durable (a pending journal record) the moment it is produced, before it waits
   * for its task's earlier callbacks: a kill cannot lose it. Throws when that write fails. Absent
   * on a sender that keeps nothing.
   */
  record?(event: WhiteboardPushEvent, route: Omit<CallbackRoute, "onAttempt">): void;
  send(event: WhiteboardPushEvent, route: CallbackRoute): Promise<boolean>;
  close(): Promise<void>;
}
