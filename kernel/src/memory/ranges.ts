/**
 * Physical address ranges and the arithmetic the memory picture needs:
 * merge, subtract, and trim to whole frames. A range is `[base, base +
 * length)`, the same shape as the memory map's entries and the platform's
 * reserved ranges, so those can be passed in directly.
 *
 * Addresses stay below 2^53 (start-info.ts refuses larger ones), so plain
 * numbers are exact; nothing here uses 32-bit bitwise operators.
 */

export interface Range {
  base: number;
  length: number;
}

export function endOf(range: Range): number {
  return range.base + range.length;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.base < endOf(b) && b.base < endOf(a);
}

/** Sorted by base, touching or overlapping ranges joined, empty ones dropped. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.base - b.base);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.base <= endOf(last)) {
      last.length = Math.max(endOf(last), endOf(range)) - last.base;
    } else {
      merged.push({ base: range.base, length: range.length });
    }
  }
  return merged;
}

// #region subtract
/**
 * The parts of `ranges` that `cut` does not touch. A cut in the middle of
 * a range leaves two pieces; the result is sorted and has no empty ranges.
 */
export function subtractRange(ranges: readonly Range[], cut: Range): Range[] {
  // #lab 02: return the pieces of each range that lie outside `cut`
  // For each range: no overlap keeps it whole; otherwise keep the piece
  // below cut.base and the piece from endOf(cut) up, whichever are not
  // empty. Do not modify the input ranges.
  const pieces: Range[] = [];
  for (const range of ranges) {
    if (!overlaps(range, cut)) {
      if (range.length > 0) pieces.push({ base: range.base, length: range.length });
      continue;
    }
    if (range.base < cut.base) pieces.push({ base: range.base, length: cut.base - range.base });
    if (endOf(range) > endOf(cut)) {
      pieces.push({ base: endOf(cut), length: endOf(range) - endOf(cut) });
    }
  }
  return pieces.sort((a, b) => a.base - b.base);
  // #endlab
}
// #endregion subtract

/** `ranges` with every range in `cuts` taken out. */
export function subtractAll(ranges: readonly Range[], cuts: readonly Range[]): Range[] {
  return cuts.reduce<Range[]>((left, cut) => subtractRange(left, cut), mergeRanges(ranges));
}

// #region align-inward
/**
 * Shrinks each range to the whole `unit`-sized blocks inside it: the base
 * rounds up, the end rounds down, and ranges too small to hold one block
 * disappear. Rounding outward would hand out bytes that are not RAM.
 */
export function alignInward(ranges: readonly Range[], unit: number): Range[] {
  // #lab 02: keep only the whole unit-sized blocks of each range
  // Round the base up and the end down to multiples of `unit` (use
  // Math.ceil / Math.floor: addresses above 4 GiB break `&` and `|`), and
  // drop ranges that end up empty.
  const aligned: Range[] = [];
  for (const range of ranges) {
    const base = Math.ceil(range.base / unit) * unit;
    const end = Math.floor(endOf(range) / unit) * unit;
    if (end > base) aligned.push({ base, length: end - base });
  }
  return aligned;
  // #endlab
}
// #endregion align-inward

/** Total bytes in the ranges (which should not overlap). */
export function totalBytes(ranges: readonly Range[]): number {
  return ranges.reduce((sum, range) => sum + range.length, 0);
}
