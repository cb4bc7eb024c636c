/**
 * Memory accounting: the two kinds of memory a Kindling kernel uses. The
 * engine heap (bootInfo().reserved's "engine heap") holds every JavaScript
 * object, string and closure; the platform's malloc manages it and
 * hw.memoryUsage() reports it. Frames are the RAM outside it, which the
 * TypeScript kernel manages itself with the frame allocator. A leak shows
 * up in one or the other: objects kept alive grow the heap, frames never
 * freed shrink the free count.
 */
import type { Hardware, MemoryUsage } from '../abi/hardware';
import { formatBytes } from '../util/format';
import { FRAME_SIZE, type FrameAllocator } from './frames';

export interface FrameCounts {
  total: number;
  free: number;
  used: number;
}

export interface MemoryReport {
  frames: FrameCounts;
  heap: MemoryUsage;
}

export function frameCounts(frames: FrameAllocator): FrameCounts {
  return { total: frames.totalFrames, free: frames.freeFrames, used: frames.usedFrames };
}

// #region report
export function memoryReport(
  hw: Pick<Hardware, 'memoryUsage'>,
  frames: FrameAllocator,
): MemoryReport {
  return { frames: frameCounts(frames), heap: hw.memoryUsage() };
}

/** "11621 total, 11605 free, 16 used (64 KiB)" */
export function formatFrames(counts: FrameCounts): string {
  return `${counts.total} total, ${counts.free} free, ${counts.used} used (${formatBytes(counts.used * FRAME_SIZE)})`;
}

/** "129.9 KiB in use of 15.7 MiB, 240 objects" */
export function formatHeap(heap: MemoryUsage): string {
  return `${formatBytes(heap.heapUsed)} in use of ${formatBytes(heap.heapSize)}, ${heap.objects} objects`;
}

/** A signed byte difference: "+1.2 MiB", "-640 KiB", "+0 B". */
export function formatDelta(before: number, after: number): string {
  const delta = after - before;
  return `${delta < 0 ? '-' : '+'}${formatBytes(Math.abs(delta))}`;
}
// #endregion report
