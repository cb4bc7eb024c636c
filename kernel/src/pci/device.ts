/**
 * PCI functions: finding them (a brute-force scan of bus 0 and the buses
 * behind bridges), their header fields, their capability list, and their
 * BARs (base address registers: where the device's registers live).
 */
import { hexDigits } from '../util/format';
import { formatAddress, type PciAddress, type PciConfig } from './config';

export const enum PciRegister {
  VendorId = 0x00,
  DeviceId = 0x02,
  Command = 0x04,
  Status = 0x06,
  ClassRevision = 0x08,
  HeaderType = 0x0e,
  Bar0 = 0x10,
  SecondaryBus = 0x19,
  SubsystemId = 0x2e,
  CapabilitiesPointer = 0x34,
  InterruptLine = 0x3c,
  InterruptPin = 0x3d,
}

export const COMMAND_IO = 1 << 0;
export const COMMAND_MEMORY = 1 << 1;
export const COMMAND_BUS_MASTER = 1 << 2;
export const COMMAND_INTX_DISABLE = 1 << 10;
const STATUS_CAPABILITIES = 1 << 4;

export interface Bar {
  index: number;
  kind: 'memory' | 'io';
  address: number;
  size: number;
  is64: boolean;
  prefetchable: boolean;
}

export interface Capability {
  id: number;
  offset: number;
}

export class PciFunction {
  constructor(
    readonly config: PciConfig,
    readonly address: PciAddress,
  ) {}

  get vendorId(): number {
    return this.config.read16(this.address, PciRegister.VendorId);
  }
  get deviceId(): number {
    return this.config.read16(this.address, PciRegister.DeviceId);
  }
  get subsystemId(): number {
    return this.config.read16(this.address, PciRegister.SubsystemId);
  }
  /** Class, subclass, programming interface: 0x020000 is an Ethernet controller. */
  get classCode(): number {
    return this.config.read32(this.address, PciRegister.ClassRevision) >>> 8;
  }
  get interruptPin(): number {
    return this.config.read8(this.address, PciRegister.InterruptPin);
  }
  get interruptLine(): number {
    return this.config.read8(this.address, PciRegister.InterruptLine);
  }

  toString(): string {
    const id = `${hexDigits(this.vendorId, 4)}:${hexDigits(this.deviceId, 4)}`;
    return `${formatAddress(this.address)} [${id}] class ${hexDigits(this.classCode, 6)}`;
  }

  /** Sets bits in the command register (memory decoding, bus mastering, ...). */
  enable(bits: number): void {
    const command = this.config.read16(this.address, PciRegister.Command);
    this.config.write16(this.address, PciRegister.Command, command | bits);
  }

  disable(bits: number): void {
    const command = this.config.read16(this.address, PciRegister.Command);
    this.config.write16(this.address, PciRegister.Command, command & ~bits);
  }

  // #region capabilities
  /** The capability list: a linked list in config space, each entry [id, next]. */
  capabilities(): Capability[] {
    const found: Capability[] = [];
    if (!(this.config.read16(this.address, PciRegister.Status) & STATUS_CAPABILITIES)) return found;
    let offset = this.config.read8(this.address, PciRegister.CapabilitiesPointer) & 0xfc;
    const seen = new Set<number>();
    while (offset !== 0) {
      if (offset < 0x40 || seen.has(offset)) {
        throw new Error(
          `PCI ${formatAddress(this.address)}: capability list is corrupt at ${offset}`,
        );
      }
      seen.add(offset);
      found.push({ id: this.config.read8(this.address, offset), offset });
      offset = this.config.read8(this.address, offset + 1) & 0xfc;
    }
    return found;
  }
  // #endregion capabilities

  // #region bars
  /**
   * Reads BAR `index`, sizing it the standard way: write all ones, read back
   * which address bits stuck at zero, restore. Decoding is switched off
   * meanwhile, so the device never answers at the all-ones address.
   */
  bar(index: number): Bar | undefined {
    const offset = PciRegister.Bar0 + 4 * index;
    const { config, address } = this;
    const original = config.read32(address, offset);
    const io = (original & 1) === 1;
    const is64 = !io && ((original >>> 1) & 3) === 2;
    const command = config.read16(address, PciRegister.Command);
    config.write16(address, PciRegister.Command, command & ~(COMMAND_IO | COMMAND_MEMORY));
    config.write32(address, offset, 0xffff_ffff);
    const mask = config.read32(address, offset);
    config.write32(address, offset, original);
    let high = 0;
    let highMask = 0xffff_ffff;
    if (is64) {
      high = config.read32(address, offset + 4);
      config.write32(address, offset + 4, 0xffff_ffff);
      highMask = config.read32(address, offset + 4);
      config.write32(address, offset + 4, high);
    }
    config.write16(address, PciRegister.Command, command);
    const lowMask = io ? mask & ~3 : mask & ~0xf;
    if (lowMask === 0 && (!is64 || highMask === 0)) return undefined; // not implemented
    // The address bits that stayed zero give the size; above a 32-bit BAR
    // (or a 16-bit I/O decoder) every bit counts as one.
    const fill = io ? 0xffff_ffff_ffff_0000n : is64 ? 0n : 0xffff_ffff_0000_0000n;
    const high64 = is64 ? BigInt(highMask >>> 0) << 32n : 0n;
    const sizeMask = high64 | BigInt(lowMask >>> 0) | fill;
    const size = Number((~sizeMask & 0xffff_ffff_ffff_ffffn) + 1n);
    const base = io ? original & ~3 : (original & ~0xf) >>> 0;
    return {
      index,
      kind: io ? 'io' : 'memory',
      address: high * 2 ** 32 + (base >>> 0),
      size,
      is64,
      prefetchable: !io && (original & 8) !== 0,
    };
  }
  // #endregion bars

  /** Places a memory BAR at `address` (the kernel assigns BARs the firmware left empty). */
  setBar(bar: Bar, address: number): void {
    const offset = PciRegister.Bar0 + 4 * bar.index;
    this.config.write32(this.address, offset, address % 2 ** 32);
    if (bar.is64) this.config.write32(this.address, offset + 4, Math.floor(address / 2 ** 32));
  }
}

// #region enumerate
/** Every PCI function on every bus reachable from bus 0. */
export function enumerate(config: PciConfig): PciFunction[] {
  const found: PciFunction[] = [];
  const buses = [0];
  const visited = new Set<number>();
  while (buses.length > 0) {
    const bus = buses.shift()!;
    if (visited.has(bus)) continue;
    visited.add(bus);
    for (let device = 0; device < 32; device++) {
      const first = new PciFunction(config, { bus, device, function: 0 });
      if (first.vendorId === 0xffff) continue; // nobody home
      const multifunction = (config.read8(first.address, PciRegister.HeaderType) & 0x80) !== 0;
      for (let fn = 0; fn < (multifunction ? 8 : 1); fn++) {
        const pci = fn === 0 ? first : new PciFunction(config, { bus, device, function: fn });
        if (pci.vendorId === 0xffff) continue;
        found.push(pci);
        const headerType = config.read8(pci.address, PciRegister.HeaderType) & 0x7f;
        if (headerType === 1) buses.push(config.read8(pci.address, PciRegister.SecondaryBus));
      }
    }
  }
  return found;
}
// #endregion enumerate
