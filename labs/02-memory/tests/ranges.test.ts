/**
 * Lab 02 hosted tests: range arithmetic and the memory picture it builds.
 * Titles start with the rubric id they count for.
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../../../kernel/hosted/machine';
import { MemoryType } from '../../../kernel/src/boot/start-info';
import { ownedRanges, surveyMemory } from '../../../kernel/src/memory/picture';
import { alignInward, subtractRange, type Range } from '../../../kernel/src/memory/ranges';

const MiB = 1024 * 1024;

describe('subtractRange', () => {
  it('ranges-subtract: a cut in the middle leaves the piece below and the piece above', () => {
    const ram = [{ base: 0x100000, length: 0x300000 }];
    expect(subtractRange(ram, { base: 0x200000, length: 0x10000 })).toEqual([
      { base: 0x100000, length: 0x100000 },
      { base: 0x210000, length: 0x1f0000 },
    ]);
    expect(ram, 'the input ranges must not change').toEqual([{ base: 0x100000, length: 0x300000 }]);
  });

  it('ranges-subtract: cuts at the edges, over everything, and beside the range', () => {
    const ram: Range[] = [{ base: 0x1000, length: 0x3000 }];
    expect(subtractRange(ram, { base: 0, length: 0x2000 }), 'a cut over the low end').toEqual([
      { base: 0x2000, length: 0x2000 },
    ]);
    expect(subtractRange(ram, { base: 0x3000, length: 0x8000 }), 'a cut over the high end').toEqual(
      [{ base: 0x1000, length: 0x2000 }],
    );
    expect(subtractRange(ram, { base: 0, length: 0x10000 }), 'a cut over all of it').toEqual([]);
    expect(
      subtractRange(ram, { base: 0x4000, length: 0x1000 }),
      'a cut that only touches the end (ranges are half-open) takes nothing',
    ).toEqual([{ base: 0x1000, length: 0x3000 }]);
    expect(
      subtractRange(ram, { base: 0x1000, length: 0x3000 }),
      'a cut exactly the range leaves no empty piece behind',
    ).toEqual([]);
  });

  it('ranges-subtract: works on several ranges and returns them sorted', () => {
    const ranges = [
      { base: 0x50000, length: 0x10000 },
      { base: 0x10000, length: 0x10000 },
    ];
    expect(subtractRange(ranges, { base: 0x18000, length: 0x3c000 })).toEqual([
      { base: 0x10000, length: 0x8000 },
      { base: 0x54000, length: 0xc000 },
    ]);
  });

  it('ranges-subtract: surveyMemory keeps the platform, the first MiB and the loader out', () => {
    const machine = new HostedMachine({ memoryBytes: 16 * MiB });
    const picture = surveyMemory(machine);
    // The hosted twin's platform holds 1-3 MiB (image) and 3-7 MiB (engine heap).
    expect(picture.owned, 'RAM from the end of the engine heap to the top').toEqual([
      { base: 7 * MiB, length: 9 * MiB },
    ]);
  });
});

describe('alignInward', () => {
  it('ranges-align: rounds the base up and the end down to whole frames', () => {
    expect(alignInward([{ base: 0x1234, length: 0x5000 }], 0x1000)).toEqual([
      { base: 0x2000, length: 0x4000 },
    ]);
    expect(
      alignInward([{ base: 0x3000, length: 0x2000 }], 0x1000),
      'an aligned range stays',
    ).toEqual([{ base: 0x3000, length: 0x2000 }]);
  });

  it('ranges-align: drops ranges that hold no whole frame', () => {
    expect(alignInward([{ base: 0x1800, length: 0x1000 }], 0x1000)).toEqual([]);
    expect(alignInward([{ base: 0x9fc00, length: 0x400 }], 0x1000)).toEqual([]);
  });

  it('ranges-align: is exact above 4 GiB, where & and | would wrap', () => {
    expect(alignInward([{ base: 0x1_0000_0800, length: 0x2000 }], 0x1000)).toEqual([
      { base: 0x1_0000_1000, length: 0x1000 },
    ]);
  });

  it('ranges-align: ownedRanges trims a RAM entry that firmware reported unaligned', () => {
    const map = [
      { base: 0x100000, length: 0x3ff800, type: MemoryType.Ram },
      { base: 0x600400, length: 0x10000, type: MemoryType.Ram },
    ];
    expect(ownedRanges(map, [{ base: 0x100000, length: 0x100000 }])).toEqual([
      { base: 0x200000, length: 0x2ff000 },
      { base: 0x601000, length: 0xf000 },
    ]);
  });
});
