/** Small formatting helpers for kernel output: the kernel has no printf. */

/** `0x` and at least `digits` hex digits. Exact for any safe integer. */
export function hex(value: number, digits = 1): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count in binary units: 655360 -> "640 KiB", 1572864 -> "1.5 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${UNITS[unit]}`;
}

/** Pads `text` on the right to `width` characters, for tables. */
export function column(text: string, width: number): string {
  return text.padEnd(width, ' ');
}
