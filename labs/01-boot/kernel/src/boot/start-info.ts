/**
 * The PVH start info: how the loader (QEMU or Xen) tells the kernel where
 * RAM is and what its command line says. The platform hands TypeScript the
 * structure's physical address; this module reads it through a memory view.
 *
 * Layout from Xen's public header arch-x86/hvm/start_info.h, all fields
 * little-endian:
 *
 *   0  u32 magic (0x336ec578)     4  u32 version     8  u32 flags
 *  12  u32 nr_modules            16  u64 modlist_paddr
 *  24  u64 cmdline_paddr         32  u64 rsdp_paddr
 *  40  u64 memmap_paddr          48  u32 memmap_entries   (version >= 1)
 *
 * Each memory map entry is 24 bytes: u64 addr, u64 size, u32 type, u32 reserved.
 */
import type { Hardware } from '../abi/hardware';

export const HVM_START_MAGIC = 0x336ec578;
export const START_INFO_SIZE = 56;
export const MEMMAP_ENTRY_SIZE = 24;
/** More entries than any real machine reports: a larger count means a corrupt structure. */
export const MAX_MEMMAP_ENTRIES = 128;

/** Memory map entry types (the E820 numbering). */
export enum MemoryType {
  Ram = 1,
  Reserved = 2,
  AcpiReclaimable = 3,
  AcpiNvs = 4,
  Unusable = 5,
  Disabled = 6,
  Persistent = 7,
}

export interface MemoryRegion {
  base: number;
  length: number;
  type: MemoryType;
}

export interface StartInfo {
  version: number;
  flags: number;
  moduleCount: number;
  commandLineAddress: number;
  rsdpAddress: number;
  memoryMap: MemoryRegion[];
}

export type PhysicalMemory = Pick<Hardware, 'physical'>;

/** A DataView over physical memory (little-endian reads are the default below). */
function view(memory: PhysicalMemory, address: number, length: number): DataView {
  const bytes = memory.physical(address, length);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads a 64-bit field as a number, refusing values a double cannot hold exactly. */
function u64(data: DataView, offset: number, what: string): number {
  const value = data.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`start info: ${what} 0x${value.toString(16)} is beyond 2^53`);
  }
  return Number(value);
}

// #region read-start-info
export function readStartInfo(memory: PhysicalMemory, address: number): StartInfo {
  // TODO(lab 01): read the hvm_start_info fields at `address` (offsets in the comment at the top)
  // Check the magic and the version (the memory map needs version 1 or
  // later) and refuse more than MAX_MEMMAP_ENTRIES entries, each with a
  // clear Error; read 64-bit fields with u64().
  throw new Error(
    'lab 01: not written yet: read the hvm_start_info fields at `address` (offsets in the comment at the top)',
  );
}
// #endregion read-start-info

// #region read-memory-map
export function readMemoryMap(
  memory: PhysicalMemory,
  address: number,
  count: number,
): MemoryRegion[] {
  if (count === 0) return [];
  // TODO(lab 01): read `count` 24-byte entries at `address` into MemoryRegions, sorted by base
  throw new Error(
    'lab 01: not written yet: read `count` 24-byte entries at `address` into MemoryRegions, sorted by base',
  );
}
// #endregion read-memory-map

const TYPE_NAMES: Record<number, string> = {
  [MemoryType.Ram]: 'RAM',
  [MemoryType.Reserved]: 'reserved',
  [MemoryType.AcpiReclaimable]: 'ACPI tables',
  [MemoryType.AcpiNvs]: 'ACPI NVS',
  [MemoryType.Unusable]: 'unusable',
  [MemoryType.Disabled]: 'disabled',
  [MemoryType.Persistent]: 'persistent',
};

export function memoryTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

/** Total bytes of the given type. */
export function totalOf(regions: MemoryRegion[], type: MemoryType): number {
  return regions.filter((r) => r.type === type).reduce((sum, r) => sum + r.length, 0);
}
