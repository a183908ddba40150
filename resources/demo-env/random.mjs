/**
 * A seeded random source for the demo's synthetic traffic, so `--seed`
 * makes a run repeatable. mulberry32: tiny, fast, good enough for noise.
 */

/** @param {number} seed */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** A standard normal draw (Box-Muller). */
    normal() {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    /** Log-normal with the given median and shape: latencies have a long right tail. */
    logNormal(median, sigma) {
      return median * Math.exp(sigma * this.normal());
    },
  };
}
