/**
 * A model of the 16550 UART's transmit side, for the hosted twin: it keeps
 * the registers the driver programs, what it was sent, and can pretend to
 * be slow (busy for N polls per byte) or stuck (never ready).
 */
import type { PortDevice } from './machine';

export class Uart16550Model implements PortDevice {
  readonly sent: number[] = [];
  /** Every write, in order, as [register offset, value, DLAB at the time]. */
  readonly writes: [number, number, boolean][] = [];
  lineControl = 0;
  divisor = 0;
  interruptEnable = 0;
  fifoControl = 0;
  modemControl = 0;
  /** Polls of the line status register that report "busy" before each byte. */
  busyPollsPerByte = 0;
  stuck = false;
  private busyLeft = 0;
  private readonly received: number[] = [];
  /** Called when the UART raises its interrupt line (the machine wires it to the IOAPIC). */
  onInterrupt: () => void = () => {};
  /** Bytes written while the transmitter was busy: a driver bug. */
  overruns = 0;

  private get dlab(): boolean {
    return (this.lineControl & 0x80) !== 0;
  }

  read(offset: number): number {
    const dataReady = this.received.length > 0 ? 0x01 : 0;
    if (offset === 5) {
      if (this.stuck) return dataReady;
      if (this.busyLeft > 0) {
        this.busyLeft--;
        return dataReady;
      }
      return 0x60 | dataReady; // transmitter holding register and shift register empty
    }
    if (offset === 0 && !this.dlab) return this.received.shift() ?? 0;
    if (offset === 1 && !this.dlab) return this.interruptEnable;
    if (offset === 3) return this.lineControl;
    return 0;
  }

  write(offset: number, value: number): void {
    this.writes.push([offset, value, this.dlab]);
    switch (offset) {
      case 0:
        if (this.dlab) this.divisor = (this.divisor & 0xff00) | value;
        else this.transmit(value);
        break;
      case 1:
        if (this.dlab) this.divisor = (this.divisor & 0xff) | (value << 8);
        else this.interruptEnable = value;
        break;
      case 2:
        this.fifoControl = value;
        break;
      case 3:
        this.lineControl = value;
        break;
      case 4:
        this.modemControl = value;
        break;
    }
  }

  /** Bytes arrive on the wire; with receive interrupts on, the line is raised. */
  receive(text: string): void {
    this.received.push(...new TextEncoder().encode(text));
    if (this.interruptEnable & 0x01) this.onInterrupt();
  }

  private transmit(byte: number): void {
    if (this.stuck || this.busyLeft > 0) this.overruns++;
    this.sent.push(byte);
    this.busyLeft = this.busyPollsPerByte;
  }

  /** What was sent, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(Uint8Array.from(this.sent));
  }
}
