/**
 * Lab 01 hosted tests: reading the PVH start info from simulated memory,
 * laid out by the hosted twin's loader as QEMU or Xen would.
 * Titles start with the rubric id they count for.
 */
import { describe, expect, it } from 'vitest';
import {
  MemoryType,
  memoryTypeName,
  readMemoryMap,
  readStartInfo,
  totalOf,
} from '../../../kernel/src/boot/start-info';
import { HostedMachine } from '../../../kernel/hosted/machine';
import { writeStartInfo } from '../../../kernel/hosted/pvh-loader';

describe('readStartInfo', () => {
  it('start-info-header: reads the version, command line address and entry count', () => {
    const machine = new HostedMachine();
    const address = writeStartInfo(machine.ram, 0x8000, 'a=1', []).startInfo;
    const info = readStartInfo(machine, address);
    expect(info.version, 'version is the u32 at offset 4').toBe(1);
    expect(info.memoryMap, 'memmap_entries (offset 48) is 0 here').toEqual([]);
    const cmdline = machine.physical(info.commandLineAddress, 4);
    expect(String.fromCharCode(...cmdline), 'cmdline_paddr is the u64 at offset 24').toBe('a=1\0');
  });

  it('start-info-header: rejects a structure without the PVH magic', () => {
    const machine = new HostedMachine();
    expect(() => readStartInfo(machine, 0x9000), 'check the u32 magic at offset 0').toThrow(
      /bad magic 0x0/,
    );
  });

  it('start-info-header: rejects version 0 and absurd entry counts', () => {
    const machine = new HostedMachine();
    const address = writeStartInfo(machine.ram, 0x8000, '', []).startInfo;
    const data = new DataView(machine.ram.buffer);
    data.setUint32(address + 48, 100_000, true);
    expect(() => readStartInfo(machine, address), 'more than MAX_MEMMAP_ENTRIES entries').toThrow(
      /100000 memory map entries/,
    );
    data.setUint32(address + 4, 0, true);
    expect(() => readStartInfo(machine, address), 'version 0 has no memory map').toThrow(
      /version 0/,
    );
  });

  it('start-info-header: refuses a 64-bit field a double cannot hold', () => {
    const machine = new HostedMachine();
    const address = writeStartInfo(machine.ram, 0x8000, '', []).startInfo;
    new DataView(machine.ram.buffer).setBigUint64(address + 24, 1n << 60n, true);
    expect(() => readStartInfo(machine, address), 'read u64 fields with u64()').toThrow(
      /cmdline_paddr .* beyond 2\^53/,
    );
  });

  it('memory-map: reads the entries the loader wrote', () => {
    const machine = new HostedMachine();
    const regions = [
      { base: 0, length: 0x9fc00, type: 1 },
      { base: 0x9fc00, length: 0x400, type: 2 },
      { base: 0x100000, length: 0x700000, type: 1 },
    ];
    const layout = writeStartInfo(machine.ram, 0x8000, '', regions);
    const map = readMemoryMap(machine, layout.memoryMap, regions.length);
    expect(map, 'each 24-byte entry: u64 base, u64 length, u32 type').toEqual(regions);
    expect(readMemoryMap(machine, layout.memoryMap, 0), 'no entries, no regions').toEqual([]);
  });

  it('memory-map: readStartInfo returns the memory map, sorted by address', () => {
    const machine = new HostedMachine({ memoryBytes: 8 << 20 });
    const info = readStartInfo(machine, machine.bootInfo().startInfo);
    expect(info.memoryMap, 'memmap_paddr (offset 40) and memmap_entries (offset 48)').toEqual([
      { base: 0, length: 0x9fc00, type: MemoryType.Ram },
      { base: 0x9fc00, length: 0x400, type: MemoryType.Reserved },
      { base: 0xf0000, length: 0x10000, type: MemoryType.Reserved },
      { base: 0x100000, length: (8 << 20) - 0x100000, type: MemoryType.Ram },
    ]);
    expect(totalOf(info.memoryMap, MemoryType.Ram)).toBe(0x9fc00 + (7 << 20));
  });

  it('memory-map: sorts entries a loader gave out of order, and keeps addresses above 4 GiB exact', () => {
    const machine = new HostedMachine();
    const layout = writeStartInfo(machine.ram, 0x8000, '', [
      { base: 0x1_0000_0000, length: 0x4000_0000, type: 1 },
      { base: 0x1000, length: 0x1000, type: 3 },
    ]);
    const map = readMemoryMap(machine, layout.memoryMap, 2);
    expect(
      map.map((r) => r.base),
      'sort by base; read bases as 64-bit',
    ).toEqual([0x1000, 0x1_0000_0000]);
    expect(memoryTypeName(map[0]!.type)).toBe('ACPI tables');
    expect(memoryTypeName(42)).toBe('type 42');
  });
});
