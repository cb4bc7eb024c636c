/**
 * virtio-blk (virtio spec 5.2): a disk of 512-byte sectors behind one
 * request queue. A request is a chain of three parts:
 *
 *   header  u32 type, u32 reserved, u64 sector   (device reads)
 *   data    the sectors                           (device reads on write, writes on read)
 *   status  one byte: 0 OK, 1 IOERR, 2 UNSUPP     (device writes)
 *
 * Every request is a promise; the device may complete them in any order.
 */
import { BlockError } from '../block/device';
import type { DmaBuffer } from '../memory/dma';
import type { VirtioContext, VirtioFunction } from './device';
import type { Segment, Virtqueue } from './virtqueue';
import { decodeUtf8 } from '../util/compute';

export const SECTOR_SIZE = 512;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;
const QUEUE_SIZE = 64;

const enum RequestType {
  In = 0,
  Out = 1,
  Flush = 4,
  GetId = 8,
}

export { BlockError };

const STATUS_NAMES = ['OK', 'IOERR', 'UNSUPP'];

interface Pending {
  dma: DmaBuffer;
  resolve: (status: number) => void;
  reject: (error: Error) => void;
}

export class VirtioBlk {
  readonly features: bigint;
  /** Disk size in 512-byte sectors. */
  readonly sectors: number;
  private readonly queue: Virtqueue<Pending>;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Set<Pending>();
  /** Set when the device misbehaved: every request after that fails with it. */
  private broken: Error | undefined;
  readonly stats = { reads: 0, writes: 0, flushes: 0 };

  // #region start
  constructor(
    device: VirtioFunction,
    private readonly context: Pick<VirtioContext, 'allocDma' | 'hw'>,
  ) {
    this.features = device.transport.initialize(VIRTIO_BLK_F_FLUSH);
    this.sectors = device.transport.readConfig(
      (base) => context.hw.mmioRead32(base) + context.hw.mmioRead32(base + 4) * 2 ** 32,
    );
    const { queue, channel } = device.queue<Pending>(0, QUEUE_SIZE, 'virtio-blk');
    this.queue = queue;
    device.start();
    void (async () => {
      try {
        for (;;) {
          await channel.next();
          for (const { token } of queue.takeUsed()) {
            this.inFlight.delete(token);
            token.resolve(token.dma.bytes[token.dma.bytes.length - 1]!);
            this.waiting.shift()?.(); // a slot is free: let a queued request in
          }
        }
      } catch (error) {
        this.giveUp(error as Error);
      }
    })();
  }
  // #endregion start

  /**
   * A device that breaks the ring protocol cannot be trusted again: fail
   * every request in flight or waiting, and every later one, with the reason.
   */
  private giveUp(error: Error): void {
    this.broken = error;
    for (const pending of this.inFlight) pending.reject(error);
    this.inFlight.clear();
    for (const submit of this.waiting.splice(0)) submit();
  }

  // #region request
  /**
   * One request, with `dataLength` bytes of data between header and status:
   * device-writable for reads, device-readable for writes. Resolves with the
   * DMA buffer (header, data, status) once the device reports success.
   */
  private async request(
    type: RequestType,
    sector: number,
    data: Uint8Array | number,
  ): Promise<DmaBuffer> {
    const dataLength = typeof data === 'number' ? data : data.length;
    const dma = this.context.allocDma(16 + dataLength + 1);
    dma.view.setUint32(0, type, true);
    dma.view.setBigUint64(8, BigInt(sector), true);
    if (typeof data !== 'number') dma.bytes.set(data, 16);
    const segments: Segment[] = [{ address: dma.address, length: 16, writable: false }];
    if (dataLength > 0) {
      segments.push({
        address: dma.address + 16,
        length: dataLength,
        writable: type !== RequestType.Out,
      });
    }
    segments.push({ address: dma.address + 16 + dataLength, length: 1, writable: true });
    const status = await new Promise<number>((resolve, reject) => {
      const pending = { dma, resolve, reject };
      const submit = () => {
        if (this.broken) return reject(this.broken);
        if (!this.queue.add(segments, pending)) {
          this.waiting.push(submit); // the ring is full: retry when a request completes
          return;
        }
        this.inFlight.add(pending);
        this.queue.kick();
      };
      submit();
    }).catch((error: unknown) => {
      dma.free();
      throw error;
    });
    if (status !== 0) {
      dma.free();
      const name = STATUS_NAMES[status] ?? `status ${status}`;
      throw new BlockError(`virtio-blk: request type ${type} at sector ${sector} failed: ${name}`);
    }
    return dma;
  }
  // #endregion request

  private checkRange(sector: number, count: number): void {
    if (!Number.isSafeInteger(sector) || !Number.isSafeInteger(count) || sector < 0 || count < 1) {
      throw new RangeError(`virtio-blk: bad range sector ${sector}, count ${count}`);
    }
    if (sector + count > this.sectors) {
      throw new RangeError(
        `virtio-blk: sectors ${sector}..${sector + count - 1} are beyond the disk's ${this.sectors}`,
      );
    }
  }

  /** Reads `count` sectors from `sector`. */
  async read(sector: number, count = 1): Promise<Uint8Array> {
    this.checkRange(sector, count);
    const dma = await this.request(RequestType.In, sector, count * SECTOR_SIZE);
    const data = dma.bytes.slice(16, 16 + count * SECTOR_SIZE);
    dma.free();
    this.stats.reads++;
    return data;
  }

  /** Writes whole sectors starting at `sector`. */
  async write(sector: number, data: Uint8Array): Promise<void> {
    if (data.length === 0 || data.length % SECTOR_SIZE !== 0) {
      throw new RangeError(`virtio-blk: ${data.length} bytes is not a whole number of sectors`);
    }
    this.checkRange(sector, data.length / SECTOR_SIZE);
    (await this.request(RequestType.Out, sector, data)).free();
    this.stats.writes++;
  }

  /** Makes completed writes durable (a no-op for devices without a write cache). */
  async flush(): Promise<void> {
    if (!(this.features & VIRTIO_BLK_F_FLUSH)) return;
    (await this.request(RequestType.Flush, 0, 0)).free();
    this.stats.flushes++;
  }

  /** The device's serial number (up to 20 bytes of ASCII). */
  async id(): Promise<string> {
    const dma = await this.request(RequestType.GetId, 0, 20);
    const bytes = dma.bytes.slice(16, 36);
    dma.free();
    const end = bytes.indexOf(0);
    return decodeUtf8(bytes.subarray(0, end < 0 ? 20 : end));
  }
}
