/**
 * Just enough Ethernet to exchange raw frames in chapter 4 (chapter 5
 * builds the real layer): 6-byte destination and source MACs, a 2-byte
 * big-endian EtherType, then the payload.
 */
import { hexDigits } from '../util/format';

export const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
/** IEEE 802's "local experimental" EtherType: ours to use on a private link. */
export const ETHERTYPE_EXPERIMENTAL = 0x88b5;
export const HEADER_SIZE = 14;

export interface Frame {
  destination: Uint8Array;
  source: Uint8Array;
  etherType: number;
  payload: Uint8Array;
}

export function buildFrame(frame: Frame): Uint8Array {
  const bytes = new Uint8Array(Math.max(60, HEADER_SIZE + frame.payload.length));
  bytes.set(frame.destination, 0);
  bytes.set(frame.source, 6);
  bytes[12] = frame.etherType >> 8;
  bytes[13] = frame.etherType & 0xff;
  bytes.set(frame.payload, HEADER_SIZE);
  return bytes;
}

export function parseFrame(bytes: Uint8Array): Frame {
  if (bytes.length < HEADER_SIZE)
    throw new RangeError(`Ethernet: a ${bytes.length}-byte frame has no header`);
  return {
    destination: bytes.subarray(0, 6),
    source: bytes.subarray(6, 12),
    etherType: (bytes[12]! << 8) | bytes[13]!,
    payload: bytes.subarray(HEADER_SIZE),
  };
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => hexDigits(b, 2)).join(':');
}
