/**
 * A block device as the storage layer sees it: virtio-blk on QEMU (chapter
 * 4), blkfront on Xen (chapter 9), a disk model with a volatile write cache
 * in tests. Data moves directly between the device and the caller's DMA
 * buffer: nothing is copied and nothing is allocated per request.
 *
 * Durability is explicit, as on real disks: a completed write may still sit
 * in the device's volatile cache and vanish on power loss, until a flush
 * completes (or the write was sent with `fua`, on devices that offer it).
 */
import type { DmaBuffer } from '../memory/dma';

export class BlockError extends Error {
  override name = 'BlockError';
}

export interface BlockRequest {
  /** First sector (in units of `sectorSize`). */
  sector: number;
  /** Sectors to transfer, at most `maxSectorsPerRequest`. */
  count: number;
  /** The caller's buffer; the transfer uses `buffer.bytes[offset, offset + count * sectorSize)`. */
  buffer: DmaBuffer;
  offset?: number;
}

export interface BlockDevice {
  /** Bytes per sector (512 for virtio-blk's addressing). */
  readonly sectorSize: number;
  /** Capacity in sectors. */
  readonly sectors: number;
  readonly maxSectorsPerRequest: number;
  /** Whether `write(…, { fua: true })` is durable on completion without a flush. */
  readonly supportsFua: boolean;
  readonly readOnly: boolean;

  /** Fills the request's range of the buffer from the disk. Rejects with BlockError. */
  read(request: BlockRequest): Promise<void>;
  /** Writes the request's range of the buffer to the disk (maybe only to its cache). */
  write(request: BlockRequest, options?: { fua?: boolean }): Promise<void>;
  /** Resolves once every write completed before it is on stable storage. */
  flush(): Promise<void>;
}
