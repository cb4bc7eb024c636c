/**
 * The compute functions kernel code calls: the platform's natives where
 * they exist (QEMU, Xen), their TypeScript twins elsewhere (the hosted twin
 * in Node, the browser). Both give identical results; see abi/compute.d.ts
 * for what each computes, and test/boot for the comparison.
 */
import type { ComputeNatives } from '../abi/compute';
import { onesSumTwin } from './checksum';
import { crc32cTwin } from './crc32c';
import { utf8DecodeTwin, utf8EncodeTwin, utf8LengthTwin } from './utf8';

/** The TypeScript implementations, for tests that compare them with the natives. */
export const twins: ComputeNatives = {
  onesSum: onesSumTwin,
  crc32c: crc32cTwin,
  utf8Length: utf8LengthTwin,
  utf8Encode: utf8EncodeTwin,
  utf8Decode: utf8DecodeTwin,
};

/** Whether the platform provides the natives (false in the hosted twin). */
export const nativeCompute = globalThis.__compute !== undefined;

const compute: ComputeNatives = globalThis.__compute ?? twins;

export const onesSum = compute.onesSum;
export const crc32c = compute.crc32c;
export const utf8Length = compute.utf8Length;
export const utf8Encode = compute.utf8Encode;
export const utf8Decode = compute.utf8Decode;

/** The Internet checksum of `bytes[start, end)` plus `initial`: the value for a header's checksum field. */
export function internetChecksum(
  bytes: Uint8Array,
  start: number,
  end: number,
  initial = 0,
): number {
  return ~onesSum(bytes, start, end, initial) & 0xffff;
}

// #region encode
/** `text` as a new UTF-8 byte array. */
export function encodeUtf8(text: string): Uint8Array {
  const bytes = new Uint8Array(utf8Length(text));
  utf8Encode(text, bytes, 0);
  return bytes;
}
// #endregion encode

/** A whole byte array as UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decode(bytes, 0, bytes.length);
}
