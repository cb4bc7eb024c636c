/**
 * `kindling build NN`: TypeScript in, one bootable ELF out.
 *
 *   tsc (type-check) -> esbuild (one script + source map)
 *     -> kindling-qjsc (QuickJS bytecode) -> make kernel (link) -> strip
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { HOST_COMPILER, ROOT } from '../paths';
import { CommandError, run } from '../run';
import { makePlatform } from '../setup/platform';
import { QUICKJS_DIR } from '../setup/quickjs';
import { bundle } from './bundle';
import { stageOutputDir, type Stage } from './stages';

export interface BuildOptions {
  /** Skip tsc, e.g. when a caller has just type-checked. */
  typecheck?: boolean;
  /** A name for the variant's output folder ("lab"), kept apart from the reference build. */
  variant?: string;
  plugins?: Plugin[];
}

export interface BuildResult {
  /** The stripped image to boot. */
  image: string;
  /** The same image with symbols, for gdb. */
  debugImage: string;
  script: string;
  bytecode: string;
  sourceMap: string;
}

export function typecheck(project = join(ROOT, 'kernel', 'tsconfig.json')): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    run(process.execPath, [tsc, '-p', project, '--pretty', 'false']);
  } catch (error) {
    throw new CommandError(
      `type errors:\n${(error as Error).message.split('\n').slice(1).join('\n')}`,
    );
  }
}

// #region build
export async function buildStage(stage: Stage, options: BuildOptions = {}): Promise<BuildResult> {
  if (!existsSync(HOST_COMPILER) || !existsSync(QUICKJS_DIR)) {
    throw new CommandError('the engine is not built yet: run `kindling setup` first');
  }
  if (options.typecheck !== false) typecheck();
  const out = stageOutputDir(stage, options.variant);
  mkdirSync(out, { recursive: true });
  const script = join(out, `${stage.name}.js`);
  const bytecode = join(out, `${stage.name}.qjbc`);
  const debugImage = join(out, 'kernel-debug.elf');
  const image = join(out, 'kernel.elf');

  await bundle({ entry: stage.entry, outfile: script, plugins: options.plugins ?? [] });
  run(HOST_COMPILER, [script, bytecode, `${stage.name}.js`]);
  makePlatform(QUICKJS_DIR, ['kernel'], {
    KERNEL: debugImage,
    STAGE_BYTECODE: bytecode,
    STAGE_SOURCE_MAP: `${script}.map`,
  });
  run('strip', ['-o', image, debugImage]);
  return { image, debugImage, script, bytecode, sourceMap: `${script}.map` };
}
// #endregion build

export function fileSize(path: string): number {
  return statSync(path).size;
}
