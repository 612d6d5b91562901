import type { ChaosRates } from "../../delivery/chaos.js";
import type { Io } from "./command.js";

/** `start`'s flags, checked, with their defaults applied. */
export interface StartSettings {
  /** The user's own receiver: `start` then drives it instead of starting the reference receiver. */
  target?: string;
  /** Whether `callbackKey` is the built-in demo key (printed) rather than the user's (never printed). */
  demoKey: boolean;
  receiverPort: number;
  apiPort: number;
  /** Shared by the emitter, the stand-in and the receiver. */
  callbackKey: string;
  sdkAppId: number;
  /** Printed at start, so a run's traffic can be replayed with --seed. */
  seed: string;
  /** Events per second of the emitter. */
  rate: number;
  chaos: ChaosRates;
  /** `--chaos` as given, repeated in the emitter's line. */
  chaosText: string | undefined;
  /** Virtual seconds per real second of the stand-in. */
  timeScale: number;
  journalPath: string;
  apiJournalPath: string;
  verbose: boolean;
}

/** What every service of `start` gets: the settings, and the URLs of the services started before it. */
export interface StartContext {
  io: Io;
  settings: StartSettings;
  urls: Record<string, string>;
}

export interface RunningService {
  url?: string;
  /** One line printed after the URL. */
  description: string;
  /** A short line printed every 10 s and at exit. */
  status?(): string;
  stop(): Promise<void>;
}

/** One of the things `start` runs; its name labels its lines and its URL for the services after it. */
export interface StartService {
  name: string;
  start(context: StartContext): Promise<RunningService>;
}
