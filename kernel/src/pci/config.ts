/**
 * PCI configuration space through the PC's legacy mechanism: write the
 * address of a 32-bit configuration register to port 0xcf8, then read or
 * write it at port 0xcfc. Every PCI function has 256 bytes of it: the
 * header (IDs, command, BARs, interrupt line) and a capability list.
 */
import type { PortIo } from '../abi/hardware';
import { hexDigits } from '../util/format';

const CONFIG_ADDRESS = 0xcf8;
const CONFIG_DATA = 0xcfc;

/** A PCI function's address. */
export interface PciAddress {
  bus: number;
  device: number;
  function: number;
}

export function formatAddress({ bus, device, function: fn }: PciAddress): string {
  return `${hexDigits(bus, 2)}:${hexDigits(device, 2)}.${fn}`;
}

// #region config-access
export class PciConfig {
  constructor(private readonly ports: PortIo) {}

  private select(address: PciAddress, offset: number): void {
    if (offset < 0 || offset > 0xfc)
      throw new RangeError(`PCI config offset ${offset} is outside 0..0xff`);
    const value =
      0x8000_0000 |
      (address.bus << 16) |
      (address.device << 11) |
      (address.function << 8) |
      (offset & 0xfc);
    this.ports.outl(CONFIG_ADDRESS, value);
  }

  read32(address: PciAddress, offset: number): number {
    this.select(address, offset);
    return this.ports.inl(CONFIG_DATA) >>> 0;
  }

  /** Narrower accesses use the matching byte lanes of the data port, 0xcfc..0xcff. */
  read16(address: PciAddress, offset: number): number {
    this.select(address, offset);
    return this.ports.inw(CONFIG_DATA + (offset & 2));
  }

  read8(address: PciAddress, offset: number): number {
    this.select(address, offset);
    return this.ports.inb(CONFIG_DATA + (offset & 3));
  }

  write32(address: PciAddress, offset: number, value: number): void {
    this.select(address, offset);
    this.ports.outl(CONFIG_DATA, value >>> 0);
  }

  /**
   * A 16-bit write touches only its own register: a 32-bit read-modify-write
   * of the command register would write the status register's
   * write-one-to-clear bits back and clear them.
   */
  write16(address: PciAddress, offset: number, value: number): void {
    this.select(address, offset);
    this.ports.outw(CONFIG_DATA + (offset & 2), value & 0xffff);
  }

  write8(address: PciAddress, offset: number, value: number): void {
    this.select(address, offset);
    this.ports.outb(CONFIG_DATA + (offset & 3), value & 0xff);
  }
}
// #endregion config-access
