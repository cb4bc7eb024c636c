/**
 * A model of the I/O APIC for the hosted twin: the IOREGSEL/IOWIN window and
 * 24 redirection entries. A device asserting a pin raises the routed vector
 * unless the entry is masked.
 */
import type { HostedMachine, MmioDevice } from './machine';

export const IOAPIC_BASE = 0xfec0_0000;
const PINS = 24;

export class IoApicModel implements MmioDevice {
  private selected = 0;
  private readonly entries = Array.from({ length: PINS }, () => [1 << 16, 0] as [number, number]);

  constructor(private readonly machine: HostedMachine) {}

  read(offset: number): number {
    if (offset === 0x00) return this.selected;
    if (offset !== 0x10) return 0;
    if (this.selected === 0x01) return ((PINS - 1) << 16) | 0x20; // max entry, version
    const entry = this.entryFor(this.selected);
    return entry ? entry[0][entry[1]] : 0;
  }

  write(offset: number, value: number): void {
    if (offset === 0x00) this.selected = value;
    if (offset !== 0x10) return;
    const entry = this.entryFor(this.selected);
    if (entry) entry[0][entry[1]] = value;
  }

  private entryFor(register: number): [[number, number], 0 | 1] | undefined {
    const index = register - 0x10;
    if (index < 0 || index >= 2 * PINS) return undefined;
    return [this.entries[index >> 1]!, (index & 1) as 0 | 1];
  }

  /** The routing of `pin`: its vector, masked or not, and the destination APIC. */
  route(pin: number): { vector: number; masked: boolean; level: boolean; destination: number } {
    const [low, high] = this.entries[pin]!;
    return {
      vector: low & 0xff,
      masked: (low & (1 << 16)) !== 0,
      level: (low & (1 << 15)) !== 0,
      destination: high >>> 24,
    };
  }

  /** A device raised its line (edge-triggered: once per call). */
  assert(pin: number): void {
    const route = this.route(pin);
    if (!route.masked) this.machine.raise(route.vector);
  }
}
