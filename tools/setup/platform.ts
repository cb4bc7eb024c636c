/** Builds the engine library, the host bytecode compiler and the platform objects with make. */
import { availableParallelism } from 'node:os';
import { BUILD, PLATFORM } from '../paths';
import { run } from '../run';

export function makePlatform(
  quickjsDir: string,
  targets: string[],
  variables: Record<string, string> = {},
): void {
  const assignments = Object.entries({ QJS: quickjsDir, OUT: BUILD, ...variables }).map(
    ([name, value]) => `${name}=${value}`,
  );
  const jobs = `-j${availableParallelism()}`;
  run('make', ['-s', '-C', PLATFORM, jobs, ...assignments, ...targets]);
}
