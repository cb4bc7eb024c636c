/**
 * The I/O APIC: routes the machine's interrupt lines (ISA IRQs, PCI INTx) to
 * CPU vectors. Two registers at its base (0xfec00000 on PCs): write a
 * register number to IOREGSEL, then read or write it through IOWIN.
 * Redirection entry N is the 64-bit pair of registers 0x10 + 2N.
 */
import type { Hardware } from '../abi/hardware';

export const IOAPIC_BASE = 0xfec0_0000;
const IOREGSEL = 0x00;
const IOWIN = 0x10;
const VERSION_REGISTER = 0x01;
const MASKED = 1 << 16;

export interface RouteOptions {
  /** Level-triggered lines (PCI INTx) stay asserted until the device is served. */
  levelTriggered?: boolean;
  activeLow?: boolean;
  /** The local APIC that receives it (0: the one CPU Kindling runs on). */
  destination?: number;
}

export type IoApicHardware = Pick<Hardware, 'mmioRead32' | 'mmioWrite32'>;

export class IoApic {
  constructor(
    private readonly hw: IoApicHardware,
    readonly base = IOAPIC_BASE,
  ) {}

  read(register: number): number {
    this.hw.mmioWrite32(this.base + IOREGSEL, register);
    return this.hw.mmioRead32(this.base + IOWIN);
  }

  write(register: number, value: number): void {
    this.hw.mmioWrite32(this.base + IOREGSEL, register);
    this.hw.mmioWrite32(this.base + IOWIN, value >>> 0);
  }

  /** How many input pins this IOAPIC has (24 on QEMU's). */
  get pins(): number {
    return ((this.read(VERSION_REGISTER) >>> 16) & 0xff) + 1;
  }

  // #region route
  route(pin: number, vector: number, options: RouteOptions = {}): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= this.pins) {
      throw new RangeError(`IOAPIC: no pin ${pin} (it has ${this.pins})`);
    }
    if (!Number.isInteger(vector) || vector < 0x20 || vector > 0xfe) {
      throw new RangeError(`IOAPIC: vector ${vector} is not in 0x20..0xfe`);
    }
    const low = vector | (options.activeLow ? 1 << 13 : 0) | (options.levelTriggered ? 1 << 15 : 0);
    // High half first: the entry goes live when the low half is written unmasked.
    this.write(0x10 + 2 * pin + 1, (options.destination ?? 0) << 24);
    this.write(0x10 + 2 * pin, low);
  }
  // #endregion route

  mask(pin: number): void {
    this.write(0x10 + 2 * pin, this.read(0x10 + 2 * pin) | MASKED);
  }
}

/**
 * ISA IRQ to IOAPIC pin. On PCs they match, except that the timer's IRQ 0
 * is wired to pin 2 (what ACPI's MADT lists as an interrupt source override).
 */
export function isaIrqPin(irq: number): number {
  return irq === 0 ? 2 : irq;
}
