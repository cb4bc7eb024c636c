/**
 * The loader's side of PVH boot, for the hosted twin: lays out an
 * `hvm_start_info`, its memory map and the command line in simulated RAM,
 * as QEMU or Xen would before jumping to the kernel.
 */
export interface LoaderRegion {
  base: number;
  length: number;
  type: number;
}

/** Where the loader put each structure. */
export interface LoaderLayout {
  startInfo: number;
  memoryMap: number;
  commandLine: number;
}

/** Writes the start info at `address`, the memory map and command line after it. */
export function writeStartInfo(
  ram: Uint8Array,
  address: number,
  commandLine: string,
  regions: LoaderRegion[],
): LoaderLayout {
  const data = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  const memmap = address + 64;
  const cmdline = memmap + regions.length * 24;
  data.setUint32(address, 0x336ec578, true);
  data.setUint32(address + 4, 1, true); // version 1: has a memory map
  data.setBigUint64(address + 24, BigInt(cmdline), true);
  data.setBigUint64(address + 40, BigInt(memmap), true);
  data.setUint32(address + 48, regions.length, true);
  regions.forEach((region, i) => {
    data.setBigUint64(memmap + i * 24, BigInt(region.base), true);
    data.setBigUint64(memmap + i * 24 + 8, BigInt(region.length), true);
    data.setUint32(memmap + i * 24 + 16, region.type, true);
  });
  const text = new TextEncoder().encode(`${commandLine}\0`);
  ram.set(text, cmdline);
  return { startInfo: address, memoryMap: memmap, commandLine: cmdline };
}
