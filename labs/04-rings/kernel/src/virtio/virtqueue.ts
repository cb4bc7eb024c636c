/**
 * A split virtqueue, the driver's side (virtio 1.x, section 2.7). Three
 * areas in DMA memory, shared with the device:
 *
 *   descriptor table  16 bytes each: u64 address, u32 length, u16 flags, u16 next
 *   available ring    u16 flags, u16 idx, u16 ring[size]   (driver -> device)
 *   used ring         u16 flags, u16 idx, {u32 id, u32 len}[size]   (device -> driver)
 *
 * The driver chains descriptors for a request, puts the chain's head in
 * the available ring and bumps avail.idx; the device consumes it, writes
 * the head and the byte count into the used ring and bumps used.idx. Both
 * indexes are free-running 16-bit counters.
 *
 * The device is trusted with memory but not with its arithmetic: a used
 * ring that claims more completions than could be outstanding, a head that
 * is not in flight, or a length beyond the buffer is a DeviceError, never
 * a hang or a read out of bounds.
 */
import type { DmaBuffer, DmaOptions } from '../memory/dma';

export const DESC_F_NEXT = 1;
export const DESC_F_WRITE = 2;
export const AVAIL_F_NO_INTERRUPT = 1;
export const USED_F_NO_NOTIFY = 1;

export type AllocDma = (byteLength: number, options?: DmaOptions) => DmaBuffer;

/** One piece of a request: a device-readable or device-writable range of DMA memory. */
export interface Segment {
  address: number;
  length: number;
  writable: boolean;
}

export interface Completion<T> {
  token: T;
  /** Bytes the device wrote into the writable segments. */
  written: number;
}

export class DeviceError extends Error {
  override name = 'DeviceError';
}

export class Virtqueue<T> {
  private readonly descriptors: DmaBuffer;
  private readonly available: DmaBuffer;
  private readonly used: DmaBuffer;
  private readonly tokens: (T | undefined)[];
  private readonly writableBytes: number[];
  private readonly chainLength: number[];
  private freeHead = 0;
  private freeCount: number;
  private availableIndex = 0;
  private lastUsedIndex = 0;
  private outstanding = 0;

  constructor(
    readonly index: number,
    readonly size: number,
    allocDma: AllocDma,
    private readonly notifyDevice: () => void,
  ) {
    if (size < 1 || size > 32768 || (size & (size - 1)) !== 0) {
      throw new RangeError(`virtqueue ${index}: size ${size} is not a power of two up to 32768`);
    }
    this.descriptors = allocDma(16 * size);
    this.available = allocDma(6 + 2 * size);
    this.used = allocDma(6 + 8 * size);
    this.tokens = new Array<T | undefined>(size).fill(undefined);
    this.writableBytes = new Array<number>(size).fill(0);
    this.chainLength = new Array<number>(size).fill(0);
    // The free descriptors form a chain through their `next` fields.
    for (let i = 0; i < size; i++)
      this.descriptors.view.setUint16(16 * i + 14, (i + 1) % size, true);
    this.freeCount = size;
  }

  /** Physical addresses for the transport's queue_desc / queue_driver / queue_device. */
  get addresses(): { descriptors: number; driver: number; device: number } {
    return {
      descriptors: this.descriptors.address,
      driver: this.available.address,
      device: this.used.address,
    };
  }

  get freeDescriptors(): number {
    return this.freeCount;
  }

  /** Requests handed to the device and not yet completed. */
  get inFlight(): number {
    return this.outstanding;
  }

  // #region add
  /**
   * Offers a request to the device: its segments as one descriptor chain.
   * Returns false, changing nothing, if there are not enough free descriptors.
   * Call kick() afterwards (once for a batch).
   */
  add(segments: Segment[], token: T): boolean {
    // TODO(lab 04): write the chain into free descriptors, then publish its head in the available ring
    // Return false (changing nothing) without enough free descriptors. The free
    // descriptors are a chain through their `next` fields, starting at freeHead.
    // Write the ring entry before the index that publishes it.
    throw new Error(
      'lab 04: not written yet: write the chain into free descriptors, then publish its head in the available ring',
    );
  }
  // #endregion add

  /** Tells the device there is new work, unless it asked not to be told. */
  kick(): void {
    if (!(this.used.view.getUint16(0, true) & USED_F_NO_NOTIFY)) this.notifyDevice();
  }

  // #region take-used
  /** Collects everything the device has finished since the last call. */
  takeUsed(): Completion<T>[] {
    // TODO(lab 04): collect the used ring's new entries, checking the device's every claim
    // A used.idx that moved more than inFlight, a head not in flight, or a
    // length beyond the chain's writable bytes is a DeviceError; release()
    // returns a completed chain's descriptors.
    throw new Error(
      "lab 04: not written yet: collect the used ring's new entries, checking the device's every claim",
    );
  }
  // #endregion take-used

  /** Asks the device not to interrupt (when polling), or to interrupt again. */
  setInterrupts(enabled: boolean): void {
    this.available.view.setUint16(0, enabled ? 0 : AVAIL_F_NO_INTERRUPT, true);
  }

  /** Returns a completed chain's descriptors to the free list. */
  private release(head: number): void {
    const table = this.descriptors.view;
    let tail = head;
    for (let i = 1; i < this.chainLength[head]!; i++) tail = table.getUint16(16 * tail + 14, true);
    table.setUint16(16 * tail + 14, this.freeHead, true);
    this.freeHead = head;
    this.freeCount += this.chainLength[head]!;
    this.outstanding--;
    this.tokens[head] = undefined;
    this.chainLength[head] = 0;
  }
}
