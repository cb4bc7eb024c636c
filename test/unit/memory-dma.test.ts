/** DMA buffers and memory accounting on the hosted twin: zero-copy, zeroed, aligned, freed once. */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../../kernel/hosted/machine';
import { FrameError, OutOfMemoryError } from '../../kernel/src/memory/frames';
import { startMemory } from '../../kernel/src/memory/setup';
import { formatDelta, formatFrames } from '../../kernel/src/memory/usage';

const MiB = 1024 * 1024;

function setup() {
  const machine = new HostedMachine({ memoryBytes: 16 * MiB });
  return { machine, memory: startMemory(machine) };
}

describe('allocDma', () => {
  it('is the machine memory itself: writes through the view are in RAM at the address', () => {
    const { machine, memory } = setup();
    const buffer = memory.allocDma(10_000);
    expect(buffer.address % 4096).toBe(0);
    expect(buffer.frames, '10,000 bytes take 3 frames').toBe(3);
    expect(buffer.bytes.length, 'exactly the bytes asked for').toBe(10_000);
    buffer.view.setUint32(0, 0xcafef00d, true);
    buffer.bytes[9_999] = 0x5a;
    expect([...machine.ram.subarray(buffer.address, buffer.address + 4)]).toEqual([
      0x0d, 0xf0, 0xfe, 0xca,
    ]);
    expect(machine.ram[buffer.address + 9_999]).toBe(0x5a);
    machine.ram[buffer.address + 100] = 7; // a device writes...
    expect(buffer.bytes[100], '...and the kernel sees it').toBe(7);
  });

  it('hands out zeroed memory, whatever the frames held before', () => {
    const { machine, memory } = setup();
    machine.ram.fill(0xaa, 7 * MiB, 8 * MiB);
    const buffer = memory.allocDma(8192);
    expect(buffer.bytes.every((b) => b === 0)).toBe(true);
  });

  it('aligns the physical address as asked', () => {
    const { memory } = setup();
    memory.frames.alloc(); // 7 MiB is taken, so the next 64 KiB boundary is further up
    const buffer = memory.allocDma(100, { align: 64 * 1024 });
    expect(buffer.address).toBe(7 * MiB + 64 * 1024);
    expect(() => memory.allocDma(100, { align: 6000 })).toThrow(/power of two of at least 4096/);
    expect(() => memory.allocDma(100, { align: 2048 })).toThrow(RangeError);
  });

  it('gives its frames back once, and refuses a second free', () => {
    const { memory } = setup();
    const before = memory.frames.freeFrames;
    const buffer = memory.allocDma(3 * 4096 + 1);
    expect(memory.frames.freeFrames).toBe(before - 4);
    buffer.free();
    expect(memory.frames.freeFrames).toBe(before);
    expect(() => buffer.free()).toThrow(FrameError);
    expect(() => buffer.free()).toThrow(/freed twice/);
  });

  it('reports sizes it cannot meet as errors', () => {
    const { memory } = setup();
    expect(() => memory.allocDma(0)).toThrow(RangeError);
    expect(() => memory.allocDma(1.5)).toThrow(RangeError);
    expect(() => memory.allocDma(10 * MiB)).toThrow(OutOfMemoryError);
  });
});

describe('memory report', () => {
  it('counts frames and carries the engine heap', () => {
    const { memory } = setup();
    const buffer = memory.allocDma(4096 * 16);
    const report = memory.report();
    expect(report.frames).toEqual({ total: 2304, free: 2288, used: 16 });
    expect(report.heap.heapUsed).toBeGreaterThan(0);
    expect(formatFrames(report.frames)).toBe('2304 total, 2288 free, 16 used (64 KiB)');
    buffer.free();
    expect(memory.report().frames.used).toBe(0);
  });

  it('formats heap changes with a sign', () => {
    expect(formatDelta(1024, 3 * 1024 * 1024)).toBe('+3.0 MiB');
    expect(formatDelta(2048, 1024)).toBe('-1 KiB');
    expect(formatDelta(5, 5)).toBe('+0 B');
  });
});
