import { describe, expect, it } from 'vitest';
import { COM1, Serial } from '../../kernel/src/drivers/serial';
import { HostedMachine } from '../../kernel/hosted/machine';
import { Uart16550 } from '../../kernel/hosted/uart16550';

function setup() {
  const machine = new HostedMachine();
  const uart = new Uart16550();
  machine.attach(COM1, 8, uart);
  return { machine, uart, serial: new Serial(machine) };
}

describe('Serial', () => {
  it('programs 115200 baud 8N1 with the divisor latch, then clears DLAB', () => {
    const { uart, serial } = setup();
    serial.init();
    expect(uart.divisor).toBe(1);
    expect(uart.lineControl).toBe(0x03);
    expect(uart.interruptEnable).toBe(0);
    // The divisor bytes must be written while DLAB is set.
    expect(uart.writes.filter(([offset, , dlab]) => offset <= 1 && dlab)).toHaveLength(2);
  });

  it('computes other divisors and refuses impossible rates', () => {
    const { uart, serial } = setup();
    serial.init(9600);
    expect(uart.divisor).toBe(12);
    expect(() => serial.init(7)).toThrow(RangeError);
    expect(() => serial.init(1_000_000)).toThrow(/1\.\.65535/);
  });

  it('sends text as UTF-8 with CR before every LF', () => {
    const { uart, serial } = setup();
    serial.init();
    serial.write('a\nb→\n');
    expect(uart.sent).toEqual([0x61, 0x0d, 0x0a, 0x62, 0xe2, 0x86, 0x92, 0x0d, 0x0a]);
    expect(uart.text()).toBe('a\r\nb→\r\n');
  });

  it('waits for the transmitter before every byte', () => {
    const { uart, serial } = setup();
    uart.busyPollsPerByte = 3;
    serial.init();
    serial.write('slow');
    expect(uart.text()).toBe('slow');
    expect(uart.overruns).toBe(0);
  });

  it('drops bytes, rather than hanging, when the transmitter never gets ready', () => {
    const { uart, serial } = setup();
    uart.stuck = true;
    serial.write('xy');
    expect(uart.sent).toEqual([]);
    expect(serial.dropped).toBe(2);
  });
});
