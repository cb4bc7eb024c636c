/**
 * The Internet checksum's ones'-complement sum (RFC 1071), in TypeScript:
 * the twin of the `onesSum` native (see abi/compute.d.ts for the contract).
 *
 * Adding 16-bit words with end-around carry is the same as adding them as
 * ordinary integers and folding the carries in at the end, so the loop
 * keeps one exact sum (a double holds 2^53: far more words than any packet)
 * and folds once.
 */
import { checkSpan } from './span';

// #region ones-sum
export function onesSumTwin(
  bytes: Uint8Array,
  start: number,
  end: number,
  initial: number,
): number {
  checkSpan(bytes, start, end, 'onesSum');
  if (!Number.isInteger(initial) || initial < 0 || initial > 0xffff) {
    throw new RangeError(`onesSum: initial sum ${initial} is not 0..0xffff`);
  }
  let sum = initial;
  let i = start;
  for (const last = end - 1; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8; // an odd last byte, padded with zero
  return fold(sum);
}
// #endregion ones-sum

/** Folds an exact sum to 16 bits with end-around carry: 0 stays 0, else 1 + (S - 1) mod 0xffff. */
export function fold(sum: number): number {
  return sum === 0 ? 0 : 1 + ((sum - 1) % 0xffff);
}
