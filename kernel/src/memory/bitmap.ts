/**
 * A fixed-size set of bits, one per frame, packed 32 to a word. The frame
 * allocator asks two questions of it, "where is the next clear bit?" and
 * "is any bit in this window set?", and both skip whole words at a time:
 * a full word (all used) or an empty one (all free) is one comparison, not
 * thirty-two. That matters on an interpreter: a 128 MiB machine has 32,768
 * frames but only 1,024 words.
 *
 * Bit i lives in word i >>> 5 at position i & 31. Indices stay below 2^31,
 * so JavaScript's 32-bit bitwise operators are safe here (unlike on
 * physical addresses, which can be above 4 GiB).
 */
export class Bitmap {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0 || size >= 2 ** 31) {
      throw new RangeError(`bitmap size must be an integer from 0 to 2^31 - 1, got ${size}`);
    }
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  isSet(index: number): boolean {
    return (this.words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  /** Sets (value true) or clears bits [from, from + count). */
  fill(from: number, count: number, value: boolean): void {
    const end = from + count;
    let i = from;
    while (i < end) {
      const word = i >>> 5;
      if ((i & 31) === 0 && i + 32 <= end) {
        this.words[word] = value ? 0xffffffff : 0; // a whole word at once
        i += 32;
        continue;
      }
      const bit = 1 << (i & 31);
      this.words[word] = value ? this.words[word]! | bit : this.words[word]! & ~bit;
      i++;
    }
  }

  // #region first-clear
  /** The lowest clear bit in [from, to), or -1 if they are all set. */
  firstClear(from: number, to = this.size): number {
    for (let word = from >>> 5; word * 32 < to; word++) {
      // Count the bits below `from` in its own word as set, so they are skipped.
      const below = word === from >>> 5 ? lowBits(from & 31) : 0;
      const bits = this.words[word]! | below; // `|` gives a signed value: all ones is -1
      if (bits === -1) continue;
      // ~bits & (bits + 1) keeps only the lowest clear bit.
      const index = word * 32 + bitIndex(~bits & (bits + 1));
      return index < to ? index : -1;
    }
    return -1;
  }
  // #endregion first-clear

  /** The lowest set bit in [from, to), or -1 if they are all clear. */
  firstSet(from: number, to: number): number {
    for (let word = from >>> 5; word * 32 < to; word++) {
      const below = word === from >>> 5 ? lowBits(from & 31) : 0;
      const bits = this.words[word]! & ~below;
      if (bits === 0) continue;
      // bits & -bits keeps only the lowest set bit.
      const index = word * 32 + bitIndex(bits & -bits);
      return index < to ? index : -1;
    }
    return -1;
  }
}

/** A mask of the low `count` bits (count 0..31). */
function lowBits(count: number): number {
  return count === 0 ? 0 : -1 >>> (32 - count);
}

/** The position of the one bit set in `single`. */
function bitIndex(single: number): number {
  return 31 - Math.clz32(single);
}
