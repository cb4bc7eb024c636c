/**
 * DMA buffers: memory a device reads and writes by physical address while
 * the kernel reads and writes the same bytes through a view. The frames
 * come from the frame allocator as one contiguous run (the device knows
 * nothing of views), and the view is hw.physical's zero-copy Uint8Array:
 * a byte written through `bytes` or `view` is in RAM at once, where the
 * device will see it; nothing is copied on either side.
 */
import type { Hardware } from '../abi/hardware';
import { hex } from '../util/format';
import { FRAME_SIZE, FrameError, type FrameAllocator } from './frames';

export interface DmaBuffer {
  /** Physical address of the first byte: what a device descriptor holds. */
  readonly address: number;
  /** Exactly the bytes asked for, zero-copy. */
  readonly bytes: Uint8Array;
  /** A DataView over the same bytes, for fields wider than a byte. */
  readonly view: DataView;
  /** Whole frames behind the buffer. */
  readonly frames: number;
  /** Gives the frames back. The views must not be used afterwards. */
  free(): void;
}

export interface DmaOptions {
  /** Alignment of the physical address in bytes: a power of two, at least 4096 (the default). */
  align?: number;
}

// #region alloc-dma
export function allocDma(
  frames: FrameAllocator,
  memory: Pick<Hardware, 'physical'>,
  byteLength: number,
  options: DmaOptions = {},
): DmaBuffer {
  if (!Number.isSafeInteger(byteLength) || byteLength < 1) {
    throw new RangeError(`allocDma: byte length must be a positive integer, got ${byteLength}`);
  }
  const align = options.align ?? FRAME_SIZE;
  if (align < FRAME_SIZE || align % FRAME_SIZE !== 0 || !Number.isInteger(Math.log2(align))) {
    throw new RangeError(`allocDma: align must be a power of two of at least 4096, got ${align}`);
  }
  const count = Math.ceil(byteLength / FRAME_SIZE);
  const address = frames.allocContiguous(count, align / FRAME_SIZE);
  const bytes = memory.physical(address, byteLength);
  // The frames held whatever their last owner left; a device must not see it.
  bytes.fill(0);
  let freed = false;
  return {
    address,
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    frames: count,
    free() {
      if (freed) throw new FrameError(`DMA buffer at ${hex(address)} freed twice`);
      freed = true;
      frames.free(address, count);
    },
  };
}
// #endregion alloc-dma
