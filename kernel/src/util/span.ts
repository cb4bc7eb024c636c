/**
 * The range check every byte-range function shares: `[start, end)` must be
 * integers inside the array. Kernel code that passes anything else has a
 * bug, so this throws (input from outside is checked before it gets here).
 */
export function checkSpan(bytes: Uint8Array, start: number, end: number, what: string): void {
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    start > end ||
    end > bytes.length
  ) {
    throw new RangeError(`${what}: [${start}, ${end}) is not a range of ${bytes.length} bytes`);
  }
}
