/**
 * A hosted PC: the machine with a local APIC, an IOAPIC and COM1 wired to
 * IOAPIC pin 4, as on QEMU's q35, so the event loop and interrupt routing
 * run in Node exactly as they do on QEMU.
 */
import { IOAPIC_BASE, IoApicModel } from './ioapic';
import { LAPIC_BASE, LocalApicModel } from './lapic';
import { HostedMachine, type MachineOptions } from './machine';
import { Uart16550Model } from './uart16550';

export interface HostedPc {
  machine: HostedMachine;
  lapic: LocalApicModel;
  ioapic: IoApicModel;
  uart: Uart16550Model;
}

export function createPc(options: MachineOptions = {}): HostedPc {
  const machine = new HostedMachine({ clockReadNs: 1000, ...options });
  const lapic = new LocalApicModel(machine);
  const ioapic = new IoApicModel(machine);
  const uart = new Uart16550Model();
  machine.attachMmio(LAPIC_BASE, 0x1000, lapic);
  machine.attachMmio(IOAPIC_BASE, 0x20, ioapic);
  machine.attach(0x3f8, 8, uart);
  uart.onInterrupt = () => ioapic.assert(4);
  return { machine, lapic, ioapic, uart };
}
