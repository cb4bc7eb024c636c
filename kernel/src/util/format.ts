/** Small formatting helpers for kernel output: the kernel has no printf. */

/** At least `digits` hex digits, no prefix: "0a", "1af4". Exact for any safe integer. */
export function hexDigits(value: number, digits = 1): string {
  return value.toString(16).padStart(digits, '0');
}

/** `0x` and at least `digits` hex digits. */
export function hex(value: number, digits = 1): string {
  return `0x${hexDigits(value, digits)}`;
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
