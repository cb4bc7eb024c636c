/**
 * The virtio common configuration structure (virtio 1.x, 4.1.4.3), device
 * side: feature words, the device status handshake, and the per-queue
 * registers behind queue_select. Each field must be accessed at its own
 * width, the 64-bit ones as two 32-bit halves; anything else throws.
 *
 * The status rules modelled: writing 0 resets the device; FEATURES_OK
 * sticks only if the driver accepted nothing the device did not offer and
 * did accept VIRTIO_F_VERSION_1 (the driver must read it back); after
 * FEATURES_OK the driver's feature words are frozen; DEVICE_NEEDS_RESET is
 * the device's to set and only a reset clears it.
 */
import { hex, requireWidth, type Width } from './registers';
import type { RingLayout } from './virtqueue-device';

export const VIRTIO_F_VERSION_1 = 1n << 32n;
export const NO_VECTOR = 0xffff;
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

/** What the common configuration asks of the device it belongs to. */
export interface CommonConfigOwner {
  /** Every feature offered, VIRTIO_F_VERSION_1 included. */
  readonly offered: bigint;
  /** The largest size of each queue. */
  readonly queueSizes: readonly number[];
  /** MSI-X table size: a vector number at or above it reads back NO_VECTOR. */
  readonly msixVectors: number;
  reset(): void;
  driverOk(): void;
  enableQueue(index: number, layout: RingLayout): void;
}

export interface QueueRegisters extends RingLayout {
  msixVector: number;
  enabled: boolean;
}

const FIELDS = [
  ['device_feature_select', 0x00, 4],
  ['device_feature', 0x04, 4],
  ['driver_feature_select', 0x08, 4],
  ['driver_feature', 0x0c, 4],
  ['config_msix_vector', 0x10, 2],
  ['num_queues', 0x12, 2],
  ['device_status', 0x14, 1],
  ['config_generation', 0x15, 1],
  ['queue_select', 0x16, 2],
  ['queue_size', 0x18, 2],
  ['queue_msix_vector', 0x1a, 2],
  ['queue_enable', 0x1c, 2],
  ['queue_notify_off', 0x1e, 2],
  ['queue_desc', 0x20, 8],
  ['queue_driver', 0x28, 8],
  ['queue_device', 0x30, 8],
] as const;

type Field = (typeof FIELDS)[number];
type AddressField = 'desc' | 'driver' | 'device';

export class CommonConfig {
  status = 0;
  generation = 0;
  msixConfig = NO_VECTOR;
  queues: QueueRegisters[] = [];
  private deviceFeatureSelect = 0;
  private driverFeatureSelect = 0;
  private readonly driverWords = new Map<number, number>();
  private queueSelect = 0;

  constructor(private readonly owner: CommonConfigOwner) {
    this.clear();
  }

  /** The features the driver accepted (meaningful once FEATURES_OK stuck). */
  get driverFeatures(): bigint {
    let features = 0n;
    for (const [word, value] of this.driverWords) {
      if (word <= 3) features |= BigInt(value) << BigInt(32 * word);
    }
    return features;
  }

  /** Device reset: everything the driver set up goes back to its initial value. */
  reset(): void {
    this.clear();
    this.owner.reset();
  }

  private clear(): void {
    this.status = 0;
    this.msixConfig = NO_VECTOR;
    this.deviceFeatureSelect = 0;
    this.driverFeatureSelect = 0;
    this.driverWords.clear();
    this.queueSelect = 0;
    this.queues = this.owner.queueSizes.map((size) => ({
      size,
      msixVector: NO_VECTOR,
      enabled: false,
      desc: 0,
      driver: 0,
      device: 0,
    }));
  }

  // #region access
  read(offset: number, width: Width): number {
    const field = this.field(offset, width);
    const queue = this.queues[this.queueSelect];
    switch (field?.[1]) {
      case 0x00:
        return this.deviceFeatureSelect;
      case 0x04:
        return word(this.owner.offered, this.deviceFeatureSelect);
      case 0x08:
        return this.driverFeatureSelect;
      case 0x0c:
        return this.driverWords.get(this.driverFeatureSelect) ?? 0;
      case 0x10:
        return this.msixConfig;
      case 0x12:
        return this.queues.length;
      case 0x14:
        return this.status;
      case 0x15:
        return this.generation & 0xff;
      case 0x16:
        return this.queueSelect;
      case 0x18:
        return queue?.size ?? 0; // 0: no such queue
      case 0x1a:
        return queue?.msixVector ?? NO_VECTOR;
      case 0x1c:
        return queue?.enabled ? 1 : 0;
      case 0x1e:
        return queue ? this.queueSelect : 0; // queue i's doorbell is at i * multiplier
      case 0x20:
      case 0x28:
      case 0x30: {
        const value = queue?.[addressField(field![1])] ?? 0;
        return offset === field![1] ? value % 2 ** 32 : Math.floor(value / 2 ** 32);
      }
      default:
        return 0;
    }
  }

