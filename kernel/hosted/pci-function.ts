/**
 * One PCI function as the device sees it (PCI local bus spec 6.1-6.2): 256
 * bytes of configuration space holding a type 0 header and a capability
 * list, a mask of the bits software may change, and up to six BARs. A BAR's
 * region goes live in the machine where software programmed it, once the
 * command register turns decoding on, and moves when the BAR is rewritten:
 * the part of the chipset that kernels most often get wrong.
 */
import type { HostedMachine, PortDevice } from './machine';
import { getLe, setLe, type Width } from './registers';

export const COMMAND_IO = 1 << 0;
export const COMMAND_MEMORY = 1 << 1;
export const COMMAND_BUS_MASTER = 1 << 2;
export const COMMAND_INTX_DISABLE = 1 << 10;
/** Also parity (6) and SERR (8): the bits a type 0 function lets software set. */
const COMMAND_WRITABLE = 0x0547;
const STATUS_INTERRUPT = 1 << 3;
const STATUS_CAPABILITIES = 1 << 4;
/** Error bits (8, 11-15) are cleared by writing ones to them. */
const STATUS_WRITE_ONE_TO_CLEAR = 0xf900;

const COMMAND = 0x04;
const STATUS = 0x06;
const BAR0 = 0x10;
const CAPABILITIES_POINTER = 0x34;

export interface PciIdentity {
  vendorId: number;
  deviceId: number;
  /** Class, subclass and programming interface: 0x020000 is an Ethernet controller. */
  classCode: number;
  revision?: number;
  /** QEMU gives every device 1af4:1100 unless it says otherwise. */
  subsystemVendorId?: number;
  subsystemId?: number;
  /** 0: no INTx; 1..4: INTA..INTD. */
  interruptPin?: number;
  /** Header type bit 7: the device has functions 1..7 too. */
  multiFunction?: boolean;
}

export interface BarSpec {
  kind: 'memory' | 'io';
  /** A power of two: at least 16 bytes for memory, 4 for I/O. */
  size: number;
  is64?: boolean;
  prefetchable?: boolean;
  /** What answers at the BAR's address once decoding is on (none: the BAR only takes space). */
  region?: PortDevice;
}

/** A device model's view of some config registers: computed reads, side effects of writes. */
export interface ConfigHook {
  offset: number;
  length: number;
  read?(offset: number, width: Width): number;
  afterWrite?(offset: number, value: number, width: Width): void;
}

export class PciFunctionModel {
  readonly config = new Uint8Array(256);
  /** INTx rising edges delivered to {@link onIntx}. */
  intxAsserts = 0;
  /** Called on each rising edge of the INTx line (the board wires it to an IOAPIC pin). */
  onIntx: () => void = () => {};
  private readonly writable = new Uint8Array(256);
  private readonly clearable = new Uint8Array(256);
  private readonly hooks: ConfigHook[] = [];
  private readonly bars: (BarSpec | undefined)[] = [];
  private readonly mapped: (number | undefined)[] = [];
  private nextCapability = 0x40;
  private intxLineWasUp = false;

  constructor(
    protected readonly machine: HostedMachine,
    identity: PciIdentity,
  ) {
    const c = this.config;
    setLe(c, 0x00, identity.vendorId, 2);
    setLe(c, 0x02, identity.deviceId, 2);
    setLe(c, 0x08, identity.classCode * 256 + (identity.revision ?? 0), 4);
    c[0x0e] = identity.multiFunction ? 0x80 : 0;
    setLe(c, 0x2c, identity.subsystemVendorId ?? 0x1af4, 2);
    setLe(c, 0x2e, identity.subsystemId ?? 0x1100, 2);
    c[0x3d] = identity.interruptPin ?? 0;
    this.allow(COMMAND, 2, COMMAND_WRITABLE);
    setLe(this.clearable, STATUS, STATUS_WRITE_ONE_TO_CLEAR, 2);
    this.allow(0x0c, 2, 0xffff); // cache line size, latency timer
    this.allow(0x3c, 1, 0xff); // interrupt line: a note firmware leaves for the OS
  }

  get command(): number {
    return getLe(this.config, COMMAND, 2);
  }
  get busMaster(): boolean {
    return (this.command & COMMAND_BUS_MASTER) !== 0;
  }

  // #region bars
  /**
   * Declares BAR `index`. Its writable bits are the address bits above the
   * size, so writing all ones reads back the size mask: that is all BAR
   * sizing is. A 64-bit BAR takes slot `index + 1` for its upper half.
   */
  defineBar(index: number, bar: BarSpec): void {
    const minimum = bar.kind === 'memory' ? 16 : 4;
    if (bar.size < minimum || (bar.size & (bar.size - 1)) !== 0 || bar.size > 2 ** 31) {
      throw new RangeError(`BAR ${index}: size ${bar.size} is not a power of two >= ${minimum}`);
    }
    if (index < 0 || index > (bar.is64 ? 4 : 5)) throw new RangeError(`no BAR slot ${index}`);
    const offset = BAR0 + 4 * index;
    const typeBits =
      bar.kind === 'io' ? 1 : (bar.is64 ? 0b100 : 0) | (bar.prefetchable ? 0b1000 : 0);
    setLe(this.config, offset, typeBits, 4);
    this.allow(offset, 4, (~(bar.size - 1) & (bar.kind === 'io' ? ~3 : ~0xf)) >>> 0);
    if (bar.is64) this.allow(offset + 4, 4, 0xffff_ffff);
    this.bars[index] = bar;
  }

