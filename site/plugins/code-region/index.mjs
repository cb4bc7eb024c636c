// remark plugin: fills a chapter's empty code fences from named regions of real files,
// so the prose can never drift from the kernel it describes.
//
//   ```ts file=kernel/src/runtime/panic.ts region=map-stack
//   ```
//
// becomes that region's code, titled with its path and line range, numbered from its
// real first line, followed by a link to the file in the repository. Any problem
// (missing file, missing region, pasted body) throws, which fails the site build.

import path from 'node:path';
import { codeRegionError, languageFor, parseMeta, resolveCodeRef } from './resolve.mjs';

export { codeRegionError, parseMeta, resolveCodeRef } from './resolve.mjs';
export { extractRegion, scanRegions, dedent } from './regions.mjs';
export { diffLines } from './diff.mjs';

const OWN_KEYS = new Set(['file', 'region', 'diff']);

/**
 * @param {{ rootDir: string, repoUrl?: string }} options
 *   rootDir: the repository root that `file=` paths are relative to;
 *   repoUrl: prefix of a file's address in the repository browser, ending in '/'.
 */
export default function codeRegion(options) {
  const { rootDir, repoUrl } = options;
  return (tree, vfile) => {
    const chapter = vfile.path ? path.relative(rootDir, vfile.path) : '<unknown chapter>';
    visit(tree, (node, index, parent) => {
      if (node.type !== 'code') return;
      // In a fence with no language (```file=a.ts region=r) Markdown reads the first
      // word as the language, so put it back into the meta.
      const langIsMeta = node.lang?.includes('=') ?? false;
      const metaText = langIsMeta ? `${node.lang} ${node.meta ?? ''}` : node.meta;
      if (!metaText) return;
      const { attrs, rest } = parseMeta(metaText);
      if (attrs.file === undefined) return;
      const line = node.position?.start.line;
      const ref = { file: attrs.file, region: attrs.region, diff: attrs.diff };
      if (node.value.trim() !== '') {
        throw codeRegionError(
          `${chapter}:${line}: code block "file=${attrs.file}" must have an empty body; ` +
            'the code comes from the file, so it cannot be pasted',
        );
      }
      const shown = resolveCodeRef(ref, { rootDir, repoUrl, chapter, line });

      const meta = [
        ...rest,
        // Keep any other key=value the author wrote (a custom title wins over ours).
        ...Object.entries(attrs)
          .filter(([k]) => !OWN_KEYS.has(k))
          .map(([k, v]) => `${k}="${v}"`),
      ];
      if (attrs.title === undefined) meta.push(`title="${shown.title}"`);
      if (shown.startLine !== undefined) meta.push(`showLineNumbers=${shown.startLine}`);

      const code = {
        ...node,
        lang: shown.lang ?? (langIsMeta ? undefined : node.lang) ?? languageFor(ref.file),
        meta: meta.join(' '),
        value: shown.code,
      };
      parent.children[index] = figure(code, ref.file, shown.href);
    });
  };
}

/** Wraps the code block with a caption linking to the source file. */
function figure(code, file, href) {
  const caption = href
    ? [{ type: 'link', url: href, children: [{ type: 'text', value: `Source: ${file}` }] }]
    : [{ type: 'text', value: `Source: ${file}` }];
  return {
    type: 'mdxJsxFlowElement',
    name: 'figure',
    attributes: [{ type: 'mdxJsxAttribute', name: 'className', value: 'code-region' }],
    children: [
      code,
      {
        type: 'mdxJsxFlowElement',
        name: 'figcaption',
        attributes: [{ type: 'mdxJsxAttribute', name: 'className', value: 'code-region__source' }],
        children: [{ type: 'paragraph', children: caption }],
      },
    ],
    position: code.position,
  };
}

/** Depth-first walk that hands each node its parent, so a node can be replaced in place. */
function visit(node, fn, index = 0, parent = undefined) {
  if (parent) fn(node, index, parent);
  const children = node.children;
  if (!Array.isArray(children)) return;
  for (let i = 0; i < children.length; i++) visit(children[i], fn, i, node);
}
