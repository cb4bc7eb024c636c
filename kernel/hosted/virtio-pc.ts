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
import { PciBusModel } from './pci-bus';
import type { PciFunctionModel } from './pci-function';
import { addQ35Chipset, q35IntxPin, qbootInterruptLine } from './q35-chipset';
import { VirtioBlkModel, type VirtioBlkModelOptions } from './virtio-blk';
import { VirtioNetModel, type VirtioNetModelOptions } from './virtio-net';

export const NET_SLOT = 1;
export const BLK_SLOT = 2;
export const PCI_CONFIG_PORT = 0xcf8;

export interface VirtioPcOptions extends MachineOptions {
  net?: VirtioNetModelOptions;
  blk?: VirtioBlkModelOptions;
}

export interface VirtioPc extends HostedPc {
  bus: PciBusModel;
  net?: VirtioNetModel;
  blk?: VirtioBlkModel;
}

/** The devices asked for are there (typed so: `createVirtioPc({ net: {} }).net` is a VirtioNetModel). */
type WithDevices<O> = VirtioPc &
  (O extends { net: object } ? { net: VirtioNetModel } : unknown) &
  (O extends { blk: object } ? { blk: VirtioBlkModel } : unknown);

export function createVirtioPc<O extends VirtioPcOptions>(options?: O): WithDevices<O> {
  const { net, blk, ...machineOptions } = options ?? {};
  const pc = createPc(machineOptions);
  const bus = new PciBusModel();
  pc.machine.attach(PCI_CONFIG_PORT, 8, bus);
  addQ35Chipset(bus, pc.machine);
  const plug = (slot: number, device: PciFunctionModel) => {
    const pin = device.config[0x3d]!;
    device.config[0x3c] = qbootInterruptLine(slot, pin);
    device.onIntx = () => pc.ioapic.assert(q35IntxPin(slot, pin));
    bus.add(slot, 0, device);
  };
  const result: VirtioPc = { ...pc, bus };
  if (net) plug(NET_SLOT, (result.net = new VirtioNetModel(pc.machine, net)));
  if (blk) plug(BLK_SLOT, (result.blk = new VirtioBlkModel(pc.machine, blk)));
  return result as WithDevices<O>;
}
