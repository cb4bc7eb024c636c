/**
 * A driver for the 16550 UART, the PC's serial port, over port I/O. QEMU's
 * `-serial stdio` connects COM1 to the terminal that ran `kindling boot`.
 *
 * The UART is eight registers at consecutive ports. Writing a byte to THR
 * sends it; bit 5 of LSR says THR can take another. With DLAB (bit 7 of
 * LCR) set, the first two registers instead hold the baud-rate divisor.
 */
import type { PortIo } from '../abi/hardware';
import { encodeUtf8 } from '../util/compute';

export const COM1 = 0x3f8;

/** Register offsets from the base port. */
export const enum UartRegister {
  Data = 0, // THR on write, RBR on read; divisor low byte when DLAB is set
  InterruptEnable = 1, // divisor high byte when DLAB is set
  FifoControl = 2,
  LineControl = 3,
  ModemControl = 4,
  LineStatus = 5,
}

export const LINE_CONTROL_DLAB = 0x80;
export const LINE_CONTROL_8N1 = 0x03;
export const LINE_STATUS_TRANSMIT_EMPTY = 0x20;
export const LINE_STATUS_DATA_READY = 0x01;
/** IER bit 0: interrupt when a received byte is waiting. */
export const INTERRUPT_ON_RECEIVE = 0x01;
/** MCR bit 3 (OUT2) gates the UART's interrupt line on PCs. */
export const MODEM_CONTROL_OUT2 = 0x08;
/** COM1's ISA interrupt line. */
export const COM1_IRQ = 4;
export const UART_CLOCK_HZ = 115200;

/** How long to wait for a stuck transmitter before dropping a byte. */
const MAX_POLLS = 100_000;

export class Serial {
  /** Bytes dropped because the transmitter never became ready. */
  dropped = 0;

  constructor(
    private readonly ports: PortIo,
    private readonly base = COM1,
  ) {}

  // #region init
  /** Programs the UART: no interrupts, `baud` 8N1, FIFOs on, DTR and RTS up. */
  init(baud = UART_CLOCK_HZ): void {
    const divisor = UART_CLOCK_HZ / baud;
    if (!Number.isInteger(divisor) || divisor < 1 || divisor > 0xffff) {
      throw new RangeError(`serial: ${baud} baud is not ${UART_CLOCK_HZ} divided by 1..65535`);
    }
    // TODO(lab 01): program the UART's registers through this.ports.outb
    // Interrupts off; DLAB on to write the divisor (low byte, then high byte);
    // then 8N1 with DLAB off, FIFOs on and cleared (0xc7), DTR and RTS (0x03).
    throw new Error(
      "lab 01: not written yet: program the UART's registers through this.ports.outb",
    );
  }
  // #endregion init

  // #region write
  /** Sends text as UTF-8, turning "\n" into the "\r\n" terminals expect. */
  write(text: string): void {
    // TODO(lab 01): send every UTF-8 byte of text with sendByte, a CR before each LF
    throw new Error(
      'lab 01: not written yet: send every UTF-8 byte of text with sendByte, a CR before each LF',
    );
  }

  // #region receive
  /** Asks the UART to interrupt when a byte arrives (chapter 3 routes the IRQ). */
  enableReceiveInterrupt(): void {
    const { ports, base } = this;
    ports.outb(base + UartRegister.ModemControl, 0x03 | MODEM_CONTROL_OUT2);
    ports.outb(base + UartRegister.InterruptEnable, INTERRUPT_ON_RECEIVE);
  }

  /** A received byte, or undefined if none is waiting. Reading it clears the interrupt. */
  read(): number | undefined {
    const { ports, base } = this;
    if (!(ports.inb(base + UartRegister.LineStatus) & LINE_STATUS_DATA_READY)) return undefined;
    return ports.inb(base + UartRegister.Data);
  }
  // #endregion receive

  private sendByte(byte: number): void {
    // TODO(lab 01): wait (at most MAX_POLLS reads of LineStatus) for TRANSMIT_EMPTY, then write the byte
    // A transmitter that never gets ready must not hang the kernel: count
    // the byte in this.dropped and return.
    throw new Error(
      'lab 01: not written yet: wait (at most MAX_POLLS reads of LineStatus) for TRANSMIT_EMPTY, then write the byte',
    );
  }
  // #endregion write
}
