import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/paths';
import { bootStage, lineOf } from './boot';

describe('stage 01 on QEMU', () => {
  it('boots to TypeScript, prints the machine and exits 0', async () => {
    const result = await bootStage('01', { append: 'hello=world' });
    expect(result.how).toBe('the guest exited');
    expect(result.code).toBe(0);
    const out = result.output;
    expect(out).toMatch(/^Kindling stage 01: boot$/m);
    expect(out).toContain('command line  "hello=world"');
    expect(out).toMatch(/hypervisor {4}TCGTCGTCGTCG/);
    // QEMU's map for 64 MiB: low RAM below the EBDA, then RAM from 1 MiB to the top.
    expect(out).toMatch(/0x000000000000-0x00000009fbff {2}639 KiB +RAM/);
    expect(out).toMatch(/0x000000100000-0x000003ffffff {2}63 MiB +RAM/);
    expect(out).toMatch(/image +0x100000-0x[0-9a-f]+/);
    expect(out).toMatch(/clock +\d+\.\d{3} ms since boot, TSC at \d+\.\d{3} GHz/);
    expect(out).toMatch(/engine heap +[\d.]+ KiB in use of [\d.]+ MiB/);
    expect(out).toMatch(/stage 01 done: exit 0\n$/);
  });

  it('sees the memory it was given', async () => {
    const result = await bootStage('01', { memory: '256M' });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/0x000000100000-0x00000fffffff {2}255 MiB +RAM/);
  });

  it('panics with the TypeScript file and line of an uncaught throw', async () => {
    const result = await bootStage('01', { append: 'crash=throw' });
    expect(result.code).toBe(70);
    const throwLine = lineOf('kernel/stages/01-boot.ts', "throw new Error('crash requested");
    expect(result.output).toContain('panic: Error: crash requested on the command line');
    expect(result.output).toMatch(
      new RegExp(`at crashDeepInside \\(kernel/stages/01-boot\\.ts:${throwLine}:\\d+\\)`),
    );
    expect(result.output).not.toMatch(/01-boot\.js:\d+/);
  });

  it('reports a CPU exception with the registers and the TypeScript stack, and exits 71', async () => {
    const result = await bootStage('01', { append: 'crash=trap' });
    expect(result.code).toBe(71);
    const out = result.output;
    expect(out).toContain('!! CPU exception 3 (breakpoint), error code 0');
    expect(out).toMatch(/rip [0-9a-f]{16} {2}rsp [0-9a-f]{16} {2}rflags [0-9a-f]{8}/);
    expect(out).toMatch(/r13 [0-9a-f]{16} {2}r14 [0-9a-f]{16} {2}r15 [0-9a-f]{16}/);
    expect(out).toContain('panic: InternalError: CPU exception 3 (breakpoint), registers above');
    const trapLine = lineOf('kernel/stages/01-boot.ts', "=== 'trap') hw.trap()");
    expect(out).toMatch(
      new RegExp(`at <anonymous> \\(kernel/stages/01-boot\\.ts:${trapLine}:\\d+\\)`),
    );
  });

  it('turns an out-of-range memory view into a RangeError and keeps running', async () => {
    const result = await bootStage('01', { append: 'probe=view' });
    expect(result.output).toContain(
      'probe: caught RangeError: physical range 0x100000+0x1000: range overlaps the kernel image',
    );
    expect(result.output).toContain('stage 01 done: exit 0');
    expect(result.code).toBe(0);
  });

  it('kindling boot exits with the guest exit code and prints the QEMU command', () => {
    const cli = spawnSync(
      process.execPath,
      [
        join(ROOT, 'tools/bin/kindling.mjs'),
        'boot',
        '01',
        '--no-build',
        '--append',
        'crash=throw',
        '--timeout',
        '60',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    expect(cli.status).toBe(70);
    expect(cli.stderr).toMatch(/kindling: qemu-system-x86_64 -accel tcg .* -append crash=throw/);
    expect(cli.stderr).toMatch(/the guest exited with code 70 after [\d.]+ s/);
    expect(cli.stdout).toContain('panic: Error: crash requested');
  });
});
