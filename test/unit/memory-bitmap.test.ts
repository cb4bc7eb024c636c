/** The bitmap under the frame allocator, checked against a plain boolean array. */
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../kernel/src/memory/bitmap';
import { below, xorshift32 } from '../../kernel/src/util/random';

function naiveFirst(bits: boolean[], value: boolean, from: number, to: number): number {
  for (let i = from; i < to; i++) if (bits[i] === value) return i;
  return -1;
}

describe('Bitmap', () => {
  it('finds clear and set bits across word boundaries', () => {
    const map = new Bitmap(100);
    map.fill(0, 40, true);
    expect(map.firstClear(0)).toBe(40);
    expect(map.firstSet(0, 100)).toBe(0);
    expect(map.firstSet(40, 100)).toBe(-1);
    map.fill(31, 2, false);
    expect(map.firstClear(0), 'bits 31 and 32 straddle words 0 and 1').toBe(31);
    expect(map.firstClear(32)).toBe(32);
    expect(map.firstClear(33)).toBe(40);
    expect(map.firstSet(31, 40)).toBe(33);
  });

  it('treats bits past its size as absent, not free', () => {
    const map = new Bitmap(33);
    map.fill(0, 33, true);
    expect(map.firstClear(0), 'bit 33 exists in the word but not in the map').toBe(-1);
    map.fill(32, 1, false);
    expect(map.firstClear(0)).toBe(32);
    expect(new Bitmap(0).firstClear(0)).toBe(-1);
  });

  it('honours the upper bound of a search window', () => {
    const map = new Bitmap(64);
    map.fill(10, 1, true);
    expect(map.firstSet(0, 10), '[0, 10) excludes bit 10').toBe(-1);
    expect(map.firstSet(0, 11)).toBe(10);
    map.fill(0, 64, true);
    map.fill(50, 1, false);
    expect(map.firstClear(0, 50)).toBe(-1);
    expect(map.firstClear(0, 51)).toBe(50);
  });

  it('refuses a size it cannot index', () => {
    expect(() => new Bitmap(-1)).toThrow(RangeError);
    expect(() => new Bitmap(2 ** 31)).toThrow(RangeError);
  });

  it.each([11, 12, 13])(
    'agrees with a boolean array on random fills and searches (seed %i)',
    (seed) => {
      const random = xorshift32(seed);
      const size = 1 + below(random, 300);
      const map = new Bitmap(size);
      const bits = new Array<boolean>(size).fill(false);
      for (let step = 0; step < 500; step++) {
        const from = below(random, size);
        const count = below(random, size - from + 1);
        const value = random() % 2 === 0;
        map.fill(from, count, value);
        bits.fill(value, from, from + count);
        const start = below(random, size);
        const end = start + below(random, size - start + 1);
        expect(map.firstClear(start, end), `step ${step}`).toBe(
          naiveFirst(bits, false, start, end),
        );
        expect(map.firstSet(start, end), `step ${step}`).toBe(naiveFirst(bits, true, start, end));
      }
      expect(Array.from({ length: size }, (_, i) => map.isSet(i))).toEqual(bits);
    },
  );
});