  /** The address programmed into BAR `index` (whether or not it decodes). */
  barAddress(index: number): number {
    const bar = this.bars[index];
    if (!bar) return 0;
    const low = getLe(this.config, BAR0 + 4 * index, 4);
    const base = bar.kind === 'io' ? low - (low % 4) : low - (low % 16);
    return bar.is64 ? getLe(this.config, BAR0 + 4 * index + 4, 4) * 2 ** 32 + base : base;
  }

  /** Where BAR `index`'s region answers now; undefined while it does not decode. */
  mappedAddress(index: number): number | undefined {
    return this.mapped[index];
  }

  barRegion(index: number): PortDevice | undefined {
    return this.bars[index]?.region;
  }

  private decodedAddress(index: number, bar: BarSpec): number | undefined {
    const enable = bar.kind === 'io' ? COMMAND_IO : COMMAND_MEMORY;
    if (!(this.command & enable)) return undefined;
    const address = this.barAddress(index);
    // Address 0 is what qboot leaves: "not assigned yet", never a real place.
    if (address === 0) return undefined;
    if (bar.kind === 'io' && address + bar.size > 0x1_0000) return undefined;
    return address;
  }

  /** Moves every BAR region to where the registers now say it is. */
  private remap(): void {
    this.bars.forEach((bar, index) => {
      if (!bar?.region) return;
      const address = this.decodedAddress(index, bar);
      if (address === this.mapped[index]) return;
      const attached = this.mapped[index] !== undefined;
      if (bar.kind === 'io') {
        if (attached) this.machine.detach(bar.region);
        if (address !== undefined) this.machine.attach(address, bar.size, bar.region);
      } else {
        if (attached) this.machine.detachMmio(bar.region);
        if (address !== undefined) this.machine.attachMmio(address, bar.size, bar.region);
      }
      this.mapped[index] = address;
    });
  }
  // #endregion bars

  // #region capabilities
  /**
   * Adds a capability of `length` bytes at the next free offset from 0x40
   * and links it at the head of the list, as QEMU does: the last one added
   * is the first one found. Returns its offset.
   */
  addCapability(id: number, length: number): number {
    const offset = this.nextCapability;
    if (offset + length > 0x100) throw new RangeError(`no room for capability ${id}`);
    this.nextCapability = offset + Math.ceil(length / 4) * 4;
    this.config[offset] = id;
    this.config[offset + 1] = this.config[CAPABILITIES_POINTER]!;
    this.config[CAPABILITIES_POINTER] = offset;
    setLe(this.config, STATUS, getLe(this.config, STATUS, 2) | STATUS_CAPABILITIES, 2);
    return offset;
  }

  /** Lets software change the bits of `mask` in the `width`-byte register at `offset`. */
  allow(offset: number, width: Width, mask: number): void {
    setLe(this.writable, offset, mask, width);
  }

  watch(hook: ConfigHook): void {
    this.hooks.push(hook);
  }
  // #endregion capabilities

  // #region access
  readConfig(offset: number, width: Width): number {
    const hook = this.hooks.find(
      (h) => h.read && offset >= h.offset && offset < h.offset + h.length,
    );
    return hook?.read ? hook.read(offset, width) : getLe(this.config, offset, width);
  }

  /** Writes only the writable bits; ones clear the write-one-to-clear bits. */
  writeConfig(offset: number, value: number, width: Width): void {
    for (let i = 0; i < width; i++) {
      const at = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const keep = this.config[at]! & ~this.writable[at]! & ~(this.clearable[at]! & byte);
      this.config[at] = keep | (byte & this.writable[at]!);
    }
    for (const hook of this.hooks) {
      if (offset < hook.offset + hook.length && hook.offset < offset + width) {
        hook.afterWrite?.(offset, value, width);
      }
    }
    this.remap();
    this.driveIntx();
  }
  // #endregion access

  // #region intx
  /**
   * INTx is a level: the status register's interrupt bit shows it, and the
   * pin is driven while that bit is set and the command register does not
   * disable INTx. The board sees rising edges of the pin.
   */
  raiseIntx(): void {
    this.setInterruptStatus(true);
  }

  lowerIntx(): void {
    this.setInterruptStatus(false);
  }

  get intxLevel(): boolean {
    return (getLe(this.config, STATUS, 2) & STATUS_INTERRUPT) !== 0;
  }

  private setInterruptStatus(up: boolean): void {
    const status = getLe(this.config, STATUS, 2);
    setLe(this.config, STATUS, up ? status | STATUS_INTERRUPT : status & ~STATUS_INTERRUPT, 2);
    this.driveIntx();
  }

  private driveIntx(): void {
    const up = this.intxLevel && !(this.command & COMMAND_INTX_DISABLE);
    if (up && !this.intxLineWasUp) {
      this.intxAsserts++;
      this.onIntx();
    }
    this.intxLineWasUp = up;
  }
  // #endregion intx
}
