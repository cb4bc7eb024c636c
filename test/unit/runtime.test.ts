import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../kernel/src/boot/command-line';
import { boot } from '../../kernel/src/runtime/boot';
import { describePanic, PANIC_EXIT_CODE } from '../../kernel/src/runtime/panic';
import { column, formatBytes, hex, hexDigits } from '../../kernel/src/util/format';
import { encodeUtf8 } from '../../kernel/src/util/compute';
import { HostedMachine } from '../../kernel/hosted/machine';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('boot()', () => {
  it("exits with main's result, or 0 when main returns nothing", async () => {
    const machine = new HostedMachine();
    boot(async () => 7, machine);
    await settle();
    expect(machine.exitCode).toBe(7);
    const quiet = new HostedMachine();
    boot(() => undefined, quiet);
    await settle();
    expect(quiet.exitCode).toBe(0);
  });

  it('panics with the error when main throws or rejects', async () => {
    for (const main of [
      () => {
        throw new Error('sync failure');
      },
      async () => Promise.reject(new Error('async failure')),
    ]) {
      const machine = new HostedMachine();
      boot(main, machine);
      await settle();
      expect(machine.exitCode).toBe(PANIC_EXIT_CODE);
      expect(machine.consoleOutput).toMatch(/panic: Error: (sync|async) failure/);
    }
  });

  it('installs the panic handler the platform calls for stray errors', async () => {
    const machine = new HostedMachine();
    boot(() => new Promise<number>(() => {}), machine);
    machine.uncaught(new TypeError('from a stray job'));
    expect(machine.exitCode).toBe(PANIC_EXIT_CODE);
    expect(machine.consoleOutput).toContain('panic: TypeError: from a stray job');
  });

  it('exits with 71, not 70, for the Error the platform makes of a CPU exception', async () => {
    const machine = new HostedMachine();
    boot(() => machine.trap(), machine);
    await settle();
    expect(machine.exitCode).toBe(71);
    expect(machine.consoleOutput).toContain('panic: Error: CPU exception 3 (breakpoint)');
  });

  it('refuses to start without hardware', () => {
    expect(() => boot(() => 0, undefined)).toThrow(/no hardware/);
  });
});

describe('describePanic', () => {
  const map = JSON.stringify({ file: 's.js', sources: ['kernel/x.ts'], mappings: 'AAAA;AACA' });

  it('maps stack positions and describes non-errors', () => {
    const error = new Error('bad');
    error.stack = '    at f (s.js:2:1)\n';
    expect(describePanic(error, map)).toBe('\npanic: Error: bad\n    at f (kernel/x.ts:2:1)\n');
    expect(describePanic('just a string', null)).toBe('\npanic: just a string\n');
  });

  it('keeps the raw stack when the source map is unusable', () => {
    const error = new Error('bad');
    error.stack = '    at f (s.js:2:1)\n';
    expect(describePanic(error, '{not json')).toMatch(
      /s\.js:2:1\)\n\(source map unusable: SyntaxError/,
    );
  });
});

describe('small helpers', () => {
  it('parses the command line into options', () => {
    expect([...parseCommandLine('  a=1 flag  b=x=y a=2 ')]).toEqual([
      ['a', '2'],
      ['flag', ''],
      ['b', 'x=y'],
    ]);
  });

  it('formats numbers for the console', () => {
    expect(hex(255)).toBe('0xff');
    expect(hex(0x1000, 8)).toBe('0x00001000');
    expect(hex(2 ** 40)).toBe('0x10000000000');
    expect(hexDigits(0x1af4, 6)).toBe('001af4');
    expect(hexDigits(10, 2)).toBe('0a');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(655360)).toBe('640 KiB');
    expect(formatBytes(1572864)).toBe('1.5 MiB');
    expect(column('ab', 4)).toBe('ab  ');
  });

  it('encodes UTF-8 like TextEncoder', () => {
    for (const text of ['plain', 'é', '€ → ✓', '😀 astral']) {
      expect([...encodeUtf8(text)]).toEqual([...new TextEncoder().encode(text)]);
    }
  });
});

describe('HostedMachine follows the platform rules', () => {
  it('refuses views of reserved ranges and bad arguments', () => {
    const machine = new HostedMachine();
    const image = machine.bootInfo().reserved[0]!;
    expect(() => machine.physical(image.base, 16)).toThrow(/overlaps the image/);
    expect(() => machine.physical(-1, 1)).toThrow(RangeError);
    expect(() => machine.outb(0x10000, 0)).toThrow(/port must be/);
    expect(() => machine.outb(0x80, 256)).toThrow(/does not fit in 8 bits/);
    expect(() => machine.mmioRead32(0x1002)).toThrow(/aligned/);
    machine.outl(0x80, 0x80000000 | 0); // signed values are accepted
    expect(machine.inb(0x80)).toBe(0xff); // unclaimed ports float high
  });
});
