/**
 * Every probe has one deadline for the whole run. A Deadline fires after
 * timeoutMs (or when the caller's AbortSignal aborts) and tells its
 * listeners; `race` settles a promise-based client call at the deadline even
 * when the client itself would wait longer: a probe must answer within its
 * timeout, whatever the target does. Plain callbacks rather than an
 * AbortController: hundreds of probes a second made EventTarget a visible
 * share of the probing CPU.
 */

export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

export class ProbeCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ProbeCancelled';
  }
}

export class Deadline {
  private readonly listeners = new Set<() => void>();
  private firedWith: Error | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly onParentAbort = () => this.fire(new ProbeCancelled());

  constructor(
    readonly timeoutMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.fire(new DeadlineExceeded(timeoutMs)), timeoutMs);
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  private fire(reason: Error): void {
    if (this.firedWith) return;
    this.firedWith = reason;
    this.clear();
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  get expired(): boolean {
    return this.firedWith !== null;
  }

  /** Why the deadline fired: DeadlineExceeded or ProbeCancelled. */
  get reason(): Error {
    return this.firedWith ?? new Error('the deadline has not fired');
  }

  /**
   * Calls `listener` once when the deadline fires (on the next microtask if
   * it already has: a run whose signal was aborted before it began must not
   * wait on a socket without a deadline); returns the function that
   * unsubscribes it.
   */
  onExpire(listener: () => void): () => void {
    if (this.firedWith) {
      let wanted = true;
      queueMicrotask(() => wanted && listener());
      return () => (wanted = false);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves or rejects with `work`, or rejects with the deadline's reason when it fires first. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.expired) {
      work.catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.onExpire(() => reject(this.reason));
      work.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}
