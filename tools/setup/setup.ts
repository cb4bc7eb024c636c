/**
 * `kindling setup`: Debian packages, the QuickJS sources (pinned), the host
 * bytecode compiler and the freestanding engine. Idempotent: a second run
 * checks and returns in seconds.
 */
import { CommandError } from '../run';
import { ensurePackages } from './packages';
import { makePlatform } from './platform';
import { ensureQuickjsSource } from './quickjs';

export interface SetupOptions {
  /** A local copy of the QuickJS orig tarball, for machines without the archive. */
  quickjsTarball?: string;
  log?: (line: string) => void;
}

// #region setup
export function setup(options: SetupOptions = {}): string {
  const log = options.log ?? ((line: string) => console.error(line));
  if (!ensurePackages(log)) {
    throw new CommandError('setup cannot continue until the packages above are installed');
  }
  const quickjsDir = ensureQuickjsSource(log, options.quickjsTarball);
  makePlatform(quickjsDir, ['all']);
  return quickjsDir;
}
// #endregion setup
