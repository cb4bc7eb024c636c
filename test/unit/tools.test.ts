import { describe, expect, it } from 'vitest';
import { guestExitCode, qemuArgs } from '../../tools/boot/qemu';
import { findStage, listStages } from '../../tools/build/stages';
import { shellCommand } from '../../tools/cli';
import { ensurePackages } from '../../tools/setup/packages';
import { machineAptSources } from '../../tools/setup/quickjs';

describe('QEMU plumbing', () => {
  it('decodes isa-debug-exit statuses into guest exit codes', () => {
    expect(guestExitCode(1)).toEqual({ code: 0, how: 'the guest exited' });
    expect(guestExitCode(141).code).toBe(70);
    expect(guestExitCode(0).how).toMatch(/reset/);
    expect(guestExitCode(2).how).toMatch(/QEMU itself failed/);
  });

  it('builds a command line with the exit device, the kernel and the options', () => {
    const args = qemuArgs({ image: 'k.elf', append: 'a=1 b', memory: '128M' });
    expect(args.join(' ')).toContain('-accel tcg');
    expect(args.join(' ')).toContain('-device isa-debug-exit,iobase=0xf4,iosize=0x04');
    expect(args.slice(args.indexOf('-kernel'), args.indexOf('-kernel') + 4)).toEqual([
      '-kernel',
      'k.elf',
      '-append',
      'a=1 b',
    ]);
    expect(args[args.indexOf('-m') + 1]).toBe('128M');
    expect(qemuArgs({ image: 'k', accel: 'kvm' })).toContain('host');
  });

  it('prints command lines a shell can run', () => {
    expect(shellCommand(['qemu', '-append', 'a=1 b', "it's"])).toBe(
      `qemu -append 'a=1 b' 'it'\\''s'`,
    );
  });
});

describe('stages', () => {
  it('finds stages by number or name and explains unknown ones', () => {
    expect(listStages()[0]!.name).toBe('01-boot');
    expect(findStage('1').name).toBe('01-boot');
    expect(findStage('01-boot').number).toBe('01');
    expect(() => findStage('99')).toThrow(/no stage "99"; the stages are: 01-boot/);
  });
});

describe('apt sources', () => {
  it('reads archive URIs from deb822 and one-line files, skipping security mirrors', () => {
    const files: Record<string, string> = {
      '/etc/apt/sources.list':
        'deb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\n# deb http://no\n',
      '/etc/apt/sources.list.d/debian.sources':
        'Types: deb\nURIs: http://two.example/debian\nSuites: bookworm\nSigned-By: /two.gpg\n\nTypes: deb\nURIs: http://two.example/debian-security\nSuites: bookworm-security\n',
    };
    const sources = machineAptSources(
      (path) => files[path],
      () => ['debian.sources', 'other.list'],
    );
    expect(sources).toEqual([
      { uri: 'http://one.example/debian', signedBy: '/k.gpg' },
      { uri: 'http://two.example/debian', signedBy: '/two.gpg' },
    ]);
  });
});

describe('setup without root', () => {
  it('prints the exact apt command for what is missing instead of failing obscurely', () => {
    const lines: string[] = [];
    const ok = ensurePackages((line) => lines.push(line), {
      isInstalled: (name) => name !== 'qemu-system-x86' && name !== 'musl-tools',
      isRoot: () => false,
    });
    expect(ok).toBe(false);
    expect(lines.join('\n')).toBe(
      'kindling: missing Debian packages: musl-tools qemu-system-x86\n' +
        'kindling: install them with:\n' +
        '  sudo apt-get update && sudo apt-get install -y --no-install-recommends musl-tools qemu-system-x86',
    );
  });

  it('has nothing to do when everything is installed', () => {
    expect(ensurePackages(() => {}, { isInstalled: () => true, isRoot: () => false })).toBe(true);
  });
});