  write(offset: number, value: number, width: Width): void {
    const field = this.field(offset, width);
    const queue = this.queues[this.queueSelect];
    // Queue registers are the driver's only until it enables the queue.
    const setup = queue && !queue.enabled ? queue : undefined;
    switch (field?.[1]) {
      case 0x00:
        this.deviceFeatureSelect = value;
        break;
      case 0x08:
        this.driverFeatureSelect = value;
        break;
      case 0x0c:
        if (!(this.status & STATUS_FEATURES_OK))
          this.driverWords.set(this.driverFeatureSelect, value);
        break;
      case 0x10:
        this.msixConfig = this.vector(value);
        break;
      case 0x14:
        this.writeStatus(value);
        break;
      case 0x16:
        this.queueSelect = value;
        break;
      case 0x18:
        // Split queues are a power of two in size, at most what the device offers.
        if (setup && value > 0 && (value & (value - 1)) === 0) {
          if (value <= this.owner.queueSizes[this.queueSelect]!) setup.size = value;
        }
        break;
      case 0x1a:
        if (queue) queue.msixVector = this.vector(value);
        break;
      case 0x1c:
        // Writing 0 is not a way to disable a queue in virtio 1.x: only reset is.
        if (setup && value === 1) {
          setup.enabled = true;
          this.owner.enableQueue(this.queueSelect, setup);
        }
        break;
      case 0x20:
      case 0x28:
      case 0x30:
        if (setup) setHalf(setup, addressField(field![1]), offset !== field![1], value);
        break;
      // device_feature, num_queues, config_generation, queue_notify_off are read-only.
    }
  }
  // #endregion access

  // #region status
  private writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    let next = value;
    if (next & STATUS_FEATURES_OK && !(this.status & STATUS_FEATURES_OK)) {
      if (!this.featuresAcceptable()) next &= ~STATUS_FEATURES_OK;
    }
    const starting = (next & STATUS_DRIVER_OK) !== 0 && !(this.status & STATUS_DRIVER_OK);
    this.status = next | (this.status & STATUS_NEEDS_RESET);
    if (starting) this.owner.driverOk();
  }

  private featuresAcceptable(): boolean {
    const accepted = this.driverFeatures;
    const beyond = [...this.driverWords].some(([word, value]) => word > 3 && value !== 0);
    return (
      !beyond && (accepted & ~this.owner.offered) === 0n && (accepted & VIRTIO_F_VERSION_1) !== 0n
    );
  }
  // #endregion status

  /** A vector the MSI-X table does not have is refused: it reads back as NO_VECTOR. */
  private vector(value: number): number {
    return value < this.owner.msixVectors ? value : NO_VECTOR;
  }

  private field(offset: number, width: Width): Field | undefined {
    const field = FIELDS.find(([, at, size]) => offset >= at && offset < at + size);
    if (!field) return undefined; // past the structure: reads 0, writes are ignored
    const [name, at, size] = field;
    const what = `virtio common config ${name} (${hex(at)})`;
    if (size === 8) {
      requireWidth(what, width, [4]);
      if (offset !== at && offset !== at + 4) throw new RangeError(`${what}: misaligned half`);
    } else {
      requireWidth(what, width, [size]);
      if (offset !== at) throw new RangeError(`${what}: access at ${hex(offset)} inside it`);
    }
    return field;
  }
}

function word(features: bigint, select: number): number {
  return select > 3 ? 0 : Number((features >> BigInt(32 * select)) & 0xffff_ffffn);
}

function addressField(offset: number): AddressField {
  return offset === 0x20 ? 'desc' : offset === 0x28 ? 'driver' : 'device';
}

function setHalf(queue: QueueRegisters, name: AddressField, high: boolean, value: number): void {
  const low = queue[name] % 2 ** 32;
  const upper = Math.floor(queue[name] / 2 ** 32);
  queue[name] = high ? value * 2 ** 32 + low : upper * 2 ** 32 + value;
}
