// Site-wide build tweaks, kept in one small plugin:
//
// - Docusaurus looks for theme overrides in <siteDir>/src/theme; this site keeps all of
//   its own code under site/, so point it at site/theme instead.
// - The repository's package.json says "type": "module", so webpack parses Docusaurus's
//   generated route registry (.docusaurus/*.js) as strict ESM, where it leaves
//   `require.resolveWeak` untranslated and server-side rendering crashes. Those files are
//   written for webpack's mixed mode ('javascript/auto'): parse them that way.
// - @docusaurus/theme-mermaid references the optional ELK layout package even when it
//   is not installed, and webpack then fails to resolve it. We do not use ELK layouts,
//   so resolve that import to an empty module rather than install a heavy dependency.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @param {import('@docusaurus/types').LoadContext} context */
export default function kindlingTheme(context) {
  return {
    name: 'kindling-theme',
    getThemePath: () => path.resolve(here, '../../theme'),
    configureWebpack: () => ({
      module: {
        rules: [{ test: /\.js$/, include: [context.generatedFilesDir], type: 'javascript/auto' }],
      },
      resolve: { alias: { '@mermaid-js/layout-elk': false } },
    }),
  };
}
