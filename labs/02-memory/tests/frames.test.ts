/**
 * Lab 02 hosted tests: the frame allocator. The last test runs random
 * sequences against a model (kernel/hosted/frame-model.ts) and prints the
 * first step where your allocator and the model disagree.
 * Titles start with the rubric id they count for.
 */
import { describe, expect, it } from 'vitest';
import { compareWithModel, randomZones } from '../../../kernel/hosted/frame-model';
import {
  FRAME_SIZE,
  FrameAllocator,
  FrameError,
  OutOfMemoryError,
} from '../../../kernel/src/memory/frames';
import { xorshift32 } from '../../../kernel/src/util/random';

/** Two zones: 8 frames at 1 MiB, 16 frames at 2 MiB. */
function twoZones(): FrameAllocator {
  return new FrameAllocator([
    { base: 0x100000, length: 8 * FRAME_SIZE },
    { base: 0x200000, length: 16 * FRAME_SIZE },
  ]);
}

describe('alloc', () => {
  it('frames-alloc: hands out the lowest free frame, and counts it', () => {
    const frames = twoZones();
    expect(frames.alloc(), 'the lowest frame first').toBe(0x100000);
    expect(frames.alloc(), 'then the next one up').toBe(0x101000);
    expect(frames.freeFrames, '24 frames, 2 taken').toBe(22);
    expect(frames.usedFrames).toBe(2);
    expect(frames.isFree(0x100000), 'the bitmap bit is set').toBe(false);
  });

  it('frames-alloc: moves on to the next zone when one is full', () => {
    const frames = twoZones();
    const taken = Array.from({ length: 9 }, () => frames.alloc());
    expect(taken[7], 'the last frame of the first zone').toBe(0x107000);
    expect(taken[8], 'then the first frame of the second zone').toBe(0x200000);
    expect(new Set(taken).size, 'every frame distinct').toBe(9);
  });

  it('frames-alloc: throws OutOfMemoryError when every frame is in use', () => {
    const frames = twoZones();
    for (let i = 0; i < 24; i++) frames.alloc();
    expect(() => frames.alloc(), 'no free frame left').toThrow(OutOfMemoryError);
    expect(frames.freeFrames, 'a failed alloc takes nothing').toBe(0);
  });
});

describe('free', () => {
  it('frames-free: gives frames back, and the lowest is reused first', () => {
    const frames = twoZones();
    const [a, b, c] = [frames.alloc(), frames.alloc(), frames.alloc()];
    frames.free(b!);
    frames.free(a!);
    expect(frames.freeFrames).toBe(23);
    expect(frames.alloc(), 'the lowest free frame is a again').toBe(a);
    expect(frames.alloc(), 'then b').toBe(b);
    frames.free(c!);
    expect(frames.isFree(c!)).toBe(true);
  });

  it('frames-free: a double free is a FrameError and changes nothing', () => {
    const frames = twoZones();
    const frame = frames.alloc();
    frames.free(frame);
    expect(() => frames.free(frame), 'this frame is already free').toThrow(FrameError);
    expect(() => frames.free(frame), 'say what went wrong').toThrow(/double free/);
    expect(frames.freeFrames, 'the counters did not move').toBe(24);
  });

  it('frames-free: foreign and misaligned addresses are FrameErrors', () => {
    const frames = twoZones();
    frames.alloc();
    expect(() => frames.free(0x1000), 'below every zone').toThrow(FrameError);
    expect(() => frames.free(0x108000), 'just past the first zone').toThrow(/not memory/);
    expect(() => frames.free(0x100008), 'not the start of a frame').toThrow(FrameError);
    expect(() => frames.free(0x107000, 2), 'a run that leaves its zone').toThrow(FrameError);
    expect(frames.freeFrames, 'nothing changed').toBe(23);
  });

  it('frames-free: a run is freed whole, or not at all', () => {
    const frames = twoZones();
    const run = frames.allocContiguous(4);
    frames.free(run + 2 * FRAME_SIZE);
    expect(() => frames.free(run, 4), 'one frame of the run is already free').toThrow(
      /double free/,
    );
    expect(frames.isFree(run), 'the failed free changed nothing').toBe(false);
    frames.free(run, 2);
    frames.free(run + 3 * FRAME_SIZE);
    expect(frames.freeFrames).toBe(24);
  });
});

describe('allocContiguous', () => {
  it('frames-contiguous: finds the lowest run that fits, skipping holes', () => {
    const frames = twoZones();
    const taken = Array.from({ length: 6 }, () => frames.alloc());
    frames.free(taken[1]!);
    frames.free(taken[3]!);
    frames.free(taken[4]!);
    expect(frames.allocContiguous(2), 'frames 3 and 4 are the first free pair').toBe(0x103000);
    expect(frames.allocContiguous(3), 'frames 6 and 7 are too short: the next zone').toBe(0x200000);
    expect(frames.freeFrames).toBe(24 - 6 + 3 - 2 - 3);
  });

  it('frames-contiguous: aligns the physical address, not the index in the zone', () => {
    const frames = new FrameAllocator([{ base: 0x103000, length: 32 * FRAME_SIZE }]);
    expect(frames.allocContiguous(1, 4), 'the first 16 KiB boundary is 0x104000').toBe(0x104000);
    expect(frames.allocContiguous(2, 8), 'then the first 32 KiB boundary').toBe(0x108000);
    expect(frames.alloc(), 'the frame below the aligned runs is still free').toBe(0x103000);
  });

  it('frames-contiguous: never joins two zones into one run', () => {
    const frames = new FrameAllocator([
      { base: 0x100000, length: 4 * FRAME_SIZE },
      { base: 0x104000, length: 4 * FRAME_SIZE },
    ]);
    expect(() => frames.allocContiguous(6), 'two 4-frame zones hold no 6-frame run').toThrow(
      OutOfMemoryError,
    );
    expect(frames.allocContiguous(4)).toBe(0x100000);
  });

  it('frames-contiguous: a run larger than memory is an OutOfMemoryError that says why', () => {
    const frames = twoZones();
    let caught: unknown;
    try {
      frames.allocContiguous(100);
    } catch (error) {
      caught = error;
    }
    expect(caught, 'throw OutOfMemoryError').toBeInstanceOf(OutOfMemoryError);
    const error = caught as OutOfMemoryError;
    expect(error.name, 'String(error) starts with the name: set it').toBe('OutOfMemoryError');
    expect(error.message, 'the message names the size and the largest free run').toMatch(
      /100 free frames.*largest run 16/,
    );
    expect(frames.freeFrames).toBe(24);
  });
});

describe('against the model', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'frames-random: seed %i agrees with the model at every step',
    (seed) => {
      const random = xorshift32(seed);
      const unit = () => random() / 2 ** 32;
      const zones = randomZones(unit);
      const disagreement = compareWithModel(new FrameAllocator(zones), zones, unit, 800);
      expect(disagreement, `seed ${seed}`).toBeUndefined();
    },
  );
});
