// Docusaurus plugin: the kernel's API reference. It runs TypeDoc over kernel/src to
// Markdown, then serves that folder as an ordinary docs instance (searchable, themed,
// link-checked like the chapters).
//
// It wraps the docs plugin instead of running beside it because Docusaurus initialises
// plugins concurrently and the docs plugin requires its folder to exist at that moment.
// We drive TypeDoc ourselves (not docusaurus-plugin-typedoc) because that plugin returns
// quietly when TypeDoc fails, which would publish a stale or empty reference; here any
// failure fails the build.

import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as docsModule from '@docusaurus/plugin-content-docs';

// The docs plugin is CommonJS; depending on the loader its exports may sit one level down.
const docs = docsModule.default?.default ? docsModule.default : docsModule;

/** Every .ts file under `dir` (declaration files included), sorted for a stable order. */
export function listTypeScript(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Runs TypeDoc with the Markdown and Docusaurus themes into `out`.
 * @param {{ entryPoints: string[], tsconfig: string, out: string, basePath: string,
 *           sourceUrl: string, readme: string }} options
 */
export async function generateApiMarkdown({
  entryPoints,
  tsconfig,
  out,
  basePath,
  sourceUrl,
  readme,
}) {
  // Start clean: a removed module must not survive as a page.
  rmSync(out, { recursive: true, force: true });
  const typedoc = await import('typedoc');
  const app = await typedoc.Application.bootstrapWithPlugins(
    {
      entryPoints,
      entryPointStrategy: 'expand',
      tsconfig,
      out,
      plugin: ['typedoc-plugin-markdown', 'typedoc-docusaurus-theme'],
      // The sidebar ids the theme writes are relative to this folder.
      docsPath: out,
      name: 'Kernel API',
      readme,
      mergeReadme: true,
      // One page per module: kernel modules are small, and a reader wants a whole
      // module's interface in view rather than one page per function.
      outputFileStrategy: 'modules',
      // Docusaurus derives heading ids from the text; a page titled "memory/picture"
      // would take the id "memorypicture" from its own interface MemoryPicture and
      // break every link to it. A title that slugs differently avoids the clash.
      pageTitleTemplates: { module: '{name} module' },
      // Link each declaration to its line in the repository, without asking git (a fresh
      // CI clone or a tarball may have no usable remote). basePath also names the
      // modules: kernel/src/net/arp.ts is the module "net/arp".
      disableGit: true,
      basePath,
      sourceLinkTemplate: `${sourceUrl}{path}#L{line}`,
      // `npm run typecheck` owns type errors; the reference should still build meanwhile.
      skipErrorChecking: true,
      excludePrivate: true,
      excludeInternal: true,
      sort: ['source-order'],
      sidebar: { autoConfiguration: true, pretty: true },
      // A broken {@link} is as much a bug as a broken link in a chapter. An unexported
      // type in a signature is not: it is shown by name, without a link.
      validation: { invalidLink: true, notExported: false, notDocumented: false },
      treatWarningsAsErrors: true,
      logLevel: 'Warn',
    },
    [new typedoc.TSConfigReader()],
  );
  const project = await app.convert();
  if (!project) throw new Error('api-docs: TypeDoc could not read kernel/src (see above)');
  // The TypeDoc CLI validates before rendering; the API does not unless asked.
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    throw new Error('api-docs: TypeDoc reported problems in kernel/src (see above)');
  }
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error('api-docs: TypeDoc could not write (see above)');
}

/**
 * Options: those of @docusaurus/plugin-content-docs, plus
 * `typedoc: { entryPoints, tsconfig, basePath, sourceUrl, readme }` (paths relative to
 * the site; sourceUrl is where the repository browser shows basePath; readme is the
 * overview page's text) and `path`, the folder TypeDoc writes into and the docs
 * instance reads.
 */
export default async function apiDocs(context, options) {
  const { typedoc, ...docsOptions } = options;
  await generateApiMarkdown({
    entryPoints: typedoc.entryPoints.map((p) => path.resolve(context.siteDir, p)),
    tsconfig: path.resolve(context.siteDir, typedoc.tsconfig),
    out: path.resolve(context.siteDir, docsOptions.path),
    basePath: path.resolve(context.siteDir, typedoc.basePath),
    sourceUrl: typedoc.sourceUrl,
    readme: path.resolve(context.siteDir, typedoc.readme),
  });
  // Keep the docs plugin's own name: the theme finds docs instances by it.
  return docs.default(context, docsOptions);
}

export function validateOptions({ validate, options }) {
  const { typedoc, ...docsOptions } = options;
  const required = ['entryPoints', 'tsconfig', 'basePath', 'sourceUrl', 'readme'];
  const missing = required.filter((k) => !typedoc?.[k]?.length);
  if (missing.length) {
    throw new Error(`api-docs: options.typedoc needs ${missing.join(', ')}`);
  }
  return { ...docs.validateOptions({ validate, options: docsOptions }), typedoc };
}
