/**
 * Virtio over PCI, the modern (1.x) transport (virtio spec 4.1). The device
 * describes its register blocks with vendor-specific PCI capabilities, each
 * naming a BAR and an offset: common configuration (features, status,
 * queues), notifications (doorbells), the ISR, and the device's own config.
 */
import type { MmioHardware } from '../abi/hardware';
import type { Bar, PciFunction } from '../pci/device';
import { COMMAND_BUS_MASTER } from '../pci/device';
import type { AllocDma } from './virtqueue';
import { Virtqueue } from './virtqueue';

export const VIRTIO_VENDOR = 0x1af4;
const CAPABILITY_VENDOR = 0x09;

export const enum ConfigType {
  Common = 1,
  Notify = 2,
  Isr = 3,
  Device = 4,
}

/** Device status bits: the driver walks these in order (spec 3.1.1). */
export const enum Status {
  Acknowledge = 1,
  Driver = 2,
  DriverOk = 4,
  FeaturesOk = 8,
  NeedsReset = 64,
  Failed = 128,
}

export const VIRTIO_F_VERSION_1 = 1n << 32n;
export const NO_VECTOR = 0xffff;

/** Offsets in the common configuration structure. */
const enum Common {
  DeviceFeatureSelect = 0x00,
  DeviceFeature = 0x04,
  DriverFeatureSelect = 0x08,
  DriverFeature = 0x0c,
  MsixConfig = 0x10,
  NumQueues = 0x12,
  DeviceStatus = 0x14,
  ConfigGeneration = 0x15,
  QueueSelect = 0x16,
  QueueSize = 0x18,
  QueueMsixVector = 0x1a,
  QueueEnable = 0x1c,
  QueueNotifyOff = 0x1e,
  QueueDesc = 0x20,
  QueueDriver = 0x28,
  QueueDevice = 0x30,
}

export class VirtioError extends Error {
  override name = 'VirtioError';
}

interface Region {
  address: number;
  length: number;
}

/** The virtio device id of a PCI function (1 network, 2 block), or undefined. */
export function virtioDeviceId(pci: PciFunction): number | undefined {
  if (pci.vendorId !== VIRTIO_VENDOR || pci.deviceId < 0x1040 || pci.deviceId > 0x107f)
    return undefined;
  return pci.deviceId - 0x1040;
}

export class VirtioPciDevice {
  private readonly common: number;
  private readonly notifyBase: number;
  private readonly notifyMultiplier: number;
  /** Where the device-specific configuration is (MAC address, disk capacity, ...). */
  readonly deviceConfig: Region;

  // #region locate
  constructor(
    readonly pci: PciFunction,
    private readonly hw: MmioHardware,
    bars: Bar[],
  ) {
    const regions = new Map<number, Region & { multiplier: number }>();
    for (const capability of pci.capabilities().filter((c) => c.id === CAPABILITY_VENDOR)) {
      const at = (offset: number) => capability.offset + offset;
      const type = pci.config.read8(pci.address, at(3));
      const barIndex = pci.config.read8(pci.address, at(4));
      const bar = bars.find((b) => b.index === barIndex && b.kind === 'memory');
      if (!bar || regions.has(type)) continue; // the first capability of each type wins
      const offset = pci.config.read32(pci.address, at(8));
      const length = pci.config.read32(pci.address, at(12));
      if (offset + length > bar.size)
        throw new VirtioError(`${pci}: capability ${type} runs past BAR ${barIndex}`);
      const multiplier = type === ConfigType.Notify ? pci.config.read32(pci.address, at(16)) : 0;
      regions.set(type, { address: bar.address + offset, length, multiplier });
    }
    const need = (type: ConfigType, name: string) => {
      const region = regions.get(type);
      if (!region)
        throw new VirtioError(`${pci}: no ${name} capability (is this a legacy-only device?)`);
      return region;
    };
    this.common = need(ConfigType.Common, 'common configuration').address;
    const notify = need(ConfigType.Notify, 'notification');
    this.notifyBase = notify.address;
    this.notifyMultiplier = notify.multiplier;
    this.deviceConfig = regions.get(ConfigType.Device) ?? { address: 0, length: 0 };
    // The device reads and writes our rings itself: it must be allowed to master the bus.
    pci.enable(COMMAND_BUS_MASTER);
  }
  // #endregion locate

  get status(): number {
    return this.hw.mmioRead8(this.common + Common.DeviceStatus);
  }

  private setStatus(bits: number): void {
    this.hw.mmioWrite8(this.common + Common.DeviceStatus, this.status | bits);
  }

