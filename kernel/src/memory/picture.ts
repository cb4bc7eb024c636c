/**
 * The physical memory picture: which RAM the TypeScript kernel owns. The
 * loader's memory map says where RAM is; from it we take away everything
 * that is already somebody's:
 *
 * - the first 1 MiB: real-mode interrupt vectors, the BIOS data areas, the
 *   EBDA, option ROMs, and (on QEMU) the loader's own structures;
 * - the loader's structures wherever they are: the PVH start info, its
 *   memory map, the command line and any modules (a loader may put them
 *   above 1 MiB, and the kernel still reads them);
 * - the platform's ranges from bootInfo().reserved: the image and the
 *   engine heap (JavaScript objects live there);
 * - anything above the identity-mapped 4 GiB, which hw.physical cannot view;
 * - any address a non-RAM map entry also claims (when firmware lists a range
 *   twice, the cautious entry wins).
 *
 * What is left, trimmed inward to whole 4 KiB frames, is the kernel's.
 */
import type { Hardware } from '../abi/hardware';
import {
  MEMMAP_ENTRY_SIZE,
  MemoryType,
  readStartInfo,
  START_INFO_SIZE,
  type MemoryRegion,
} from '../boot/start-info';
import { encodeUtf8 } from '../util/compute';
import { FRAME_SIZE } from './frames';
import { alignInward, overlaps, subtractAll, type Range } from './ranges';

const MiB = 1024 * 1024;
export const LOW_MEMORY_END = 1 * MiB;
/** boot.S identity-maps the first 4 GiB; hw.physical refuses views above it. */
export const IDENTITY_MAP_END = 4 * 1024 * MiB;
/** A PVH module list entry: u64 paddr, u64 size, u64 cmdline_paddr, u64 reserved. */
const MODULE_ENTRY_SIZE = 32;
/** More modules than any loader passes: a larger count means a corrupt start info. */
const MAX_MODULES = 64;

/** A range the kernel must not hand out, and why. */
export interface Withheld extends Range {
  why: string;
}

export interface MemoryPicture {
  /** The loader's memory map, sorted by address. */
  map: MemoryRegion[];
  withheld: Withheld[];
  /** RAM the kernel owns: whole frames, sorted, not overlapping. */
  owned: Range[];
}

// #region survey
export function surveyMemory(hw: Pick<Hardware, 'physical' | 'bootInfo'>): MemoryPicture {
  const info = hw.bootInfo();
  const start = readStartInfo(hw, info.startInfo);
  const withheld: Withheld[] = [
    { base: 0, length: LOW_MEMORY_END, why: 'first 1 MiB: firmware and BIOS areas' },
    ...loaderStructures(hw, info.startInfo, info.commandLine),
    ...info.reserved.map((r) => ({ base: r.base, length: r.length, why: `platform: ${r.name}` })),
    {
      base: IDENTITY_MAP_END,
      length: Number.MAX_SAFE_INTEGER - IDENTITY_MAP_END,
      why: 'above the identity-mapped 4 GiB',
    },
  ];
  return { map: start.memoryMap, withheld, owned: ownedRanges(start.memoryMap, withheld) };
}

/** RAM in the map, minus non-RAM entries and withheld ranges, in whole frames. */
export function ownedRanges(map: readonly MemoryRegion[], withheld: readonly Range[]): Range[] {
  const ram = map.filter((region) => region.type === MemoryType.Ram);
  const notRam = map.filter((region) => region.type !== MemoryType.Ram);
  return alignInward(subtractAll(ram, [...notRam, ...withheld]), FRAME_SIZE);
}
// #endregion survey

// #region loader-structures
/**
 * Where the loader left what the kernel reads: the start info itself, the
 * memory map and command line it points to, and the module list and
 * modules. readStartInfo has already checked the header.
 */
function loaderStructures(
  memory: Pick<Hardware, 'physical'>,
  startInfo: number,
  commandLine: string,
): Withheld[] {
  const bytes = memory.physical(startInfo, START_INFO_SIZE);
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const field = (offset: number) => Number(header.getBigUint64(offset, true));
  const found: Withheld[] = [{ base: startInfo, length: START_INFO_SIZE, why: 'PVH start info' }];
  const mapEntries = header.getUint32(48, true);
  if (mapEntries > 0) {
    found.push({ base: field(40), length: mapEntries * MEMMAP_ENTRY_SIZE, why: 'memory map' });
  }
  if (field(24) !== 0) {
    // The platform read the command line up to its NUL; the NUL is the loader's too.
    const length = encodeUtf8(commandLine).length + 1;
    found.push({ base: field(24), length, why: 'command line' });
  }
  const modules = header.getUint32(12, true);
  if (modules > MAX_MODULES) {
    throw new RangeError(`start info: ${modules} modules is more than ${MAX_MODULES}`);
  }
  if (modules > 0 && field(16) !== 0) {
    const table = field(16);
    found.push({ base: table, length: modules * MODULE_ENTRY_SIZE, why: 'module list' });
    const list = memory.physical(table, modules * MODULE_ENTRY_SIZE);
    const entries = new DataView(list.buffer, list.byteOffset, list.byteLength);
    for (let i = 0; i < modules; i++) {
      const base = Number(entries.getBigUint64(i * MODULE_ENTRY_SIZE, true));
      const length = Number(entries.getBigUint64(i * MODULE_ENTRY_SIZE + 8, true));
      found.push({ base, length, why: `module ${i}` });
    }
  }
  return found;
}
// #endregion loader-structures

/** The withheld ranges that take something away from RAM: the ones worth reporting. */
export function withheldFromRam(picture: MemoryPicture): Withheld[] {
  const ram = picture.map.filter((region) => region.type === MemoryType.Ram);
  return picture.withheld.filter((w) => ram.some((region) => overlaps(w, region)));
}
