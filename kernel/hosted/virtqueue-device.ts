/**
 * The device side of a split virtqueue (virtio 1.x, "Split Virtqueues"),
 * working on the rings in simulated RAM exactly where the driver put them:
 * the descriptor table (addr le64, len le32, flags le16, next le16), the
 * available ring the driver fills (flags, idx, ring[size], used_event) and
 * the used ring the device fills (flags, idx, ring[size] of {id le32,
 * len le32}, avail_event). Neither INDIRECT nor EVENT_IDX is offered, so
 * suppression is the avail ring's NO_INTERRUPT flag alone.
 *
 * A driver error (an index out of range, a chain that loops, an avail idx
 * that runs ahead by more than the queue holds) throws VirtqueueError; the
 * transport then marks the device DEVICE_NEEDS_RESET and stops, as a real
 * device does. The fault knobs make the device misbehave on purpose, so
 * drivers can be tested against a broken device too.
 */
import { getLe, getLe64, hex, setLe } from './registers';

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;
const AVAIL_F_NO_INTERRUPT = 1;
const DESCRIPTOR = 16;

export interface RingLayout {
  size: number;
  /** Physical addresses of the descriptor table, the available ring and the used ring. */
  desc: number;
  driver: number;
  device: number;
}

export interface Segment {
  address: number;
  length: number;
}

/** Ways to make the device misbehave, to test that drivers notice. Persist until cleared. */
export interface QueueFaults {
  /** Each used idx written runs ahead by this many more than the buffers consumed. */
  usedIndexJump?: number;
  /** Used lengths claim one byte more than the chain's device-writable capacity. */
  oversizedLength?: boolean;
  /** Used ids name no head the driver posted: `true` uses the queue size, a number that id. */
  unknownId?: boolean | number;
  /** The device takes nothing from the queue (it never completes: driver timeouts). */
  stall?: boolean;
}

export class VirtqueueError extends Error {
  override name = 'VirtqueueError';
}

/** One descriptor chain: what the device may read, then what it may write. */
export class Chain {
  constructor(
    private readonly memory: Uint8Array,
    readonly head: number,
    readonly readable: readonly Segment[],
    readonly writable: readonly Segment[],
  ) {}

  get readableLength(): number {
    return total(this.readable);
  }
  get writableLength(): number {
    return total(this.writable);
  }

  /** A copy of the device-readable bytes, in chain order. */
  read(): Uint8Array {
    const bytes = new Uint8Array(this.readableLength);
    let at = 0;
    for (const s of this.readable) {
      bytes.set(this.memory.subarray(s.address, s.address + s.length), at);
      at += s.length;
    }
    return bytes;
  }

  /** Scatters `bytes` into the writable part from byte `offset` on; returns how many fit. */
  write(bytes: Uint8Array, offset = 0): number {
    let written = 0;
    let skip = offset;
    for (const s of this.writable) {
      if (written === bytes.length) break;
      if (skip >= s.length) {
        skip -= s.length;
        continue;
      }
      const n = Math.min(s.length - skip, bytes.length - written);
      this.memory.set(bytes.subarray(written, written + n), s.address + skip);
      written += n;
      skip = 0;
    }
    return written;
  }
}

export class DeviceQueue {
  private nextAvail = 0;
  private usedIdx = 0;

  constructor(
    private readonly memory: Uint8Array,
    readonly layout: RingLayout,
    private readonly faults: () => QueueFaults = () => ({}),
  ) {
    const { size, desc, driver, device } = layout;
    this.checkArea('descriptor table', desc, DESCRIPTOR * size, 16);
    this.checkArea('available ring', driver, 6 + 2 * size, 2);
    this.checkArea('used ring', device, 6 + 8 * size, 4);
  }

  /** The used idx as last written (faults included). */
  get usedIndex(): number {
    return this.usedIdx;
  }

