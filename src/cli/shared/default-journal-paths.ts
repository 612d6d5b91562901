/** Where `emit`, `resend`, `log` and `start`'s emitter keep their journal unless --journal says otherwise. */
export const defaultJournalPath = ".tiw-push-kit/journal.db";

/** Where `serve` and `start`'s stand-in journal their callbacks; apart, so the two never share a file. */
export const defaultServeJournalPath = ".tiw-push-kit/serve-journal.db";
