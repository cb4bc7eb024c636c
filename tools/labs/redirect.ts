/**
 * Building and testing with a learner's files: wherever the kernel imports
 * kernel/src/X and the lab folder has kernel/src/X, use the lab's file. The
 * learner's files import their neighbours by relative path, as if they sat
 * in kernel/src, so imports from a lab file resolve from its kernel twin.
 */
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import { ROOT } from '../paths';

export class LabRedirect {
  constructor(readonly labDir: string) {}

  /** The lab's copy of a resolved kernel file, if the learner has one. */
  substitute(resolved: string): string | undefined {
    const path = relative(ROOT, resolved);
    if (!path.startsWith('kernel/src/')) return undefined;
    const candidate = join(this.labDir, path);
    return existsSync(candidate) ? candidate : undefined;
  }

  /**
   * Where an import written in a file should be resolved from: a learner's
   * kernel file resolves from its twin in the kernel; anything else (the
   * lab's tests, the kernel itself) from where it is.
   */
  importerTwin(importer: string): string {
    const path = relative(this.labDir, importer);
    return path.startsWith(`kernel${sep}`) ? join(ROOT, path) : importer;
  }
}

// #region esbuild-plugin
export function labEsbuildPlugin(redirect: LabRedirect): Plugin {
  return {
    name: 'kindling-lab',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === 'kindling-lab') return undefined;
        const twin = redirect.importerTwin(args.importer);
        const result = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: join(twin, '..'),
          pluginData: 'kindling-lab',
        });
        if (result.errors.length > 0) return { errors: result.errors };
        return { path: redirect.substitute(result.path) ?? result.path };
      });
    },
  };
}
// #endregion esbuild-plugin
