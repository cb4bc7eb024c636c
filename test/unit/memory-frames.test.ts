/**
 * The frame allocator beyond lab 02's tests: construction rules, queries,
 * and long randomized runs against the model in kernel/hosted/frame-model.ts.
 */
import { describe, expect, it } from 'vitest';
import { compareWithModel, randomZones } from '../../kernel/hosted/frame-model';
import { FRAME_SIZE, FrameAllocator, OutOfMemoryError } from '../../kernel/src/memory/frames';
import { xorshift32 } from '../../kernel/src/util/random';

describe('FrameAllocator', () => {
  it('takes only whole, sorted, separate frame ranges', () => {
    expect(() => new FrameAllocator([{ base: 0x1800, length: 0x1000 }])).toThrow(/whole 4 KiB/);
    expect(() => new FrameAllocator([{ base: 0x1000, length: 0x1800 }])).toThrow(/whole 4 KiB/);
    expect(
      () =>
        new FrameAllocator([
          { base: 0x4000, length: 0x2000 },
          { base: 0x5000, length: 0x1000 },
        ]),
    ).toThrow(/overlaps/);
    const none = new FrameAllocator([]);
    expect(none.totalFrames).toBe(0);
    expect(() => none.alloc()).toThrow(OutOfMemoryError);
  });

  it('answers owns, isFree and ranges', () => {
    const frames = new FrameAllocator([{ base: 0x200000, length: 4 * FRAME_SIZE }]);
    expect(frames.ranges()).toEqual([{ base: 0x200000, length: 0x4000 }]);
    expect(frames.owns(0x203fff)).toBe(true);
    expect(frames.owns(0x204000)).toBe(false);
    expect(frames.isFree(0x201000)).toBe(true);
    expect(() => frames.isFree(0x1000)).toThrow(/not memory this allocator owns/);
  });

  it('reports the largest free run, which the out-of-memory error repeats', () => {
    const frames = new FrameAllocator([{ base: 0x100000, length: 10 * FRAME_SIZE }]);
    const taken = Array.from({ length: 10 }, () => frames.alloc());
    for (const i of [1, 2, 5, 6, 7]) frames.free(taken[i]!);
    expect(frames.largestFreeRun()).toBe(3);
    try {
      frames.allocContiguous(4, 2);
      expect.unreachable('a 4-frame run cannot fit');
    } catch (error) {
      expect(error).toBeInstanceOf(OutOfMemoryError);
      const oom = error as OutOfMemoryError;
      expect([oom.requested, oom.freeFrames, oom.largestFreeRun]).toEqual([4, 5, 3]);
      expect(String(oom)).toBe(
        'OutOfMemoryError: no run of 4 free frames aligned to 2 frames (5 free, largest run 3)',
      );
    }
  });

  it('rejects nonsense counts and alignments before touching anything', () => {
    const frames = new FrameAllocator([{ base: 0x100000, length: 8 * FRAME_SIZE }]);
    expect(() => frames.allocContiguous(0)).toThrow(RangeError);
    expect(() => frames.allocContiguous(2, 3)).toThrow(/power of two/);
    expect(() => frames.free(0x100000, 1.5)).toThrow(RangeError);
    expect(frames.freeFrames).toBe(8);
  });

  it('keeps a 128 MiB machine worth of frames straight', () => {
    const frames = new FrameAllocator([{ base: 0x2000000, length: 96 * 1024 * 1024 }]);
    const count = frames.totalFrames;
    const taken = Array.from({ length: count }, () => frames.alloc());
    expect(taken[count - 1]).toBe(0x2000000 + (count - 1) * FRAME_SIZE);
    expect(() => frames.alloc()).toThrow(OutOfMemoryError);
    for (const address of taken) frames.free(address);
    expect(frames.allocContiguous(count)).toBe(0x2000000);
  });

  // #region model-test
  it.each(Array.from({ length: 30 }, (_, i) => 100 + i))(
    'agrees with the model for 2000 random steps (seed %i)',
    (seed) => {
      const random = xorshift32(seed);
      const unit = () => random() / 2 ** 32;
      const zones = randomZones(unit);
      expect(compareWithModel(new FrameAllocator(zones), zones, unit, 2000)).toBeUndefined();
    },
  );
  // #endregion model-test
});
