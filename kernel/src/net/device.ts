/**
 * A network device as the stack sees it: virtio-net on QEMU (chapter 4),
 * netfront on Xen (chapter 9), a simulated link in tests. The interface is
 * shaped for an interpreter, where a promise per frame costs more than the
 * frame's protocol work:
 *
 * - Receive is synchronous and batched: when `ready()` resolves, the stack
 *   calls `receive(budget, handler)`, and the device hands up to `budget`
 *   frames to `handler`, one call each, from its own DMA buffers. The view
 *   is valid only during the call (the buffer goes back to the device
 *   after), so a layer that keeps bytes copies them.
 * - Transmit fills the device's own buffer in place: `transmitBuffer()`
 *   lends a buffer (or null when every buffer is in flight: back-pressure,
 *   never a rejected promise), the stack writes the frame at offset 0, and
 *   `transmit(buffer, length)` queues it. `flush()` rings the doorbell
 *   once for everything queued since the last one.
 * - Misbehaving input (a runt frame, a frame longer than the buffer) is the
 *   device's to drop and count; the handler sees only frames of at least
 *   ETHERNET_HEADER bytes.
 */

export const ETHERNET_HEADER = 14;
/** The largest frame without FCS: a 1500-byte payload and the header. */
export const MAX_FRAME = 1514;

export interface NetDeviceStats {
  received: number;
  transmitted: number;
  /** Frames the device dropped before the stack saw them, by reason. */
  dropped: Record<string, number>;
  /** Times transmitBuffer() had no buffer to lend. */
  noBuffer: number;
}

export interface NetDevice {
  /** The station address, as a 48-bit integer (52:54:00:12:34:56 is 0x525400123456). */
  readonly mac: number;
  /** Largest IP packet the link carries (1500 on Ethernet). */
  readonly mtu: number;
  readonly stats: NetDeviceStats;

  /** Hands up to `budget` received frames to `handler`, synchronously; returns how many. */
  receive(budget: number, handler: (frame: Uint8Array) => void): number;

  /** A free transmit buffer of at least MAX_FRAME bytes to fill in place, or null if none is free. */
  transmitBuffer(): Uint8Array | null;
  /** Queues the first `length` bytes of a buffer from transmitBuffer() for sending. */
  transmit(buffer: Uint8Array, length: number): void;
  /** Tells the device about everything queued since the last flush (one doorbell). */
  flush(): void;

  /**
   * Resolves when there may be something to do: frames received, or
   * transmit buffers given back. Notifications coalesce, so the stack
   * drains everything each time. One waiter at a time.
   */
  ready(): Promise<void>;
}
