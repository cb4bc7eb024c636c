/**
 * MSI-X: a device interrupts by writing a message (an address in the local
 * APIC's range and a vector number) to memory, instead of pulling a shared
 * interrupt line. Each function has a table of such messages, one per
 * interrupt source, in one of its BARs. No IOAPIC, no sharing, and each
 * virtqueue can have a vector of its own.
 */
import type { MmioHardware } from '../abi/hardware';
import type { Bar, PciFunction } from './device';

export const CAPABILITY_MSIX = 0x11;
const ENABLE = 1 << 15;
const FUNCTION_MASK = 1 << 14;
const ENTRY_SIZE = 16;
const VECTOR_MASKED = 1;

export class MsiX {
  private constructor(
    private readonly pci: PciFunction,
    private readonly hw: MmioHardware,
    private readonly control: number,
    readonly tableSize: number,
    private readonly table: number,
  ) {}

  /** The function's MSI-X capability, with its table located in the (assigned) BARs. */
  static find(pci: PciFunction, hw: MmioHardware, bars: Bar[]): MsiX | undefined {
    const capability = pci.capabilities().find((c) => c.id === CAPABILITY_MSIX);
    if (!capability) return undefined;
    const control = pci.config.read16(pci.address, capability.offset + 2);
    const tableLocation = pci.config.read32(pci.address, capability.offset + 4);
    const bar = bars.find((b) => b.index === (tableLocation & 7));
    if (!bar || bar.kind !== 'memory') {
      throw new Error(
        `${pci}: MSI-X table is in BAR ${tableLocation & 7}, which is not a memory BAR`,
      );
    }
    const table = bar.address + (tableLocation & ~7);
    return new MsiX(pci, hw, capability.offset + 2, (control & 0x7ff) + 1, table);
  }

  // #region route
  /** Entry `entry` will deliver `vector` to local APIC `apicId`. */
  route(entry: number, vector: number, apicId = 0): void {
    if (entry < 0 || entry >= this.tableSize) {
      throw new RangeError(`MSI-X: entry ${entry} is beyond the table's ${this.tableSize}`);
    }
    const address = this.table + entry * ENTRY_SIZE;
    this.hw.mmioWrite32(address + 12, VECTOR_MASKED); // mask while changing it
    this.hw.mmioWrite32(address, 0xfee0_0000 | (apicId << 12)); // message address: the local APIC
    this.hw.mmioWrite32(address + 4, 0);
    this.hw.mmioWrite32(address + 8, vector); // message data: edge-triggered, fixed delivery
    this.hw.mmioWrite32(address + 12, 0);
  }

  enable(): void {
    const { config, address } = this.pci;
    const control = config.read16(address, this.control);
    config.write16(address, this.control, (control | ENABLE) & ~FUNCTION_MASK);
  }
  // #endregion route
}
