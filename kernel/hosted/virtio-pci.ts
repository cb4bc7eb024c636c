/**
 * A virtio 1.x device on PCI, modern transport only (virtio 1.x, 4.1), laid
 * out as QEMU lays out `virtio-*-pci,disable-legacy=on`:
 *
 * - IDs: vendor 1af4, device 0x1040 + virtio device id, revision 1,
 *   subsystem 1af4:1100, interrupt pin INTA.
 * - BAR1, 4 KiB of 32-bit memory: the MSI-X table at 0, the PBA at 0x800.
 * - BAR4, 16 KiB of 64-bit prefetchable memory: common config at 0x0000,
 *   ISR at 0x1000, device config at 0x2000, notifications at 0x3000 (queue
 *   i's doorbell at 0x3000 + 4 * i).
 * - Capabilities, in list order: MSI-X at 0x98, then vendor-specific (id 9)
 *   pci-cfg at 0x84, notify at 0x70, device at 0x60, ISR at 0x50, common
 *   at 0x40.
 *
 * A backend (net, blk) subclasses it: it says which features and queues it
 * has and what its config holds, and processes a queue when notified.
 */
import type { HostedMachine, MmioDevice } from './machine';
import { MsixModel } from './msix';
import { PciFunctionModel } from './pci-function';
import { getLe, hex, requireWidth, setLe, type Width } from './registers';
import {
  CommonConfig,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
  STATUS_NEEDS_RESET,
  VIRTIO_F_VERSION_1,
} from './virtio-common';
import { DeviceQueue, VirtqueueError, type QueueFaults, type RingLayout } from './virtqueue-device';

export const VIRTIO_VENDOR = 0x1af4;
const CAPABILITY_VENDOR = 0x09;
const ISR_QUEUE = 1;
const ISR_CONFIG = 2;

/** Where everything is: drivers find it through the capabilities, tests may just use it. */
export const VIRTIO_PCI_LAYOUT = {
  msixBar: 1,
  msixBarSize: 0x1000,
  pbaOffset: 0x800,
  modernBar: 4,
  modernBarSize: 0x4000,
  common: 0x0000,
  isr: 0x1000,
  device: 0x2000,
  notify: 0x3000,
  notifyMultiplier: 4,
  /** cfg_type of each vendor capability. */
  cfgType: { common: 1, notify: 2, isr: 3, device: 4, pci: 5 },
} as const;
const L = VIRTIO_PCI_LAYOUT;

/** A field of the device config, and the one access width the spec allows for it. */
export interface ConfigField {
  name: string;
  offset: number;
  length: number;
  width: Width;
}

export interface VirtioPciOptions {
  /** Virtio device id: 1 network, 2 block. */
  deviceId: number;
  classCode: number;
  /** Device-specific features; VIRTIO_F_VERSION_1 is always added. */
  features: bigint;
  queueSizes: readonly number[];
  configFields: readonly ConfigField[];
  /** MSI-X table size (default: one per queue plus one for config changes). */
  msixVectors?: number;
  /** See {@link VirtioPciModel.latencyNs}. */
  latencyNs?: number;
}

/** Fault knobs, for every queue or (with `queue`) just one. */
export interface VirtioFaults extends QueueFaults {
  queue?: number;
}

export abstract class VirtioPciModel extends PciFunctionModel {
  /** Switch misbehaviour on from a test: `net.faults = { oversizedLength: true }`. */
  faults: VirtioFaults = {};
  /** Why the device set DEVICE_NEEDS_RESET; cleared by a reset. */
  error: string | undefined;
  /**
   * undefined (the default): a notification is processed at once, inside
   * the driver's doorbell write. A number: it is processed that many
   * virtual ns later, while the CPU waits, as a device working in parallel.
   */
  latencyNs: number | undefined;
  /** Notifications the device could not act on (not DRIVER_OK, broken, no bus mastering, stalled). */
  ignoredNotifications = 0;
  /** The ISR status byte: bit 0 queue interrupt, bit 1 config change. Reading it clears it. */
  isr = 0;
  readonly msix: MsixModel;
  readonly common: CommonConfig;
  /** The device-specific config as the driver sees it (the backend fills it in). */
  readonly deviceConfig: Uint8Array;
  private readonly configFields: readonly ConfigField[];
  private rings: (DeviceQueue | undefined)[] = [];