  // #region negotiate
  /**
   * Reset, then the status handshake up to FEATURES_OK: acknowledge the
   * device, offer the features we understand (always VERSION_1), and check
   * the device accepted them. Returns the features in force.
   */
  initialize(wanted: bigint): bigint {
    const { hw, common } = this;
    hw.mmioWrite8(common + Common.DeviceStatus, 0);
    if (this.status !== 0) throw new VirtioError(`${this.pci}: device did not reset`);
    this.setStatus(Status.Acknowledge);
    this.setStatus(Status.Driver);
    const offered = this.readFeatures();
    if (!(offered & VIRTIO_F_VERSION_1))
      return this.fail('the device does not offer VIRTIO_F_VERSION_1');
    const accepted = offered & (wanted | VIRTIO_F_VERSION_1);
    for (const word of [0, 1]) {
      hw.mmioWrite32(common + Common.DriverFeatureSelect, word);
      hw.mmioWrite32(
        common + Common.DriverFeature,
        Number((accepted >> BigInt(32 * word)) & 0xffff_ffffn),
      );
    }
    this.setStatus(Status.FeaturesOk);
    if (!(this.status & Status.FeaturesOk)) return this.fail('the device refused our feature set');
    return accepted;
  }
  // #endregion negotiate

  private readFeatures(): bigint {
    let features = 0n;
    for (const word of [0, 1]) {
      this.hw.mmioWrite32(this.common + Common.DeviceFeatureSelect, word);
      features |=
        BigInt(this.hw.mmioRead32(this.common + Common.DeviceFeature) >>> 0) << BigInt(32 * word);
    }
    return features;
  }

  /** Marks the device FAILED (spec 3.1.1: the driver gave up) and throws. */
  fail(reason: string): never {
    this.setStatus(Status.Failed);
    throw new VirtioError(`${this.pci}: ${reason}`);
  }

  get queueCount(): number {
    return this.hw.mmioRead16(this.common + Common.NumQueues);
  }

  // #region setup-queue
  /** Creates queue `index` (at most `maxSize` entries) delivering on MSI-X entry `msixEntry`. */
  setupQueue<T>(
    index: number,
    maxSize: number,
    allocDma: AllocDma,
    msixEntry: number,
  ): Virtqueue<T> {
    const { hw, common } = this;
    if (index >= this.queueCount)
      this.fail(`queue ${index} does not exist (the device has ${this.queueCount})`);
    hw.mmioWrite16(common + Common.QueueSelect, index);
    const deviceMax = hw.mmioRead16(common + Common.QueueSize);
    if (deviceMax === 0) this.fail(`queue ${index} is not available`);
    let size = 1;
    while (size * 2 <= Math.min(deviceMax, maxSize)) size *= 2;
    hw.mmioWrite16(common + Common.QueueSize, size);
    const notifyOffset = hw.mmioRead16(common + Common.QueueNotifyOff);
    const doorbell = this.notifyBase + notifyOffset * this.notifyMultiplier;
    const queue = new Virtqueue<T>(index, size, allocDma, () => hw.mmioWrite16(doorbell, index));
    const { descriptors, driver, device } = queue.addresses;
    this.write64(Common.QueueDesc, descriptors);
    this.write64(Common.QueueDriver, driver);
    this.write64(Common.QueueDevice, device);
    hw.mmioWrite16(common + Common.QueueMsixVector, msixEntry);
    if (hw.mmioRead16(common + Common.QueueMsixVector) !== msixEntry) {
      this.fail(`queue ${index}: the device could not use MSI-X entry ${msixEntry}`);
    }
    hw.mmioWrite16(common + Common.QueueEnable, 1);
    return queue;
  }
  // #endregion setup-queue

  /** Configuration-change interrupts go to MSI-X entry `entry` (or NO_VECTOR). */
  setConfigVector(entry: number): void {
    this.hw.mmioWrite16(this.common + Common.MsixConfig, entry);
  }

  /** The last step: the driver is ready, the device may start using the queues. */
  driverReady(): void {
    this.setStatus(Status.DriverOk);
  }

  /**
   * Reads device config consistently: the device bumps config_generation when
   * it changes the config, so read until the generation stands still.
   */
  readConfig<R>(read: (address: number) => R): R {
    for (;;) {
      const before = this.hw.mmioRead8(this.common + Common.ConfigGeneration);
      const value = read(this.deviceConfig.address);
      if (this.hw.mmioRead8(this.common + Common.ConfigGeneration) === before) return value;
    }
  }

  private write64(offset: Common, value: number): void {
    this.hw.mmioWrite32(this.common + offset, value % 2 ** 32);
    this.hw.mmioWrite32(this.common + offset + 4, Math.floor(value / 2 ** 32));
  }
}
