/**
 * MSI-X, device side (PCI local bus spec 6.8.2). The capability in config
 * space says where the table and the pending-bit array (PBA) are: in one of
 * the function's memory BARs. Each 16-byte table entry is a message (a
 * 64-bit address and 32 bits of data) plus a mask bit. To interrupt, the
 * device writes the entry's data to its address; an address in the local
 * APIC's window 0xfee00000..0xfeefffff is an interrupt on the vector in the
 * data's low byte. A masked entry (or a masked function) only sets its
 * pending bit, and the message goes out when it is unmasked.
 */
import type { HostedMachine, MmioDevice } from './machine';
import type { PciFunctionModel } from './pci-function';
import { getLe, getLe64, requireWidth, setLe, type Width } from './registers';

export const CAPABILITY_MSIX = 0x11;
export const CONTROL_ENABLE = 1 << 15;
export const CONTROL_FUNCTION_MASK = 1 << 14;
const ENTRY = 16;
const VECTOR_CONTROL = 12;
const ENTRY_MASKED = 1;
const APIC_WINDOW = { start: 0xfee0_0000, end: 0xfef0_0000 };

export interface MsixOptions {
  /** Table size: 1..2048 entries. */
  vectors: number;
  /** The BAR holding the table and PBA (its BIR). */
  bar: number;
  tableOffset?: number;
  pbaOffset?: number;
}

export class MsixModel {
  /** Offset of the capability in config space. */
  readonly capability: number;
  readonly vectors: number;
  /** The table and PBA: put this region in BAR {@link MsixOptions.bar}. */
  readonly region: MmioDevice;
  /** Messages that reached the local APIC. */
  delivered = 0;
  /** Messages written elsewhere (a misprogrammed address) or not sent (no bus mastering). */
  stray = 0;
  private readonly table: Uint8Array;
  private readonly pending: boolean[];
  private readonly tableOffset: number;
  private readonly pbaOffset: number;

  constructor(
    private readonly pci: PciFunctionModel,
    private readonly machine: HostedMachine,
    options: MsixOptions,
  ) {
    this.vectors = options.vectors;
    this.tableOffset = options.tableOffset ?? 0;
    this.pbaOffset = options.pbaOffset ?? 0x800;
    this.table = new Uint8Array(this.vectors * ENTRY);
    this.pending = new Array<boolean>(this.vectors).fill(false);
    // Every entry starts masked, so nothing fires before software fills it in.
    for (let i = 0; i < this.vectors; i++) this.table[i * ENTRY + VECTOR_CONTROL] = ENTRY_MASKED;

    const cap = pci.addCapability(CAPABILITY_MSIX, 12);
    setLe(pci.config, cap + 2, this.vectors - 1, 2);
    setLe(pci.config, cap + 4, this.tableOffset | options.bar, 4);
    setLe(pci.config, cap + 8, this.pbaOffset | options.bar, 4);
    pci.allow(cap + 2, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
    pci.watch({ offset: cap + 2, length: 2, afterWrite: () => this.flush() });
    this.capability = cap;
    this.region = {
      read: (offset, width) => this.readRegion(offset, width),
      write: (offset, value, width) => this.writeRegion(offset, value, width),
    };
  }

  get control(): number {
    return getLe(this.pci.config, this.capability + 2, 2);
  }
  get enabled(): boolean {
    return (this.control & CONTROL_ENABLE) !== 0;
  }

  masked(entry: number): boolean {
    return (
      (this.control & CONTROL_FUNCTION_MASK) !== 0 ||
      (this.table[entry * ENTRY + VECTOR_CONTROL]! & ENTRY_MASKED) !== 0
    );
  }

  isPending(entry: number): boolean {
    return this.pending[entry] ?? false;
  }

  // #region notify
  /** The device wants to interrupt through table entry `entry` (MSI-X must be enabled). */
  notify(entry: number): void {
    if (entry >= this.vectors) return; // VIRTIO_MSI_NO_VECTOR and the like: no message
    if (this.masked(entry)) this.pending[entry] = true;
    else this.send(entry);
  }

  /** Sends what unmasking released. */
  private flush(): void {
    if (!this.enabled) return;
    this.pending.forEach((pending, entry) => {
      if (!pending || this.masked(entry)) return;
      this.pending[entry] = false;
      this.send(entry);
    });
  }

  private send(entry: number): void {
    const address = getLe64(this.table, entry * ENTRY);
    const data = getLe(this.table, entry * ENTRY + 8, 4);
    // A message is a memory write by the device: no bus mastering, no write.
    if (!this.pci.busMaster) {
      this.stray++;
    } else if (address >= APIC_WINDOW.start && address < APIC_WINDOW.end) {
      this.delivered++;
      this.machine.raise(data & 0xff);
    } else {
      this.stray++;
      if (address + 4 <= this.machine.ram.length) setLe(this.machine.ram, address, data, 4);
    }
  }
  // #endregion notify

  // #region region
  /** Software must use aligned dword (or qword) accesses here; the ABI has no qword MMIO. */
  private readRegion(offset: number, width: Width): number {
    requireWidth('MSI-X table/PBA', width, [4]);
    const inTable = offset - this.tableOffset;
    if (inTable >= 0 && inTable < this.table.length) return getLe(this.table, inTable, 4);
    const inPba = offset - this.pbaOffset;
    if (inPba < 0 || inPba >= Math.ceil(this.vectors / 64) * 8) return 0;
    let bits = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (this.pending[inPba * 8 + bit]) bits |= 1 << bit;
    }
    return bits >>> 0;
  }

  private writeRegion(offset: number, value: number, width: Width): void {
    requireWidth('MSI-X table/PBA', width, [4]);
    const inTable = offset - this.tableOffset;
    if (inTable < 0 || inTable >= this.table.length) return; // the PBA is read-only
    const field = inTable % ENTRY;
    // The message address is dword aligned; of vector control only the mask bit exists.
    const stored =
      field === 0 ? value & ~3 : field === VECTOR_CONTROL ? value & ENTRY_MASKED : value;
    setLe(this.table, inTable, stored >>> 0, 4);
    if (field === VECTOR_CONTROL) this.flush();
  }
  // #endregion region
}
