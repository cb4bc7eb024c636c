/**
 * Stage 02 on QEMU: the numbers in its serial output must add up, and
 * must change with the memory the machine is given.
 */
import { describe, expect, it } from 'vitest';
import { xorshift32 } from '../../kernel/src/util/random';
import { bootStage } from './boot';

const MiB = 1024 * 1024;

interface Picture {
  heapEnd: number;
  ownedBase: number;
  ownedEnd: number;
  ownedFrames: number;
  total: number;
}

/** Reads the owned range and the frame counts, and checks they agree with each other. */
function picture(output: string): Picture {
  const heap = /^ {2}0x([0-9a-f]{12})-0x([0-9a-f]{12}) +[\d.]+ MiB +platform: engine heap$/m.exec(
    output,
  );
  const owned =
    /^kernel owns\n {2}0x([0-9a-f]{12})-0x([0-9a-f]{12}) +[\d.]+ MiB +(\d+) frames\n(?! )/m.exec(
      output,
    );
  const frames = /^frames +(\d+) total, (\d+) free, 0 used \(0 B\)$/m.exec(output);
  expect(heap, 'the engine heap is withheld').not.toBeNull();
  expect(owned, 'exactly one owned range').not.toBeNull();
  expect(frames).not.toBeNull();
  const result = {
    heapEnd: parseInt(heap![2]!, 16),
    ownedBase: parseInt(owned![1]!, 16),
    ownedEnd: parseInt(owned![2]!, 16),
    ownedFrames: Number(owned![3]),
    total: Number(frames![1]),
  };
  expect(result.ownedBase, 'the kernel owns from where the engine heap ends').toBe(result.heapEnd);
  expect(result.ownedFrames, 'frames = owned bytes / 4096').toBe(
    (result.ownedEnd - result.ownedBase) / 4096,
  );
  expect(result.total, 'the allocator manages every owned frame').toBe(result.ownedFrames);
  expect(Number(frames![2]), 'all free at the start').toBe(result.total);
  return result;
}

describe('stage 02 on QEMU', () => {
  it('owns the RAM above the platform, allocates, frees and exits 0', async () => {
    const result = await bootStage('02', { memory: '64M' });
    expect(result.how).toBe('the guest exited');
    expect(result.code).toBe(0);
    const out = result.output;
    expect(out).toMatch(/^Kindling stage 02: memory$/m);
    expect(out).toMatch(/^ {2}0x000000100000-0x000004000000 {2}63 MiB +RAM$/m);
    expect(out).toMatch(/^ {2}0x000000000000-0x000000100000 {2}1 MiB +first 1 MiB/m);
    expect(out).toMatch(/^ {2}0x000000100000-0x[0-9a-f]{12} +[\d.]+ MiB +platform: image$/m);
    const { total, ownedEnd } = picture(out);
    expect(ownedEnd, 'up to the top of 64 MiB').toBe(64 * MiB);
    expect(out).toMatch(
      new RegExp(`^single +256 frames in \\d+ ms, .*; ${total - 256} free$`, 'm'),
    );
    expect(out).toMatch(new RegExp(`^ +freed all: ${total} free$`, 'm'));
    expect(out).toMatch(
      /^byte order +0x12345678 big-endian is 12 34 56 78, little-endian is 78 56 34 12$/m,
    );
    expect(out).toMatch(
      /^descriptors +4 virtq_desc chained, 65472 bytes; the first is [0-9a-f ]+$/m,
    );
    expect(out).toContain(
      `exhaustion    caught OutOfMemoryError: no run of ${total + 1} free frames (${total} free, largest run ${total})`,
    );
    expect(out).toMatch(
      /^double free +caught FrameError: double free: frame 0x[0-9a-f]+ is already free$/m,
    );
    expect(out).toMatch(
      /^foreign +caught FrameError: free\(0x1000, 1\): not memory this allocator owns/m,
    );
    expect(out).toMatch(
      new RegExp(
        `frames +${total} total, ${total} free, 0 used \\(0 B\\)\\nstage 02 done: exit 0\\n$`,
      ),
    );
  });

  it('writes a DMA buffer and reads the same bytes back through a second view', async () => {
    const result = await bootStage('02', { append: 'dma=20000 seed=42' });
    expect(result.code).toBe(0);
    const next = xorshift32(42);
    const words = Array.from({ length: 5000 }, next);
    const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    const dma = /^dma +19\.5 KiB at 0x([0-9a-f]+): 5 frames, 64 KiB aligned; (\d+) free$/m.exec(
      result.output,
    );
    expect(dma).not.toBeNull();
    expect(parseInt(dma![1]!, 16) % (64 * 1024), 'the address is 64 KiB aligned').toBe(0);
    expect(result.output).toContain(
      `seed 42: 5000 words written, read back 0 mismatches, first ${hex8(words[0]!)} last ${hex8(words[4999]!)}`,
    );
    expect(result.output).toMatch(/^descriptors +4 virtq_desc chained, 19936 bytes/m);
  });

  it('sees twice the memory as 48 MiB more frames, and can allocate every one of them', async () => {
    // One after the other: the boot project already runs two QEMUs at once on two cores.
    const small = await bootStage('02', { memory: '64M', append: 'fill' });
    const large = await bootStage('02', { memory: '128M', append: 'fill' });
    expect([small.code, large.code]).toEqual([0, 0]);
    const a = picture(small.output);
    const b = picture(large.output);
    expect(b.ownedEnd).toBe(128 * MiB);
    // The engine heap is a quarter of the RAM above 1 MiB: 15.75 MiB, then
    // 31.75 MiB. 64 MiB more RAM, 16 MiB more heap: 48 MiB more frames.
    expect(b.heapEnd - a.heapEnd).toBe(16 * MiB);
    expect(b.total - a.total).toBe((48 * MiB) / 4096);
    for (const [run, total] of [
      [small, a.total],
      [large, b.total],
    ] as const) {
      expect(run.output).toMatch(
        new RegExp(
          `^fill +allocated all ${total} frames in \\d+ ms, then OutOfMemoryError\\n +freed them all: ${total} free$`,
          'm',
        ),
      );
    }
  });

  it('accounts for the engine heap: cycles stay until the collector runs', async () => {
    const result = await bootStage('02');
    const heap = (label: string) => {
      const match = new RegExp(
        `^heap ${label} +([\\d.]+) (B|KiB|MiB) in use of [\\d.]+ MiB, (\\d+) objects`,
        'm',
      ).exec(result.output);
      expect(match, label).not.toBeNull();
      const scale = { B: 1, KiB: 1024, MiB: MiB }[match![2] as 'B' | 'KiB' | 'MiB'];
      return { bytes: Number(match![1]) * scale, objects: Number(match![3]) };
    };
    const before = heap('before');
    const during = heap('during');
    const dropped = heap('dropped');
    const after = heap('after gc');
    // 5,000 pairs: 10,000 objects in cycles plus 5,000 arrays holding them.
    expect(during.objects - before.objects).toBeGreaterThanOrEqual(15_000);
    expect(during.objects - dropped.objects, 'the arrays go at once').toBeGreaterThan(4_900);
    expect(
      dropped.objects - before.objects,
      'the cycles wait for the collector',
    ).toBeGreaterThanOrEqual(10_000);
    expect(after.objects - before.objects).toBeLessThan(100);
    expect(after.bytes).toBeLessThan(dropped.bytes);
    expect(during.bytes - before.bytes).toBeGreaterThan(MiB);
  });
});
