/** Running other programs, with errors that say what failed. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export class CommandError extends Error {}

/** Runs a command to completion; throws CommandError naming it if it fails. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: 'pipe', ...options });
  if (result.error) throw new CommandError(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new CommandError(
      `${command} ${args.join(' ')} failed (exit ${result.status})\n${output}`,
    );
  }
  return String(result.stdout ?? '');
}

/** True if `command` is on the PATH. */
export function haveCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
