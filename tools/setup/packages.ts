/**
 * Debian packages Kindling needs, installed when missing. Without root,
 * setup prints the exact apt command instead of failing obscurely.
 */
import { spawnSync } from 'node:child_process';
import { isRoot, run } from '../run';

// #region packages
export const REQUIRED_PACKAGES = [
  'gcc', // the platform, the engine and the host bytecode compiler
  'binutils', // ld, strip
  'make',
  'musl-tools', // musl's headers and libc.a: printf, math and strings for the engine
  'musl-dev',
  'xz-utils', // the QuickJS source tarball is .tar.xz
  'qemu-system-x86', // boots every stage
  'chromium', // the docs test renders the site headless
  'gdb', // kindling boot --gdb debugs the platform layer
];
// #endregion packages

function installed(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

export function missingPackages(isInstalled: (name: string) => boolean = installed): string[] {
  return REQUIRED_PACKAGES.filter((name) => !isInstalled(name));
}

export function installCommand(packages: string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

export interface PackageSystem {
  isInstalled(name: string): boolean;
  isRoot(): boolean;
}

const debian: PackageSystem = { isInstalled: installed, isRoot };

/** Installs what is missing, or explains how. Returns false if packages are still missing. */
export function ensurePackages(
  log: (line: string) => void,
  system: PackageSystem = debian,
): boolean {
  const missing = missingPackages((name) => system.isInstalled(name));
  if (missing.length === 0) return true;
  if (!system.isRoot()) {
    log(`kindling: missing Debian packages: ${missing.join(' ')}`);
    log(`kindling: install them with:\n  ${installCommand(missing)}`);
    return false;
  }
  log(`kindling: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    env,
    stdio: 'inherit',
  });
  return true;
}
