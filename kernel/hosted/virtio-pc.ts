/**
 * A hosted PC with PCI and virtio devices, as `kindling boot` runs QEMU:
 * q35 with `-device virtio-net-pci,disable-legacy=on -device
 * virtio-blk-pci,disable-legacy=on`, so the net device is 00:01.0 and the
 * block device 00:02.0. BARs are left at 0, as qboot leaves them; INTx is
 * wired to the IOAPIC as on q35 (pins 21 and 22), and the interrupt line
 * register holds what qboot writes.
 */
import type { MachineOptions } from './machine';
import { createPc, type HostedPc } from './pc';
import { PciBus } from './pci-bus';
import type { PciFunction } from './pci-function';
import { addQ35Chipset, q35IntxPin, qbootInterruptLine } from './q35-chipset';
import { VirtioBlk, type VirtioBlkOptions } from './virtio-blk';
import { VirtioNet, type VirtioNetOptions } from './virtio-net';

export const NET_SLOT = 1;
export const BLK_SLOT = 2;
export const PCI_CONFIG_PORT = 0xcf8;

export interface VirtioPcOptions extends MachineOptions {
  net?: VirtioNetOptions;
  blk?: VirtioBlkOptions;
}

export interface VirtioPc extends HostedPc {
  bus: PciBus;
  net?: VirtioNet;
  blk?: VirtioBlk;
}

/** The devices asked for are there (typed so: `createVirtioPc({ net: {} }).net` is a VirtioNet). */
type WithDevices<O> = VirtioPc &
  (O extends { net: object } ? { net: VirtioNet } : unknown) &
  (O extends { blk: object } ? { blk: VirtioBlk } : unknown);

export function createVirtioPc<O extends VirtioPcOptions>(options?: O): WithDevices<O> {
  const { net, blk, ...machineOptions } = options ?? {};
  const pc = createPc(machineOptions);
  const bus = new PciBus();
  pc.machine.attach(PCI_CONFIG_PORT, 8, bus);
  addQ35Chipset(bus, pc.machine);
  const plug = (slot: number, device: PciFunction) => {
    const pin = device.config[0x3d]!;
    device.config[0x3c] = qbootInterruptLine(slot, pin);
    device.onIntx = () => pc.ioapic.assert(q35IntxPin(slot, pin));
    bus.add(slot, 0, device);
  };
  const result: VirtioPc = { ...pc, bus };
  if (net) plug(NET_SLOT, (result.net = new VirtioNet(pc.machine, net)));
  if (blk) plug(BLK_SLOT, (result.blk = new VirtioBlk(pc.machine, blk)));
  return result as WithDevices<O>;
}
