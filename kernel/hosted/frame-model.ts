/**
 * A model of the frame allocator for tests: the same answers, by the most
 * obvious means (a Map from frame address to "free?", searched linearly).
 * Too slow for a kernel, simple enough to trust; randomized tests run the
 * real allocator and this side by side and compare every answer.
 */
import type { Range } from '../src/memory/ranges';
import { hex } from '../src/util/format';

const FRAME = 4096;

export type ModelFree = 'ok' | 'misaligned' | 'foreign' | 'double free';

export class FrameModel {
  private readonly frames = new Map<number, boolean>();

  constructor(private readonly ranges: readonly Range[]) {
    for (const range of ranges) {
      for (let a = range.base; a < range.base + range.length; a += FRAME) this.frames.set(a, true);
    }
  }

  get freeFrames(): number {
    return [...this.frames.values()].filter((free) => free).length;
  }

  isFree(address: number): boolean | undefined {
    return this.frames.get(address);
  }

  /** The lowest free frame, taken; undefined when there is none. */
  alloc(): number | undefined {
    return this.allocContiguous(1, 1);
  }

  // #region model-contiguous
  /** The lowest run of `count` free frames in one range, aligned to `align` frames. */
  allocContiguous(count: number, align: number): number | undefined {
    for (const range of this.ranges) {
      const end = range.base + range.length;
      const first = Math.ceil(range.base / (align * FRAME)) * align * FRAME;
      for (let base = first; base + count * FRAME <= end; base += align * FRAME) {
        const run = framesOf(base, count);
        if (run.every((a) => this.frames.get(a))) {
          for (const a of run) this.frames.set(a, false);
          return base;
        }
      }
    }
    return undefined;
  }
  // #endregion model-contiguous

  free(address: number, count: number): ModelFree {
    if (address % FRAME !== 0) return 'misaligned';
    const run = framesOf(address, count);
    const range = this.ranges.find(
      (r) => address >= r.base && address + count * FRAME <= r.base + r.length,
    );
    if (!range) return 'foreign';
    if (run.some((a) => this.frames.get(a))) return 'double free';
    for (const a of run) this.frames.set(a, true);
    return 'ok';
  }
}

/** What a randomized comparison needs of the real allocator. */
export interface FrameAllocatorLike {
  readonly freeFrames: number;
  alloc(): number;
  allocContiguous(count: number, alignFrames?: number): number;
  free(address: number, count?: number): void;
  isFree(address: number): boolean;
}

/** Seeded ranges for a comparison: one to three zones of odd sizes and alignments above 1 MiB. */
export function randomZones(random: () => number): Range[] {
  const zones: Range[] = [];
  let next = 0x100000 + Math.floor(random() * 64) * FRAME;
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const length = (1 + Math.floor(random() * 150)) * FRAME;
    zones.push({ base: next, length });
    next += length + (1 + Math.floor(random() * 16)) * FRAME; // a gap: zones never touch
  }
  return zones;
}

/**
 * Runs `steps` random operations on the allocator and on a fresh model of
 * `zones`, and describes the first step where they disagree (undefined if
 * they never do). `random` returns [0, 1), seeded, so a failure replays.
 */
export function compareWithModel(
  allocator: FrameAllocatorLike,
  zones: readonly Range[],
  random: () => number,
  steps: number,
): string | undefined {
  const model = new FrameModel(zones);
  const pick = (n: number) => Math.floor(random() * n);
  const live: [number, number][] = [];
  const freed: [number, number][] = [];
  const lastEnd = zones[zones.length - 1]!.base + zones[zones.length - 1]!.length;
  const history: string[] = [];

  for (let step = 0; step < steps; step++) {
    const roll = random();
    let op: string;
    let real: string;
    let expected: string;
    if (roll < 0.35) {
      op = 'alloc()';
      real = attempt(() => allocator.alloc());
      expected = outcome(model.alloc());
      if (expected.startsWith('0x')) live.push([Number(expected), 1]);
    } else if (roll < 0.55) {
      const count = 1 + pick(random() < 0.9 ? 8 : 200);
      const align = 2 ** pick(4);
      op = `allocContiguous(${count}, ${align})`;
      real = attempt(() => allocator.allocContiguous(count, align));
      expected = outcome(model.allocContiguous(count, align));
      if (expected.startsWith('0x')) live.push([Number(expected), count]);
    } else if (roll < 0.92 && live.length > 0) {
      const [address, count] = live.splice(pick(live.length), 1)[0]!;
      op = `free(${hex(address)}, ${count})`;
      real = attempt(() => allocator.free(address, count));
      expected = freeOutcome(model.free(address, count));
      freed.push([address, count]);
    } else {
      // Misuse: a double free, a foreign address or a misaligned one.
      const kind = pick(3);
      const old = freed.length > 0 ? freed[pick(freed.length)]! : undefined;
      const stillFree = old && framesOf(old[0], old[1]).every((a) => model.isFree(a));
      const [address, count]: [number, number] =
        kind === 0 && old && stillFree
          ? old
          : kind === 1
            ? [lastEnd + pick(4) * FRAME, 1]
            : [zones[0]!.base + 8 + pick(4) * FRAME, 1];
      op = `free(${hex(address)}, ${count})`;
      real = attempt(() => allocator.free(address, count));
      expected = freeOutcome(model.free(address, count));
    }
    history.push(`${op} -> ${expected}`);
    if (real !== expected || allocator.freeFrames !== model.freeFrames) {
      return [
        `step ${step}: ${op} gave ${real} (free frames ${allocator.freeFrames});`,
        `the model says ${expected} (free frames ${model.freeFrames})`,
        `zones ${zones.map((z) => `${hex(z.base)}+${z.length / FRAME} frames`).join(', ')}`,
        `the steps before it: ${history.slice(-6, -1).join('; ') || '(none)'}`,
      ].join('\n');
    }
  }
  for (const zone of zones) {
    for (let a = zone.base; a < zone.base + zone.length; a += FRAME) {
      if (allocator.isFree(a) !== model.isFree(a)) {
        return `after ${steps} steps, isFree(${hex(a)}) is ${allocator.isFree(a)}; the model says ${model.isFree(a)}`;
      }
    }
  }
  return undefined;
}

function framesOf(address: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => address + i * FRAME);
}

function attempt(action: () => number | void): string {
  try {
    const result = action();
    return result === undefined ? 'ok' : hex(result);
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

function outcome(address: number | undefined): string {
  return address === undefined ? 'OutOfMemoryError' : hex(address);
}

function freeOutcome(result: ModelFree): string {
  return result === 'ok' ? 'ok' : 'FrameError';
}