  constructor(machine: HostedMachine, options: VirtioPciOptions) {
    super(machine, {
      vendorId: VIRTIO_VENDOR,
      deviceId: 0x1040 + options.deviceId,
      classCode: options.classCode,
      revision: 1,
      interruptPin: 1,
    });
    const msixVectors = options.msixVectors ?? options.queueSizes.length + 1;
    this.latencyNs = options.latencyNs;
    this.configFields = options.configFields;
    this.deviceConfig = new Uint8Array(
      Math.max(...options.configFields.map((f) => f.offset + f.length)),
    );
    this.common = new CommonConfig({
      offered: options.features | VIRTIO_F_VERSION_1,
      queueSizes: options.queueSizes,
      msixVectors,
      reset: () => this.resetRings(),
      driverOk: () => this.started(),
      enableQueue: (index, layout) => this.enableQueue(index, layout),
    });
    this.addVirtioCapability(L.cfgType.common, L.common);
    this.addVirtioCapability(L.cfgType.isr, L.isr);
    this.addVirtioCapability(L.cfgType.device, L.device);
    const notify = this.addVirtioCapability(L.cfgType.notify, L.notify, 4);
    setLe(this.config, notify + 16, L.notifyMultiplier, 4);
    this.addPciCfgWindow();
    this.msix = new MsixModel(this, machine, {
      vectors: msixVectors,
      bar: L.msixBar,
      pbaOffset: L.pbaOffset,
    });
    this.defineBar(L.msixBar, { kind: 'memory', size: L.msixBarSize, region: this.msix.region });
    const modern: MmioDevice = {
      read: (offset, width) => this.readModern(offset, width),
      write: (offset, value, width) => this.writeModern(offset, value, width),
    };
    this.defineBar(L.modernBar, {
      kind: 'memory',
      size: L.modernBarSize,
      is64: true,
      prefetchable: true,
      region: modern,
    });
  }

  get status(): number {
    return this.common.status;
  }

  /** The features in force: what the driver accepted, once FEATURES_OK stuck (else 0). */
  get features(): bigint {
    return this.common.status & STATUS_FEATURES_OK ? this.common.driverFeatures : 0n;
  }

  /** The device side of queue `index`, once the driver has enabled it. */
  ring(index: number): DeviceQueue | undefined {
    return this.rings[index];
  }

  /** The backend's work when queue `index` is notified; a VirtqueueError breaks the device. */
  protected abstract process(index: number, ring: DeviceQueue): void;
  /** The driver set DRIVER_OK. */
  protected started(): void {}
  /** The driver reset the device. */
  protected resetDevice(): void {}

  // #region queues
  private get live(): boolean {
    const status = this.common.status;
    const ready = STATUS_DRIVER_OK | STATUS_FEATURES_OK;
    return (status & ready) === ready && !(status & (STATUS_NEEDS_RESET | STATUS_FAILED));
  }

  private faultsFor(index: number): QueueFaults {
    const { queue } = this.faults;
    return queue === undefined || queue === index ? this.faults : {};
  }

  private enableQueue(index: number, { size, desc, driver, device }: RingLayout): void {
    try {
      const layout = { size, desc, driver, device };
      this.rings[index] = new DeviceQueue(this.machine.ram, layout, () => this.faultsFor(index));
    } catch (error) {
      if (!(error instanceof VirtqueueError)) throw error;
      this.needsReset(`queue ${index}: ${error.message}`);
    }
  }

  private resetRings(): void {
    this.rings = [];
    this.isr = 0;
    this.lowerIntx();
    this.error = undefined;
    this.resetDevice();
  }

  private notify(index: number): void {
    const serve = () => {
      if (!this.withQueue(index, (ring) => this.process(index, ring))) this.ignoredNotifications++;
    };
    if (this.latencyNs === undefined) serve();
    else this.machine.schedule(this.machine.nowNs + this.latencyNs, serve);
  }

  /**
   * Runs `work` on queue `index` if the device may touch it now (DRIVER_OK,
   * not broken, bus mastering on, not stalled), then interrupts once if it
   * used buffers and the driver did not ask for quiet. Returns whether it ran.
   */
  protected withQueue(index: number, work: (ring: DeviceQueue) => void): boolean {
    const ring = this.rings[index];
    if (!ring || !this.live || !this.busMaster || this.faultsFor(index).stall) return false;
    const before = ring.usedIndex;
    let failure: VirtqueueError | undefined;
    try {
      work(ring);
    } catch (error) {
      if (!(error instanceof VirtqueueError)) throw error;
      failure = error;
    }
    if (ring.usedIndex !== before && !ring.interruptSuppressed) {
      this.signal(ISR_QUEUE, this.common.queues[index]!.msixVector);
    }
    if (failure) this.needsReset(`queue ${index}: ${failure.message}`);
    return true;
  }
  // #endregion queues

  // #region interrupts
  /**
   * The device gives up until reset, and tells the driver with a config
   * change interrupt if it is running (virtio 1.x, 2.1.2).
   */
  protected needsReset(reason: string): void {
    this.error = reason;
    this.common.status |= STATUS_NEEDS_RESET;
    if (this.common.status & STATUS_DRIVER_OK) this.signal(ISR_CONFIG, this.common.msixConfig);
  }

