/**
 * PCI configuration mechanism #1, the PC's way into configuration space:
 * software latches a function and register in CONFIG_ADDRESS (port 0xcf8,
 * 32-bit only), then reads or writes CONFIG_DATA (ports 0xcfc..0xcff), whose
 * four byte lanes are the four bytes of the latched dword. Attach it with
 * `machine.attach(0xcf8, 8, bus)`. Only bus 0 exists, as on a q35 machine
 * without bridges; nobody answers for an absent function, so it reads as
 * all ones (vendor 0xffff).
 */
import type { PortDevice } from './machine';
import type { PciFunctionModel } from './pci-function';
import type { Width } from './registers';

const ENABLE = 0x8000_0000;
/** Bits 30:24 are reserved and bits 1:0 select the mechanism: both read as zero. */
const ADDRESS_BITS = 0x80ff_fffc;

export class PciBusModel implements PortDevice {
  /** The CONFIG_ADDRESS latch. */
  address = 0;
  private readonly functions = new Map<number, PciFunctionModel>();

  /** Plugs `pci` in at bus 0, device `device`, function `fn`. */
  add(device: number, fn: number, pci: PciFunctionModel): void {
    if (!Number.isInteger(device) || device < 0 || device > 31 || fn < 0 || fn > 7) {
      throw new RangeError(`no PCI slot ${device}.${fn}`);
    }
    if (this.functions.has(device * 8 + fn)) throw new Error(`PCI slot ${device}.${fn} is taken`);
    this.functions.set(device * 8 + fn, pci);
  }

  get(device: number, fn = 0): PciFunctionModel | undefined {
    return this.functions.get(device * 8 + fn);
  }

  read(offset: number, width: Width): number {
    const ones = 2 ** (8 * width) - 1;
    if (offset < 4) return offset === 0 && width === 4 ? this.address : ones;
    const target = this.target(offset, width);
    return target ? target.pci.readConfig(target.register, width) : ones;
  }

  write(offset: number, value: number, width: Width): void {
    if (offset < 4) {
      // Narrower accesses to 0xcf8..0xcfb belong to other chipset registers.
      if (offset === 0 && width === 4) this.address = (value & ADDRESS_BITS) >>> 0;
      return;
    }
    const target = this.target(offset, width);
    target?.pci.writeConfig(target.register, value, width);
  }

  /** The function and register a data-port access reaches, if any. */
  private target(offset: number, width: Width) {
    const lane = offset - 4;
    // An access that does not fit its lanes (a word at 0xcfd) reaches nothing.
    if (lane % width !== 0) return undefined;
    const address = this.address;
    if (!(address & ENABLE) || ((address >>> 16) & 0xff) !== 0) return undefined;
    const pci = this.functions.get((address >>> 8) & 0xff);
    return pci && { pci, register: (address & 0xfc) + lane };
  }
}
