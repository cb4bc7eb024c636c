/**
 * CRC-32C (Castagnoli), in TypeScript: the twin of the `crc32c` native (see
 * abi/compute.d.ts). Table-driven, one byte per step, over the reflected
 * polynomial 0x82f63b78; the register starts inverted and is inverted at
 * the end, so a CRC continues from a previous result.
 */
import { checkSpan } from './span';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cTwin(bytes: Uint8Array, start: number, end: number, crc: number): number {
  checkSpan(bytes, start, end, 'crc32c');
  if (!Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
    throw new RangeError(`crc32c: initial CRC ${crc} is not a 32-bit unsigned integer`);
  }
  let c = ~crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
