/**
 * Placing BARs. Firmware usually assigns every device an address range;
 * qboot, the minimal firmware Kindling boots with, leaves them all at 0, so
 * the kernel does it: memory BARs go in the PCI hole below 4 GiB, each
 * naturally aligned (a BAR's size is a power of two and its address must be
 * a multiple of it), I/O BARs in the upper half of the 64 KiB port space.
 */
import type { Bar, PciFunction } from './device';
import { COMMAND_IO, COMMAND_MEMORY } from './device';

/** Between q35's MMCONFIG window (0xb0000000..0xbfffffff) and the IOAPIC at 0xfec00000. */
export const MEMORY_WINDOW = { start: 0xc000_0000, end: 0xfec0_0000 };
export const IO_WINDOW = { start: 0xc000, end: 0x1_0000 };

export class BarAllocator {
  private nextMemory = MEMORY_WINDOW.start;
  private nextIo = IO_WINDOW.start;

  // #region assign
  /** Gives every unassigned BAR of `pci` an address and turns decoding on. Returns its BARs. */
  assign(pci: PciFunction): Bar[] {
    const bars: Bar[] = [];
    for (let index = 0; index < 6; index++) {
      const bar = pci.bar(index);
      if (!bar) continue;
      if (bar.address === 0) {
        const address = this.take(bar);
        pci.setBar(bar, address);
        bars.push({ ...bar, address });
      } else {
        bars.push(bar);
      }
      if (bar.is64) index++; // the next slot is this BAR's upper half
    }
    pci.enable(COMMAND_MEMORY | COMMAND_IO);
    return bars;
  }
  // #endregion assign

  private take(bar: Bar): number {
    const window = bar.kind === 'memory' ? MEMORY_WINDOW : IO_WINDOW;
    const next = bar.kind === 'memory' ? this.nextMemory : this.nextIo;
    const address = Math.ceil(next / bar.size) * bar.size;
    if (address + bar.size > window.end) {
      throw new Error(`PCI: no room for a ${bar.size}-byte ${bar.kind} BAR ${bar.index}`);
    }
    if (bar.kind === 'memory') this.nextMemory = address + bar.size;
    else this.nextIo = address + bar.size;
    return address;
  }
}
