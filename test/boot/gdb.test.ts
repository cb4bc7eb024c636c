import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/paths';

describe('kindling boot --gdb', () => {
  it('starts the machine paused until gdb connects, with the platform debuggable by source line', async () => {
    const boot = spawn(
      process.execPath,
      [
        join(ROOT, 'tools/bin/kindling.mjs'),
        'boot',
        '01',
        '--no-build',
        '--gdb',
        '--timeout',
        '60',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    boot.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => boot.on('close', resolve));
    // Wait for QEMU to be listening (kindling prints the command first).
    while (!stderr.includes(' -s -S')) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const gdb = spawnSync(
      'gdb',
      [
        '-batch',
        '-ex',
        'target remote :1234',
        '-ex',
        'break kernel_main',
        '-ex',
        'continue',
        '-ex',
        'continue',
        join(ROOT, 'build/01-boot/kernel-debug.elf'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(stderr).toContain(
      "gdb /work/main/build/01-boot/kernel-debug.elf -ex 'target remote :1234'".replace(
        '/work/main',
        ROOT,
      ),
    );
    expect(gdb.stdout).toMatch(/Breakpoint 1, kernel_main \(start_info_paddr=\d+\) at main\.c:\d+/);
    // After the breakpoint the kernel runs to its end and exits 0.
    expect(await exited).toBe(0);
  });
});
