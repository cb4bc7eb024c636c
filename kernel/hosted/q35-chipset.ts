/**
 * The PCI functions QEMU's q35 machine has on bus 0 with `-nodefaults`: the
 * host bridge at 00:00.0 and the ICH9 functions at 00:1f (LPC bridge, AHCI
 * controller, SMBus). Only their identity and BARs are modelled, so a kernel
 * enumerating the bus meets them, sizes their BARs and passes them by.
 *
 * Also the two facts about interrupt routing a board must supply: which
 * IOAPIC pin a slot's INTx reaches (QEMU's ICH9 default: INTA..INTD of slot
 * s go to PIRQ E..H rotated by s, and PIRQ n is IOAPIC pin 16 + n), and the
 * interrupt line qboot writes into config space (a legacy PIC IRQ, 10 or 11,
 * useless with an IOAPIC but there for a driver to print).
 */
import type { HostedMachine } from './machine';
import type { PciBusModel } from './pci-bus';
import { PciFunctionModel } from './pci-function';

const INTEL = 0x8086;

export function addQ35Chipset(bus: PciBusModel, machine: HostedMachine): void {
  const fn = (deviceId: number, classCode: number, multiFunction = false) =>
    new PciFunctionModel(machine, {
      vendorId: INTEL,
      deviceId,
      classCode,
      revision: 2,
      multiFunction,
    });
  bus.add(
    0,
    0,
    new PciFunctionModel(machine, { vendorId: INTEL, deviceId: 0x29c0, classCode: 0x06_00_00 }),
  );
  bus.add(0x1f, 0, fn(0x2918, 0x06_01_00, true));
  const ahci = fn(0x2922, 0x01_06_01);
  ahci.defineBar(4, { kind: 'io', size: 0x20 });
  ahci.defineBar(5, { kind: 'memory', size: 0x1000 });
  bus.add(0x1f, 2, ahci);
  const smbus = fn(0x2930, 0x0c_05_00);
  smbus.defineBar(4, { kind: 'io', size: 0x40 });
  bus.add(0x1f, 3, smbus);
}

/** The IOAPIC pin that INTx pin `pin` (1 = INTA) of a device in `slot` drives on q35. */
export function q35IntxPin(slot: number, pin: number): number {
  return 16 + 4 + ((slot + pin - 1) % 4);
}

/** What qboot writes into the interrupt line register of a q35 device in `slot` (< 25). */
export function qbootInterruptLine(slot: number, pin: number): number {
  return (pin + slot) & 2 ? 11 : 10;
}
