/**
 * Little-endian register files for the device models: PCI configuration
 * space, MSI-X tables and virtio config structures are all byte arrays that
 * drivers read and write 1, 2 or 4 bytes at a time.
 */

export type Width = 1 | 2 | 4;

/** The `width`-byte little-endian value at `offset`; bytes past the end read as 0. */
export function getLe(bytes: Uint8Array, offset: number, width: Width): number {
  let value = 0;
  for (let i = width - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

/** Stores the low `width` bytes of `value` at `offset`; bytes past the end are dropped. */
export function setLe(bytes: Uint8Array, offset: number, value: number, width: Width): void {
  for (let i = 0; i < width && offset + i < bytes.length; i++) {
    bytes[offset + i] = Math.floor(value / 256 ** i) & 0xff;
  }
}

/** A 64-bit little-endian value as a number (physical addresses fit in 53 bits). */
export function getLe64(bytes: Uint8Array, offset: number): number {
  return getLe(bytes, offset + 4, 4) * 2 ** 32 + getLe(bytes, offset, 4);
}

/**
 * Where a specification says a register MUST be accessed at its own width,
 * the models refuse other widths loudly: on QEMU such an access may happen
 * to work, but it is a driver bug that the hosted tests should name.
 */
export function requireWidth(what: string, width: Width, expected: readonly Width[]): void {
  if (!expected.includes(width)) {
    const allowed = expected.map((w) => `${8 * w}-bit`).join(' or ');
    throw new RangeError(`${what}: a ${8 * width}-bit access, the register takes ${allowed}`);
  }
}

export { hex } from '../src/util/format';
