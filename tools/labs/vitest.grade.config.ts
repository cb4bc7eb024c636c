/**
 * Vitest configuration for grading: the lab's hosted tests, with imports of
 * kernel files redirected to the learner's copies in KINDLING_LAB_DIR (when
 * set; unset grades the reference kernel).
 */
import { defineConfig, type Plugin } from 'vitest/config';
import { LabRedirect } from './redirect';

function labFiles(labDir: string): Plugin {
  const redirect = new LabRedirect(labDir);
  return {
    name: 'kindling-lab',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, redirect.importerTwin(importer), {
        ...options,
        skipSelf: true,
      });
      if (!resolved) return null;
      return redirect.substitute(resolved.id) ?? resolved.id;
    },
  };
}

const labDir = process.env.KINDLING_LAB_DIR;

export default defineConfig({
  plugins: labDir ? [labFiles(labDir)] : [],
  test: { include: ['labs/*/tests/**/*.test.ts'], testTimeout: 20_000 },
});
