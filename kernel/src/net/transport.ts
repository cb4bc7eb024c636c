/**
 * Where IPv4 meets the transport protocols (UDP, TCP). Both sides are
 * synchronous, in the sans-I/O style: IPv4 hands a transport each datagram
 * already past its own checks, and a transport sends by asking IPv4 for
 * room in a transmit buffer and writing its header and payload there in
 * place. Only net/stack.ts touches the device and the event loop; it runs
 * every protocol's `poll` at its `nextDeadline`, from one stack timer.
 */

/** IPv4 protocol numbers (IANA). */
export const PROTOCOL_ICMP = 1;
export const PROTOCOL_TCP = 6;
export const PROTOCOL_UDP = 17;

/** What IPv4 offers a transport protocol. */
export interface IpSender {
  /** This interface's address (0 until DHCP or static configuration gives one). */
  readonly localAddress: number;
  /** The largest transport payload (header included) one datagram carries: MTU - 20. */
  readonly maxPayload: number;

  /**
   * Sends one datagram of `length` bytes (transport header and payload) to
   * `destination`: `fill(bytes, at)` writes exactly those bytes at
   * `bytes[at, at + length)`, in the device's transmit buffer when the
   * next hop is known, or in a copy queued while ARP resolves it. Returns
   * false, having called nothing, when it can be neither sent nor queued
   * (no transmit buffer, the ARP queue full, no route): the transport keeps
   * the data and tries again on a later poll.
   */
  send(
    destination: number,
    protocol: number,
    length: number,
    fill: (bytes: Uint8Array, at: number) => void,
  ): boolean;
}

/** What a transport protocol offers IPv4 and the stack. */
export interface Transport {
  /**
   * One datagram's payload, `bytes[at, end)`, from `source` to
   * `destination` (both uint32). Valid only during the call. Input from the
   * network: never throws; a bad segment is dropped and counted.
   */
  input(
    bytes: Uint8Array,
    at: number,
    end: number,
    source: number,
    destination: number,
    nowNs: number,
  ): void;
  /** Does what is due at `nowNs`: retransmissions, delayed ACKs, queued data. */
  poll(nowNs: number): void;
  /** The earliest time `poll` must run again; Infinity when nothing is pending. */
  nextDeadline(): number;
}

/**
 * The stack's side of a transport's needs: when an application call (a
 * socket write, a close) gives a transport new work, it asks the stack to
 * run its poll soon instead of waiting for the next deadline.
 */
export type RequestPoll = () => void;
