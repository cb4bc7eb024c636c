import { describe, expect, it } from 'vitest';
import {
  MemoryType,
  memoryTypeName,
  readStartInfo,
  totalOf,
} from '../../kernel/src/boot/start-info';
import { HostedMachine } from '../../kernel/hosted/machine';
import { writeStartInfo } from '../../kernel/hosted/pvh-loader';

describe('readStartInfo', () => {
  it('reads the memory map the loader wrote, sorted by address', () => {
    const machine = new HostedMachine({ memoryBytes: 8 << 20, commandLine: 'a=1' });
    const info = readStartInfo(machine, machine.bootInfo().startInfo);
    expect(info.version).toBe(1);
    expect(info.memoryMap).toEqual([
      { base: 0, length: 0x9fc00, type: MemoryType.Ram },
      { base: 0x9fc00, length: 0x400, type: MemoryType.Reserved },
      { base: 0xf0000, length: 0x10000, type: MemoryType.Reserved },
      { base: 0x100000, length: (8 << 20) - 0x100000, type: MemoryType.Ram },
    ]);
    expect(totalOf(info.memoryMap, MemoryType.Ram)).toBe(0x9fc00 + (7 << 20));
    const cmdline = machine.physical(info.commandLineAddress, 4);
    expect(String.fromCharCode(...cmdline)).toBe('a=1\0');
  });

  it('sorts entries a loader gave out of order, and keeps addresses above 4 GiB exact', () => {
    const machine = new HostedMachine();
    const address = writeStartInfo(machine.ram, 0x8000, '', [
      { base: 0x1_0000_0000, length: 0x4000_0000, type: 1 },
      { base: 0x1000, length: 0x1000, type: 3 },
    ]);
    const map = readStartInfo(machine, address).memoryMap;
    expect(map.map((r) => r.base)).toEqual([0x1000, 0x1_0000_0000]);
    expect(memoryTypeName(map[0]!.type)).toBe('ACPI tables');
    expect(memoryTypeName(42)).toBe('type 42');
  });

  it('rejects a structure without the PVH magic', () => {
    const machine = new HostedMachine();
    expect(() => readStartInfo(machine, 0x9000)).toThrow(/bad magic 0x0/);
  });

  it('rejects version 0 and absurd entry counts', () => {
    const machine = new HostedMachine();
    const address = machine.bootInfo().startInfo;
    const data = new DataView(machine.ram.buffer);
    data.setUint32(address + 48, 100_000, true);
    expect(() => readStartInfo(machine, address)).toThrow(/100000 memory map entries/);
    data.setUint32(address + 4, 0, true);
    expect(() => readStartInfo(machine, address)).toThrow(/version 0/);
  });

  it('refuses a 64-bit field a double cannot hold', () => {
    const machine = new HostedMachine();
    const address = machine.bootInfo().startInfo;
    new DataView(machine.ram.buffer).setBigUint64(address + 24, 1n << 60n, true);
    expect(() => readStartInfo(machine, address)).toThrow(/cmdline_paddr .* beyond 2\^53/);
  });
});
