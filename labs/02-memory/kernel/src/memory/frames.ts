/**
 * The physical frame allocator: hands out the RAM the kernel owns in 4 KiB
 * frames, one at a time or as physically contiguous, aligned runs (devices
 * doing DMA see physical addresses, so a buffer larger than a frame must
 * be contiguous in physical memory, not just in a view).
 *
 * One bitmap per owned range ("zone"): a set bit is a frame in use. The
 * policy is lowest address first, which keeps the allocator deterministic
 * (tests can predict every answer) and leaves high memory in long free
 * runs for large DMA buffers. Each zone keeps a hint: every frame below it
 * is known to be in use, so a search for one frame starts there instead of
 * at the bottom.
 *
 * Misuse gets a FrameError and changes nothing; running out gets an
 * OutOfMemoryError that says how much is free and the largest free run.
 */
import { hex } from '../util/format';
import { Bitmap } from './bitmap';
import { endOf, type Range } from './ranges';

export const FRAME_SIZE = 4096;

/** No free frame, or no free run long enough: the request cannot be met. */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
  constructor(
    message: string,
    /** Frames asked for. */
    readonly requested: number,
    readonly freeFrames: number,
    readonly largestFreeRun: number,
  ) {
    super(message);
  }
}

/** A free of something that is not an allocated frame: misaligned, foreign or already free. */
export class FrameError extends Error {
  override name = 'FrameError';
}

interface Zone {
  /** Physical address of the zone's first frame. */
  base: number;
  frames: number;
  used: Bitmap;
  /** Every frame below this index is in use. */
  hint: number;
}

export class FrameAllocator {
  readonly totalFrames: number;
  private readonly zones: Zone[] = [];
  private freeCount: number;

  /** `ranges`: whole frames, sorted, not overlapping (surveyMemory's `owned`). */
  constructor(ranges: readonly Range[]) {
    let previousEnd = 0;
    for (const range of ranges) {
      if (range.base % FRAME_SIZE !== 0 || range.length % FRAME_SIZE !== 0 || range.length <= 0) {
        throw new RangeError(
          `frame range ${hex(range.base)}+${hex(range.length)} is not whole 4 KiB frames`,
        );
      }
      if (range.base < previousEnd) {
        throw new RangeError(`frame range ${hex(range.base)} overlaps or precedes the one before`);
      }
      previousEnd = endOf(range);
      const frames = range.length / FRAME_SIZE;
      this.zones.push({ base: range.base, frames, used: new Bitmap(frames), hint: 0 });
    }
    this.totalFrames = this.zones.reduce((sum, zone) => sum + zone.frames, 0);
    this.freeCount = this.totalFrames;
  }

  get freeFrames(): number {
    return this.freeCount;
  }

  get usedFrames(): number {
    return this.totalFrames - this.freeCount;
  }

  /** The ranges this allocator manages. */
  ranges(): Range[] {
    return this.zones.map((zone) => ({ base: zone.base, length: zone.frames * FRAME_SIZE }));
  }

  owns(address: number): boolean {
    return this.zoneOf(address, 1) !== undefined;
  }

  /** Whether the frame at `address` is free; a FrameError for memory this allocator does not own. */
  isFree(address: number): boolean {
    const zone = this.zoneOf(address, 1);
    if (!zone) throw new FrameError(`${hex(address)} is not memory this allocator owns`);
    return !zone.used.isSet(Math.floor((address - zone.base) / FRAME_SIZE));
  }

  // #region alloc
  /** One frame: the physical address of the lowest free frame. */
  alloc(): number {
    // TODO(lab 02): find the lowest free frame, mark it used, return its address
    // Search each zone from its hint with zone.used.firstClear, set the bit,
    // move the hint past it and count the frame. With no free frame
    // anywhere, throw an OutOfMemoryError.
    throw new Error(
      'lab 02: not written yet: find the lowest free frame, mark it used, return its address',
    );
  }
  // #endregion alloc

  // #region alloc-contiguous
  /**
   * `count` physically contiguous frames whose first address is a multiple
   * of `alignFrames` frames (a power of two): the lowest such run.
   */
  allocContiguous(count: number, alignFrames = 1): number {
    checkCount(count, 'allocContiguous: count');
    if (!isPowerOfTwo(alignFrames)) {
      throw new RangeError(
        `allocContiguous: alignFrames must be a power of two, got ${alignFrames}`,
      );
    }
    // TODO(lab 02): find the lowest aligned run of `count` free frames and mark it used
    // In each zone, try candidate starts from firstAligned(zone, 0, ...).
    // zone.used.firstSet(start, start + count) finds a used frame in the
    // window: if there is one, the next candidate is the first aligned
    // index after it. Stop when a run would pass the end of the zone.
    // Count the frames, keep the hint true, and when no zone has a run
    // throw an OutOfMemoryError (this.largestFreeRun() for its message).
    throw new Error(
      'lab 02: not written yet: find the lowest aligned run of `count` free frames and mark it used',
    );
  }
  // #endregion alloc-contiguous

  // #region free
  /** Gives back `count` frames from `address`, as alloc or allocContiguous returned them. */
  free(address: number, count = 1): void {
    checkCount(count, 'free: count');
    // TODO(lab 02): check the request, then mark the frames free
    // Throw a FrameError, before changing anything, when the address is not
    // a multiple of FRAME_SIZE, when the frames are not all in one zone
    // (this.zoneOf(address, count * FRAME_SIZE)), or when any of them is
    // already free (a double free: zone.used.firstClear in the window).
    // Then clear the bits, count the frames and lower the hint.
    throw new Error('lab 02: not written yet: check the request, then mark the frames free');
  }
  // #endregion free

  /** The longest run of free frames in any zone (alignment ignored). */
  largestFreeRun(): number {
    let largest = 0;
    for (const zone of this.zones) {
      let start = zone.used.firstClear(0);
      while (start >= 0) {
        const used = zone.used.firstSet(start, zone.frames);
        const end = used < 0 ? zone.frames : used;
        largest = Math.max(largest, end - start);
        start = used < 0 ? -1 : zone.used.firstClear(used);
      }
    }
    return largest;
  }

  /** The zone holding all of [address, address + bytes), if one does. */
  private zoneOf(address: number, bytes: number): Zone | undefined {
    return this.zones.find(
      (zone) => address >= zone.base && address + bytes <= zone.base + zone.frames * FRAME_SIZE,
    );
  }
}

/** The lowest index at or above `index` whose physical address is a multiple of `alignFrames` frames. */
function firstAligned(zone: Zone, index: number, alignFrames: number): number {
  const frame = zone.base / FRAME_SIZE + index;
  return Math.ceil(frame / alignFrames) * alignFrames - zone.base / FRAME_SIZE;
}

function checkCount(count: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${count}`);
  }
}

function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1 && Math.log2(value) % 1 === 0;
}