  /** The backend changed its config (link status, capacity): new generation, and an interrupt. */
  protected configChanged(): void {
    this.common.generation++;
    if (this.common.status & STATUS_DRIVER_OK) this.signal(ISR_CONFIG, this.common.msixConfig);
  }

  /** MSI-X on: the message in table entry `vector`. Off: INTx, with the cause in the ISR. */
  private signal(cause: number, vector: number): void {
    this.isr |= cause;
    if (this.msix.enabled) this.msix.notify(vector);
    else this.raiseIntx();
  }
  // #endregion interrupts

  // #region registers
  private readModern(offset: number, width: Width): number {
    const within = offset % 0x1000;
    switch (offset - within) {
      case L.common:
        return this.common.read(within, width);
      case L.isr:
        return within === 0 ? this.readIsr(width) : 0;
      case L.device:
        return this.configField(within, width) ? getLe(this.deviceConfig, within, width) : 0;
      default:
        return 0; // doorbells read as nothing
    }
  }

  private writeModern(offset: number, value: number, width: Width): void {
    const within = offset % 0x1000;
    switch (offset - within) {
      case L.common:
        this.common.write(within, value, width);
        break;
      case L.device:
        this.configField(within, width); // nothing here is writable, but check the access
        break;
      case L.notify:
        this.doorbell(within, value, width);
        break;
    }
  }

  /** Reading the ISR clears it, and with it the INTx line. */
  private readIsr(width: Width): number {
    requireWidth('virtio ISR status', width, [1]);
    const value = this.isr;
    this.isr = 0;
    this.lowerIntx();
    return value;
  }

  /** The driver writes a queue's index (16 bits) at that queue's doorbell. */
  private doorbell(within: number, value: number, width: Width): void {
    if (within % L.notifyMultiplier !== 0) return;
    const index = within / L.notifyMultiplier;
    requireWidth(`virtio notify for queue ${index}`, width, [2]);
    if (value !== index) {
      throw new RangeError(
        `virtio notify at queue ${index}'s doorbell carries queue index ${value}`,
      );
    }
    if (index < this.common.queues.length) this.notify(index);
  }

  /** The device config field an access falls in, checked against the field's width. */
  private configField(offset: number, width: Width): ConfigField | undefined {
    const field = this.configFields.find((f) => offset >= f.offset && offset < f.offset + f.length);
    if (!field) return undefined;
    const what = `virtio device config ${field.name} (${hex(field.offset)})`;
    requireWidth(what, width, [field.width]);
    if ((offset - field.offset) % field.width !== 0) throw new RangeError(`${what}: misaligned`);
    return field;
  }
  // #endregion registers

  // #region capabilities
  /** A virtio_pci_cap: cfg_type, bar, offset and length of a register block (4.1.4). */
  private addVirtioCapability(type: number, offset: number, extra = 0): number {
    const cap = this.addCapability(CAPABILITY_VENDOR, 16 + extra);
    this.config[cap + 2] = 16 + extra; // cap_len
    this.config[cap + 3] = type;
    this.config[cap + 4] = type === L.cfgType.pci ? 0 : L.modernBar;
    setLe(this.config, cap + 8, type === L.cfgType.pci ? 0 : offset, 4);
    setLe(this.config, cap + 12, type === L.cfgType.pci ? 0 : 0x1000, 4);
    return cap;
  }

  /**
   * The pci-cfg capability: a window onto the BARs through config space, for
   * drivers that cannot map them. The driver sets bar, offset and length
   * (1, 2 or 4), then reads or writes pci_cfg_data.
   */
  private addPciCfgWindow(): void {
    const cap = this.addVirtioCapability(L.cfgType.pci, 0, 4);
    this.allow(cap + 4, 1, 0xff);
    this.allow(cap + 8, 4, 0xffff_ffff);
    this.allow(cap + 12, 4, 0xffff_ffff);
    const target = () => {
      const length = getLe(this.config, cap + 12, 4);
      const region = this.barRegion(this.config[cap + 4]!);
      const offset = getLe(this.config, cap + 8, 4);
      return region && (length === 1 || length === 2 || length === 4)
        ? { region, offset, length: length as Width }
        : undefined;
    };
    this.watch({
      offset: cap + 16,
      length: 4,
      read: () => {
        const t = target();
        return t ? t.region.read(t.offset, t.length) : 0;
      },
      afterWrite: (_offset, value) => {
        const t = target();
        t?.region.write(t.offset, value % 2 ** (8 * t.length), t.length);
      },
    });
  }
  // #endregion capabilities
}
