/**
 * `result`, or `fallback()` if `deadline` passes first: a request that joins work another
 * request started waits for it no longer than its own deadline.
 */
export function settleBy<T>(result: Promise<T>, deadline: AbortSignal, fallback: () => T): Promise<T> {
  if (deadline.aborted) return Promise.resolve(fallback());
  return new Promise((resolve) => {
    const onAbort = () => resolve(fallback());
    deadline.addEventListener('abort', onAbort, { once: true });
    void result.then((value) => {
      deadline.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
