import { AsyncLocalStorage } from 'node:async_hooks';

/** Runs a function in the context of this module's loading: outside every request (of every AsyncLocalStorage). */
const inRootContext: <R>(fn: () => R) => R = AsyncLocalStorage.snapshot();

/**
 * An unref'd `setTimeout` made outside every AsyncLocalStorage context, for a timer that serves many requests
 * (one per transport, one per delay). A timer keeps the contexts current when it is made until it fires or is
 * cleared: made during a request, it would hold that request's context (its request and response objects,
 * about 10 KB) for as long as it waits, well after the request was answered, and run its callback as part of
 * that request.
 */
export function detachedTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  const timer = inRootContext(() => setTimeout(fn, ms));
  timer.unref();
  return timer;
}
