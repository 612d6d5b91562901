import { CheckFailure, type Evidence } from "./check.js";
import type { Exchange } from "./transport.js";

const maxShown = 400;

/** A long body cut to a readable length, marking how much was left out. */
export function shorten(text: string, max: number = maxShown): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function describeSent(exchange: Exchange, step?: string): string {
  const request = `${exchange.method} ${exchange.url}${exchange.body === undefined ? "" : ` ${shorten(exchange.body)}`}`;
  return step ? `${step}: ${request}` : request;
}

export function describeReceived(exchange: Exchange): string {
  const ms = Math.round(exchange.ms);
  if (exchange.answer) {
    const body = exchange.answer.body.trim();
    return `HTTP ${exchange.answer.status}${body ? ` ${shorten(body, 300)}` : " (empty body)"} after ${ms} ms`;
  }
  if (exchange.timedOut) return `no answer within ${ms} ms`;
  return `no answer: ${exchange.error ?? "the request failed"} after ${ms} ms`;
}

export function evidenceOf(exchange: Exchange, expected: string, step?: string): Evidence {
  return { sent: describeSent(exchange, step), received: describeReceived(exchange), expected };
}

/** The receiver must answer 200: TIW's only definition of success. */
export function expectAcknowledged(exchange: Exchange, step: string): void {
  if (exchange.answer?.status === 200) return;
  throw new CheckFailure(`${step} was not acknowledged`, evidenceOf(exchange, "HTTP 200", step));
}

/** The receiver must refuse the callback with a 4xx (a 5xx says it crashed, a 200 that it was fooled). */
export function expectRejected(exchange: Exchange, step: string): void {
  const status = exchange.answer?.status;
  if (status !== undefined && status >= 400 && status < 500) return;
  const verdict = status === undefined ? "got no answer" : status < 400 ? "was accepted" : "crashed the receiver";
  throw new CheckFailure(`${step} ${verdict}`, evidenceOf(exchange, "a 4xx status: the callback must be refused", step));
}
