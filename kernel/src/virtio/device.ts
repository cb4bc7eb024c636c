/**
 * Bringing up one virtio PCI function: BARs, MSI-X, the transport, and an
 * interrupt channel per queue. What every virtio driver does before the
 * part that is specific to its device.
 */
import type { MmioHardware } from '../abi/hardware';
import type { EventChannel } from '../events/channel';
import type { Events } from '../events/setup';
import type { BarAllocator } from '../pci/bars';
import type { PciFunction } from '../pci/device';
import { MsiX } from '../pci/msix';
import { VirtioPciDevice } from './pci-transport';
import type { AllocDma, Virtqueue } from './virtqueue';

export interface VirtioContext {
  hw: MmioHardware;
  events: Pick<Events, 'bindMessage'>;
  bars: BarAllocator;
  allocDma: AllocDma;
}

export interface InterruptingQueue<T> {
  queue: Virtqueue<T>;
  channel: EventChannel;
}

// #region open
export class VirtioFunction {
  readonly transport: VirtioPciDevice;
  private readonly msix: MsiX;

  constructor(
    readonly pci: PciFunction,
    private readonly context: VirtioContext,
  ) {
    const bars = context.bars.assign(pci);
    const msix = MsiX.find(pci, context.hw, bars);
    if (!msix) throw new Error(`${pci}: no MSI-X capability; Kindling's virtio drivers need it`);
    // Every table entry starts masked; queue() unmasks the ones it routes.
    msix.enable();
    this.msix = msix;
    this.transport = new VirtioPciDevice(pci, context.hw, bars);
  }

  /** Sets up queue `index` with MSI-X table entry `index` raising a fresh vector. */
  queue<T>(index: number, maxSize: number, name: string): InterruptingQueue<T> {
    const { vector, apicId, channel } = this.context.events.bindMessage(name);
    this.msix.route(index, vector, apicId);
    const queue = this.transport.setupQueue<T>(index, maxSize, this.context.allocDma, index);
    return { queue, channel };
  }

  /** Tells the device the driver is ready: from now on it may use the queues. */
  start(): void {
    this.transport.driverReady();
  }
}
// #endregion open
