/**
 * A virtio network device (virtio 1.x, 5.1) for the hosted twin. Queue 0
 * receives, queue 1 transmits. Every buffer starts with the 12-byte
 * virtio_net_hdr (VERSION_1 makes num_buffers part of it); no offloads are
 * offered, so the device sends zeroes and num_buffers = 1, and ignores what
 * the driver puts there. Features: MAC (the address is in config) and
 * STATUS (link state in config, changes interrupt).
 *
 * The "wire" is the test: frames the driver sent land in `transmitted`
 * (and `onTransmit`), frames given to `deliver` go into the next receive
 * buffer the driver posted, or wait in `backlog` until there is one, as
 * QEMU queues them. A frame too large for the buffer is dropped, and the
 * buffer kept, as QEMU does without mergeable buffers.
 */
import type { HostedMachine } from './machine';
import { setLe } from './registers';
import { VirtqueueError, type DeviceQueue } from './virtqueue-device';
import { VirtioPciModel } from './virtio-pci';

export const NET_F_MAC = 1n << 5n;
export const NET_F_STATUS = 1n << 16n;
export const NET_HEADER_LENGTH = 12;
export const NET_RX_QUEUE = 0;
export const NET_TX_QUEUE = 1;
const LINK_UP = 1;
const NUM_BUFFERS = 10;

export interface VirtioNetModelOptions {
  /** Default 52:54:00:12:34:56, QEMU's. */
  mac?: ArrayLike<number>;
  linkUp?: boolean;
  /** Largest size of each queue (default 256). */
  queueSize?: number;
  msixVectors?: number;
  latencyNs?: number;
}

export class VirtioNetModel extends VirtioPciModel {
  /** Frames the driver transmitted, virtio_net_hdr stripped. */
  readonly transmitted: Uint8Array[] = [];
  /** The 12-byte header each of those frames came with. */
  readonly transmittedHeaders: Uint8Array[] = [];
  /** Frames delivered that wait for a receive buffer. */
  readonly backlog: Uint8Array[] = [];
  /** Frames dropped because the receive buffer could not hold them. */
  dropped = 0;
  /** Called for each transmitted frame: a peer can answer with deliver(). */
  onTransmit: (frame: Uint8Array) => void = () => {};

  constructor(machine: HostedMachine, options: VirtioNetModelOptions = {}) {
    const size = options.queueSize ?? 256;
    super(machine, {
      deviceId: 1,
      classCode: 0x02_00_00,
      features: NET_F_MAC | NET_F_STATUS,
      queueSizes: [size, size],
      configFields: [
        { name: 'mac', offset: 0, length: 6, width: 1 },
        { name: 'status', offset: 6, length: 2, width: 2 },
      ],
      msixVectors: options.msixVectors,
      latencyNs: options.latencyNs,
    });
    this.deviceConfig.set(options.mac ?? [0x52, 0x54, 0x00, 0x12, 0x34, 0x56], 0);
    setLe(this.deviceConfig, 6, (options.linkUp ?? true) ? LINK_UP : 0, 2);
  }

  get mac(): Uint8Array {
    return this.deviceConfig.slice(0, 6);
  }

  get linkUp(): boolean {
    return (this.deviceConfig[6]! & LINK_UP) !== 0;
  }

  /** The cable is plugged in or pulled: config changes, the driver is told. */
  setLink(up: boolean): void {
    setLe(this.deviceConfig, 6, up ? LINK_UP : 0, 2);
    this.configChanged();
  }

  /** A frame arrives from the wire. */
  deliver(frame: Uint8Array): void {
    this.backlog.push(frame.slice());
    this.receive();
  }

  protected override process(index: number, ring: DeviceQueue): void {
    if (index === NET_TX_QUEUE) this.transmit(ring);
    else this.fill(ring); // new receive buffers: the backlog may move
  }

  protected override started(): void {
    this.receive();
  }

  private receive(): void {
    this.withQueue(NET_RX_QUEUE, (ring) => this.fill(ring));
  }

  // #region receive
  private fill(ring: DeviceQueue): void {
    while (this.backlog.length > 0) {
      const chain = ring.pop();
      if (!chain) return;
      if (chain.readable.length > 0) {
        throw new VirtqueueError(`receive chain ${chain.head} has device-readable descriptors`);
      }
      const frame = this.backlog.shift()!;
      if (chain.writableLength < NET_HEADER_LENGTH + frame.length) {
        ring.unpop();
        this.dropped++;
        continue;
      }
      const header = new Uint8Array(NET_HEADER_LENGTH);
      setLe(header, NUM_BUFFERS, 1, 2);
      chain.write(header);
      chain.write(frame, NET_HEADER_LENGTH);
      ring.push(chain, NET_HEADER_LENGTH + frame.length);
    }
  }
  // #endregion receive

  // #region transmit
  private transmit(ring: DeviceQueue): void {
    for (let chain = ring.pop(); chain; chain = ring.pop()) {
      if (chain.writable.length > 0) {
        throw new VirtqueueError(`transmit chain ${chain.head} has device-writable descriptors`);
      }
      const bytes = chain.read();
      if (bytes.length < NET_HEADER_LENGTH) {
        throw new VirtqueueError(
          `transmit chain ${chain.head} holds ${bytes.length} bytes, less than the virtio_net_hdr`,
        );
      }
      const frame = bytes.slice(NET_HEADER_LENGTH);
      this.transmittedHeaders.push(bytes.slice(0, NET_HEADER_LENGTH));
      this.transmitted.push(frame);
      ring.push(chain, 0); // nothing written into a transmit buffer
      this.onTransmit(frame);
    }
  }
  // #endregion transmit
}
