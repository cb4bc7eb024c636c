/**
 * A virtio block device (virtio 1.x, 5.2) for the hosted twin, backed by a
 * byte array. One request queue. A request is a chain: the 16-byte header
 * (type le32, reserved le32, sector le64) device-readable, then the data
 * (readable for OUT, writable for IN and GET_ID), then one writable status
 * byte. Sectors are 512 bytes whatever the feature bits say. The used length
 * is the whole writable part, as QEMU reports it.
 */
import type { HostedMachine } from './machine';
import { getLe, getLe64, setLe } from './registers';
import { VirtqueueError, type Chain, type DeviceQueue } from './virtqueue-device';
import { VirtioPciModel } from './virtio-pci';

export const BLK_F_FLUSH = 1n << 9n;
export const SECTOR_SIZE = 512;
export const BLK_T_IN = 0;
export const BLK_T_OUT = 1;
export const BLK_T_FLUSH = 4;
export const BLK_T_GET_ID = 8;
export const BLK_S_OK = 0;
export const BLK_S_IOERR = 1;
export const BLK_S_UNSUPP = 2;
const HEADER = 16;
const ID_LENGTH = 20;

export interface VirtioBlkModelOptions {
  /** The disk's bytes (default 1 MiB of zeroes); the device reads and writes this array. */
  disk?: Uint8Array;
  /** What GET_ID answers (at most 20 bytes). */
  serial?: string;
  /** Largest size of the request queue (default 128). */
  queueSize?: number;
  msixVectors?: number;
  latencyNs?: number;
}

/** What the device did with a request, for tests to check. */
export interface BlkRequest {
  type: number;
  sector: number;
  /** Data bytes: read from the driver for OUT, room for data for IN and GET_ID. */
  length: number;
  status: number;
}

export class VirtioBlkModel extends VirtioPciModel {
  readonly disk: Uint8Array;
  serial: string;
  flushes = 0;
  /** Every request completed, in order. */
  readonly requests: BlkRequest[] = [];

  constructor(machine: HostedMachine, options: VirtioBlkModelOptions = {}) {
    super(machine, {
      deviceId: 2,
      classCode: 0x01_00_00,
      features: BLK_F_FLUSH,
      queueSizes: [options.queueSize ?? 128],
      configFields: [{ name: 'capacity', offset: 0, length: 8, width: 4 }],
      msixVectors: options.msixVectors,
      latencyNs: options.latencyNs,
    });
    this.disk = options.disk ?? new Uint8Array(1 << 20);
    this.serial = options.serial ?? 'kindling-disk';
    const sectors = Math.floor(this.disk.length / SECTOR_SIZE);
    setLe(this.deviceConfig, 0, sectors % 2 ** 32, 4);
    setLe(this.deviceConfig, 4, Math.floor(sectors / 2 ** 32), 4);
  }

  protected override process(_index: number, ring: DeviceQueue): void {
    for (let chain = ring.pop(); chain; chain = ring.pop()) {
      const bytes = chain.read();
      if (bytes.length < HEADER) {
        throw new VirtqueueError(`request ${chain.head}: a ${bytes.length}-byte header, not 16`);
      }
      if (chain.writableLength < 1) {
        throw new VirtqueueError(`request ${chain.head} has no writable status byte`);
      }
      const type = getLe(bytes, 0, 4);
      const sector = getLe64(bytes, 8);
      const payload = bytes.subarray(HEADER);
      const status = this.execute(type, sector, payload, chain);
      chain.write(Uint8Array.of(status), chain.writableLength - 1);
      const length = type === BLK_T_OUT ? payload.length : chain.writableLength - 1;
      this.requests.push({ type, sector, length, status });
      ring.push(chain, chain.writableLength);
    }
  }

  // #region execute
  private execute(type: number, sector: number, payload: Uint8Array, chain: Chain): number {
    const room = chain.writableLength - 1; // the last writable byte is the status
    switch (type) {
      case BLK_T_IN: {
        const at = this.place(sector, room);
        if (at === undefined) return BLK_S_IOERR;
        chain.write(this.disk.subarray(at, at + room));
        return BLK_S_OK;
      }
      case BLK_T_OUT: {
        const at = this.place(sector, payload.length);
        if (at === undefined) return BLK_S_IOERR;
        this.disk.set(payload, at);
        return BLK_S_OK;
      }
      case BLK_T_FLUSH:
        this.flushes++;
        return BLK_S_OK;
      case BLK_T_GET_ID: {
        const id = new Uint8Array(ID_LENGTH);
        id.set(new TextEncoder().encode(this.serial).subarray(0, ID_LENGTH));
        chain.write(id.subarray(0, Math.min(ID_LENGTH, room)));
        return BLK_S_OK;
      }
      default:
        return BLK_S_UNSUPP;
    }
  }

  /** The byte offset of `length` bytes at `sector`, if whole sectors inside the disk. */
  private place(sector: number, length: number): number | undefined {
    const at = sector * SECTOR_SIZE;
    if (length % SECTOR_SIZE !== 0 || at + length > this.disk.length) return undefined;
    return at;
  }
  // #endregion execute
}