  /** The driver set VIRTQ_AVAIL_F_NO_INTERRUPT: it will poll, so do not interrupt. */
  get interruptSuppressed(): boolean {
    return (getLe(this.memory, this.layout.driver, 2) & AVAIL_F_NO_INTERRUPT) !== 0;
  }

  // #region pop
  /** The next chain the driver made available, or undefined if there is none. */
  pop(): Chain | undefined {
    const { size, driver } = this.layout;
    const availIdx = getLe(this.memory, driver + 2, 2);
    const waiting = (availIdx - this.nextAvail) & 0xffff;
    if (waiting > size) {
      throw new VirtqueueError(
        `avail idx moved from ${this.nextAvail} to ${availIdx}: more than the ${size} entries`,
      );
    }
    if (waiting === 0) return undefined;
    const slot = this.nextAvail % size;
    const head = getLe(this.memory, driver + 4 + 2 * slot, 2);
    if (head >= size) {
      throw new VirtqueueError(`avail ring slot ${slot} names descriptor ${head} of ${size}`);
    }
    const chain = this.walk(head);
    this.nextAvail = (this.nextAvail + 1) & 0xffff;
    return chain;
  }

  /** Puts the last chain back: the device could not use it yet. */
  unpop(): void {
    this.nextAvail = (this.nextAvail - 1) & 0xffff;
  }

  private walk(head: number): Chain {
    const { size, desc } = this.layout;
    const readable: Segment[] = [];
    const writable: Segment[] = [];
    for (let index = head, count = 1; ; count++) {
      if (count > size) {
        throw new VirtqueueError(
          `descriptor chain from ${head} is longer than the queue (${size})`,
        );
      }
      const at = desc + DESCRIPTOR * index;
      const segment = { address: getLe64(this.memory, at), length: getLe(this.memory, at + 8, 4) };
      const flags = getLe(this.memory, at + 12, 2);
      const next = getLe(this.memory, at + 14, 2);
      if (flags & DESC_F_INDIRECT) {
        throw new VirtqueueError(`descriptor ${index} is INDIRECT, which was not negotiated`);
      }
      this.checkArea(`descriptor ${index}'s buffer`, segment.address, segment.length, 1);
      if (flags & DESC_F_WRITE) writable.push(segment);
      else if (writable.length > 0) {
        throw new VirtqueueError(`descriptor ${index} is device-readable after a writable one`);
      } else readable.push(segment);
      if (!(flags & DESC_F_NEXT)) break;
      if (next >= size) {
        throw new VirtqueueError(`descriptor ${index} chains to ${next}, beyond the ${size}`);
      }
      index = next;
    }
    return new Chain(this.memory, head, readable, writable);
  }
  // #endregion pop

  // #region push
  /** Returns `chain` to the driver, saying the device wrote `written` bytes into it. */
  push(chain: Chain, written: number): void {
    const { size, device } = this.layout;
    const faults = this.faults();
    const id =
      typeof faults.unknownId === 'number'
        ? faults.unknownId
        : faults.unknownId
          ? size
          : chain.head;
    const length = faults.oversizedLength ? chain.writableLength + 1 : written;
    const slot = this.usedIdx % size;
    setLe(this.memory, device + 4 + 8 * slot, id, 4);
    setLe(this.memory, device + 8 + 8 * slot, length, 4);
    this.usedIdx = (this.usedIdx + 1 + (faults.usedIndexJump ?? 0)) & 0xffff;
    setLe(this.memory, device + 2, this.usedIdx, 2);
  }
  // #endregion push

  private checkArea(what: string, address: number, length: number, align: number): void {
    if (address % align !== 0) {
      throw new VirtqueueError(`${what} at ${hex(address)} is not ${align}-byte aligned`);
    }
    if (address + length > this.memory.length) {
      throw new VirtqueueError(`${what} at ${hex(address)}+${hex(length)} is outside RAM`);
    }
  }
}

function total(segments: readonly Segment[]): number {
  return segments.reduce((sum, s) => sum + s.length, 0);
}
