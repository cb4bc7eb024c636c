/**
 * Bundles a stage's TypeScript into one script for QuickJS with esbuild,
 * and rewrites its source map so panics name repository-relative files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ROOT } from '../paths';

export interface BundleOptions {
  entry: string;
  /** The script to write; its map goes beside it as SCRIPT.map. */
  outfile: string;
  plugins?: Plugin[];
}

// #region bundle
export async function bundle({ entry, outfile, plugins = [] }: BundleOptions): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    // A classic script: QuickJS evaluates it as one program, no module loader.
    format: 'iife',
    platform: 'neutral',
    target: 'es2023',
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    plugins,
  });
  rewriteSourceMap(`${outfile}.map`, basename(outfile));
}
// #endregion bundle

/**
 * esbuild names sources relative to the map's folder ("../../kernel/src/x.ts");
 * a panic should say "kernel/src/x.ts". The map also records the script name
 * stack traces will show, which the panic handler looks for.
 */
function rewriteSourceMap(mapFile: string, scriptName: string): void {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; file?: string };
  map.sources = map.sources.map((source) => relative(ROOT, resolve(dirname(mapFile), source)));
  map.file = scriptName;
  writeFileSync(mapFile, JSON.stringify(map));
}
