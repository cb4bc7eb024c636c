/**
 * Type-checking a learner's files. Their files sit in labs/NN-name/kernel/
 * but import their neighbours by paths relative to kernel/; TypeScript's
 * rootDirs merges the two trees, so `../abi/hardware` from a lab file finds
 * the kernel's. `kindling labs` writes this tsconfig.json beside the
 * starters, so editors check the learner's code the same way.
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { ROOT } from '../paths';

export const LAB_TSCONFIG = 'tsconfig.json';

// #region tsconfig
export function labTsconfig(labDir: string): string {
  const root = relative(labDir, ROOT) || '.';
  const config = {
    extends: `${root}/tsconfig.base.json`,
    compilerOptions: {
      lib: ['ES2023'],
      types: [],
      rootDirs: [`${root}/kernel`, './kernel'],
      // A starter's unfinished functions leave parameters unused; that is not an error yet.
      noUnusedLocals: false,
      noUnusedParameters: false,
    },
    include: ['kernel/**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
// #endregion tsconfig

/** tsc's complaints about the learner's files (empty when they type-check). */
export function typeErrors(labDir: string): string[] {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(labDir, LAB_TSCONFIG), '--pretty', 'false'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status === 0) return [];
  return `${result.stdout}${result.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
}
