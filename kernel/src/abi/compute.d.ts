/**
 * The compute natives: the few pure loops that an interpreter makes too
 * slow for a kernel's hot path (every packet is checksummed, every store
 * record is CRC'd, every HTTP header is decoded). They are natives in
 * kernel/platform/compute.c, installed as the global `__compute`; each has
 * a TypeScript twin in kernel/src/util/ with identical results, used where
 * the natives are absent (the hosted twin, the browser) and compared with
 * them by a boot test. Kernel code calls them through util/compute.ts.
 *
 * Ranges are `[start, end)` of a Uint8Array. A range outside the array, a
 * non-integer offset or an initial value out of range is misuse and throws
 * a RangeError (never a read out of bounds).
 */
export interface ComputeNatives {
  /**
   * The Internet checksum's ones'-complement sum (RFC 1071) of the 16-bit
   * big-endian words of `bytes[start, end)` (an odd last byte is padded with
   * a zero), plus `initial` (0..0xffff, a previous partial sum). With S the
   * exact integer total, the result is S folded to 16 bits by end-around
   * carry: 0 when S is 0, else 1 + (S - 1) mod 0xffff. Not complemented: the
   * checksum field is `~sum & 0xffff`.
   */
  onesSum(bytes: Uint8Array, start: number, end: number, initial: number): number;

  /**
   * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78, as iSCSI and
   * ext4 use it) of `bytes[start, end)`, continuing from `crc` (0 to begin):
   * crc32c(b, crc32c(a, 0)) equals the CRC of a followed by b.
   */
  crc32c(bytes: Uint8Array, start: number, end: number, crc: number): number;

  /** How many bytes `text` takes as UTF-8 (a lone surrogate counts as U+FFFD, 3 bytes). */
  utf8Length(text: string): number;

  /**
   * Writes `text` as UTF-8 into `into` from `at` and returns the number of
   * bytes written. Lone surrogates are written as U+FFFD, as TextEncoder
   * does. Throws RangeError, writing nothing, if it does not fit.
   */
  utf8Encode(text: string, into: Uint8Array, at: number): number;

  /**
   * Decodes `bytes[start, end)` as UTF-8 the way TextDecoder does (the
   * WHATWG algorithm): each maximal ill-formed subsequence becomes one
   * U+FFFD; a byte-order mark is kept.
   */
  utf8Decode(bytes: Uint8Array, start: number, end: number): string;
}

declare global {
  /** Installed by the platform before the stage runs; read only by util/compute.ts. */
  var __compute: ComputeNatives | undefined;
}
