/**
 * A small seeded pseudo-random generator (Marsaglia's xorshift32). Not for
 * secrets: for workloads and tests that must come out the same every time
 * a seed is replayed, on QuickJS and in Node alike (Math.random can't be
 * seeded).
 */
export function xorshift32(seed: number): () => number {
  // Small seeds (1, 2, 3...) would start with tiny numbers: scramble the
  // seed first (MurmurHash3's finalizer). Zero is xorshift's one fixed point.
  let state = seed >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35);
  state = (state ^ (state >>> 16)) >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** An integer in [0, bound) from a xorshift32 generator. */
export function below(next: () => number, bound: number): number {
  return Math.floor((next() / 2 ** 32) * bound);
}
