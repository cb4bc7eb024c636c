/**
 * The memory picture on the hosted twin: what the kernel owns, with the
 * loader's structures wherever a loader puts them.
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../../kernel/hosted/machine';
import { writeStartInfo, type LoaderRegion } from '../../kernel/hosted/pvh-loader';
import type { Hardware } from '../../kernel/src/abi/hardware';
import { MemoryType } from '../../kernel/src/boot/start-info';
import {
  IDENTITY_MAP_END,
  ownedRanges,
  surveyMemory,
  withheldFromRam,
} from '../../kernel/src/memory/picture';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The machine, as seen by a kernel whose loader left its start info at `startInfo`. */
function loadedAt(machine: HostedMachine, startInfo: number, commandLine = '') {
  return {
    physical: (address: number, length: number) => machine.physical(address, length),
    bootInfo: () => ({ ...machine.bootInfo(), startInfo, commandLine }),
  } satisfies Pick<Hardware, 'physical' | 'bootInfo'>;
}

const lowAndHigh = (top: number): LoaderRegion[] => [
  { base: 0, length: 0x9fc00, type: MemoryType.Ram },
  { base: 0x100000, length: top - 0x100000, type: MemoryType.Ram },
];

describe('surveyMemory', () => {
  it('owns the RAM above the platform on the default hosted machine', () => {
    const machine = new HostedMachine({ memoryBytes: 32 * MiB });
    const picture = surveyMemory(machine);
    expect(picture.map).toHaveLength(4);
    expect(picture.owned).toEqual([{ base: 7 * MiB, length: 25 * MiB }]);
    expect(withheldFromRam(picture).map((w) => w.why)).toEqual([
      'first 1 MiB: firmware and BIOS areas',
      'PVH start info',
      'memory map',
      'command line',
      'platform: image',
      'platform: engine heap',
    ]);
  });

  it('withholds a start info, memory map and command line the loader put high', () => {
    const machine = new HostedMachine({ memoryBytes: 16 * MiB });
    const commandLine = 'name=gr\u00fc\u00dfe'; // ü and ß are 2 bytes each in UTF-8: 12 bytes + NUL
    // 0x900fc0: the start info ends on one page, the memory map begins the next.
    const layout = writeStartInfo(machine.ram, 0x900fc0, commandLine, lowAndHigh(16 * MiB));
    const picture = surveyMemory(loadedAt(machine, layout.startInfo, commandLine));
    const withheld = picture.withheld.filter((w) => w.base >= MiB && !w.why.startsWith('platform'));
    expect(withheld.slice(0, 3)).toEqual([
      { base: 0x900fc0, length: 56, why: 'PVH start info' },
      { base: 0x901000, length: 48, why: 'memory map' },
      { base: 0x901030, length: 13, why: 'command line' },
    ]);
    expect(picture.owned, 'the two pages they touch are not handed out').toEqual([
      { base: 7 * MiB, length: 0x900000 - 7 * MiB },
      { base: 0x902000, length: 16 * MiB - 0x902000 },
    ]);
  });

  it('withholds PVH modules and their list', () => {
    const machine = new HostedMachine({ memoryBytes: 16 * MiB });
    const layout = writeStartInfo(machine.ram, 0x7000, '', lowAndHigh(16 * MiB));
    const data = new DataView(machine.ram.buffer);
    data.setUint32(layout.startInfo + 12, 1, true); // nr_modules
    data.setBigUint64(layout.startInfo + 16, 0xa00000n, true); // modlist_paddr
    data.setBigUint64(0xa00000, 0xb00800n, true); // module 0: paddr
    data.setBigUint64(0xa00008, 0x2000n, true); //             size
    const picture = surveyMemory(loadedAt(machine, layout.startInfo));
    expect(picture.owned).toEqual([
      { base: 7 * MiB, length: 0xa00000 - 7 * MiB },
      { base: 0xa01000, length: 0xb00000 - 0xa01000 },
      { base: 0xb03000, length: 16 * MiB - 0xb03000 },
    ]);
    data.setUint32(layout.startInfo + 12, 10_000, true);
    expect(() => surveyMemory(loadedAt(machine, layout.startInfo))).toThrow(/10000 modules/);
  });

  it('stops at the identity-mapped 4 GiB, and trusts non-RAM entries over RAM', () => {
    const machine = new HostedMachine({ memoryBytes: 16 * MiB });
    const layout = writeStartInfo(machine.ram, 0x7000, '', [
      ...lowAndHigh(3 * GiB),
      { base: 2 * GiB, length: MiB, type: MemoryType.Reserved }, // firmware listed it twice
      { base: 3 * GiB - 0x10000, length: 0x10000, type: MemoryType.AcpiReclaimable },
      { base: 4 * GiB, length: 2 * GiB, type: MemoryType.Ram },
    ]);
    const picture = surveyMemory(loadedAt(machine, layout.startInfo));
    expect(picture.owned).toEqual([
      { base: 7 * MiB, length: 2 * GiB - 7 * MiB },
      { base: 2 * GiB + MiB, length: GiB - MiB - 0x10000 },
    ]);
    expect(withheldFromRam(picture).at(-1)).toMatchObject({
      base: IDENTITY_MAP_END,
      why: 'above the identity-mapped 4 GiB',
    });
  });
});

describe('ownedRanges', () => {
  it('owns nothing when the platform takes all the RAM', () => {
    const map = [{ base: MiB, length: 4 * MiB, type: MemoryType.Ram }];
    expect(ownedRanges(map, [{ base: 0, length: 8 * MiB }])).toEqual([]);
  });

  it('merges RAM entries a loader split or repeated', () => {
    const map = [
      { base: MiB, length: 2 * MiB, type: MemoryType.Ram },
      { base: 2 * MiB, length: 2 * MiB, type: MemoryType.Ram },
      { base: 3 * MiB, length: MiB, type: MemoryType.Ram },
    ];
    expect(ownedRanges(map, [])).toEqual([{ base: MiB, length: 3 * MiB }]);
  });
});
