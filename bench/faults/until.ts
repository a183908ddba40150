/**
 * Waiting for a condition instead of sleeping, for the fault groups
 * (test/support/wait.ts needs vitest's runtime, which the benchmark has not).
 */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value as NonNullable<T>;
    if (performance.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
