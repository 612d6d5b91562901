/** A server as one function over the web's `Request` and `Response`: the core every adapter (Node, MSW, tests) wraps. */
export type FetchHandler = (request: Request) => Promise<Response>;
