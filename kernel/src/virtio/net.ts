/**
 * virtio-net (virtio spec 5.1): Ethernet frames in and out through two
 * queues. Every frame is preceded by a 12-byte virtio_net_hdr (offload
 * hints we do not use: all zero on transmit, ignored on receive).
 *
 * Receive buffers are slots carved from one DMA region, all posted to the
 * device up front and re-posted as soon as their frame is copied out.
 * Transmit copies the frame into a free slot and resolves when the device
 * has sent it.
 */
import type { DmaBuffer } from '../memory/dma';
import type { VirtioContext, VirtioFunction } from './device';
import type { Virtqueue } from './virtqueue';

export const VIRTIO_NET_F_MAC = 1n << 5n;
export const VIRTIO_NET_F_STATUS = 1n << 16n;
export const NET_HEADER_SIZE = 12;
/** A header and the largest Ethernet frame without FCS (1514), rounded up. */
const SLOT_SIZE = 2048;
const QUEUE_SIZE = 128;
const RECEIVE = 0;
const TRANSMIT = 1;

export class VirtioNet {
  readonly mac: Uint8Array;
  readonly features: bigint;
  /** Frames received and not yet taken by receive(). */
  private readonly inbox: Uint8Array[] = [];
  private readonly readers: { resolve: (frame: Uint8Array) => void; reject: (e: Error) => void }[] =
    [];
  /** Set when the device misbehaved: every call after that fails with it. */
  private broken: Error | undefined;
  private readonly receiveQueue: Virtqueue<number>;
  private readonly transmitQueue: Virtqueue<number>;
  private readonly receiveSlots: DmaBuffer;
  private readonly transmitSlots: DmaBuffer;
  private readonly freeTransmitSlots: number[] = [];
  private readonly sent = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  readonly stats = { received: 0, sent: 0, dropped: 0 };
  private readonly hw: VirtioContext['hw'];

  // #region start
  constructor(
    private readonly device: VirtioFunction,
    context: Pick<VirtioContext, 'allocDma' | 'hw'>,
  ) {
    const { transport } = device;
    this.hw = context.hw;
    this.features = transport.initialize(VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
    this.mac = transport.readConfig((base) =>
      Uint8Array.from({ length: 6 }, (_, i) => this.hw.mmioRead8(base + i)),
    );
    const receive = device.queue<number>(RECEIVE, QUEUE_SIZE, 'virtio-net receive');
    const transmit = device.queue<number>(TRANSMIT, QUEUE_SIZE, 'virtio-net transmit');
    this.receiveQueue = receive.queue;
    this.transmitQueue = transmit.queue;
    this.receiveSlots = context.allocDma(this.receiveQueue.size * SLOT_SIZE);
    this.transmitSlots = context.allocDma(this.transmitQueue.size * SLOT_SIZE);
    for (let slot = 0; slot < this.transmitQueue.size; slot++) this.freeTransmitSlots.push(slot);
    for (let slot = 0; slot < this.receiveQueue.size; slot++) this.postReceive(slot);
    device.start();
    this.receiveQueue.kick();
    void this.serve(receive.channel, () => this.collectReceived());
    void this.serve(transmit.channel, () => this.collectSent());
  }
  // #endregion start

  /** Whether the link is up (always, if the device does not report status). */
  get linkUp(): boolean {
    if (!(this.features & VIRTIO_NET_F_STATUS)) return true;
    return (this.device.transport.readConfig((base) => this.hw.mmioRead16(base + 6)) & 1) === 1;
  }

  private postReceive(slot: number): void {
    const address = this.receiveSlots.address + slot * SLOT_SIZE;
    this.receiveQueue.add([{ address, length: SLOT_SIZE, writable: true }], slot);
  }

  /**
   * Each notification: collect everything completed (it may be many frames).
   * A device that breaks the ring protocol is not trusted again: everyone
   * waiting, and every later call, gets the reason.
   */
  private async serve(channel: { next(): Promise<void> }, collect: () => void): Promise<void> {
    try {
      for (;;) {
        await channel.next();
        collect();
      }
    } catch (error) {
      this.broken = error as Error;
      for (const reader of this.readers.splice(0)) reader.reject(this.broken);
      for (const waiter of this.sent.values()) waiter.reject(this.broken);
      this.sent.clear();
    }
  }

  // #region receive
  private collectReceived(): void {
    for (const { token: slot, written } of this.receiveQueue.takeUsed()) {
      const start = slot * SLOT_SIZE;
      if (written >= NET_HEADER_SIZE) {
        // Copy the frame out so the slot can go straight back to the device.
        const frame = this.receiveSlots.bytes.slice(start + NET_HEADER_SIZE, start + written);
        this.stats.received++;
        const reader = this.readers.shift();
        if (reader) reader.resolve(frame);
        else this.inbox.push(frame);
      } else {
        this.stats.dropped++;
      }
      this.postReceive(slot);
    }
    this.receiveQueue.kick();
  }

  /** The next received Ethernet frame (destination MAC first, no FCS). */
  receive(): Promise<Uint8Array> {
    const frame = this.inbox.shift();
    if (frame) return Promise.resolve(frame);
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  /** Received frames as an async stream: `for await (const frame of net.frames())`. */
  async *frames(): AsyncGenerator<Uint8Array, never> {
    for (;;) yield await this.receive();
  }
  // #endregion receive

  // #region transmit
  /** Sends one frame; resolves once the device has taken it. */
  transmit(frame: Uint8Array): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (frame.length < 14 || frame.length > SLOT_SIZE - NET_HEADER_SIZE) {
      return Promise.reject(
        new RangeError(
          `virtio-net: a ${frame.length}-byte frame is not 14..${SLOT_SIZE - NET_HEADER_SIZE}`,
        ),
      );
    }
    const slot = this.freeTransmitSlots.pop();
    if (slot === undefined) return Promise.reject(new Error('virtio-net: transmit queue is full'));
    const start = slot * SLOT_SIZE;
    this.transmitSlots.bytes.fill(0, start, start + NET_HEADER_SIZE);
    this.transmitSlots.bytes.set(frame, start + NET_HEADER_SIZE);
    const done = new Promise<void>((resolve, reject) => this.sent.set(slot, { resolve, reject }));
    const address = this.transmitSlots.address + start;
    this.transmitQueue.add(
      [{ address, length: NET_HEADER_SIZE + frame.length, writable: false }],
      slot,
    );
    this.transmitQueue.kick();
    return done;
  }

  private collectSent(): void {
    for (const { token: slot } of this.transmitQueue.takeUsed()) {
      this.freeTransmitSlots.push(slot);
      this.stats.sent++;
      this.sent.get(slot)?.resolve();
      this.sent.delete(slot);
    }
  }
  // #endregion transmit
}
