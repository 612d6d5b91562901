/** The address servers bind to unless told otherwise: nothing is exposed beyond this machine. */
export const loopback = "127.0.0.1";
