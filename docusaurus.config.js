// The Kindling site: chapters/ is the literate text, site/ holds everything else
// (pages, theme overrides, plugins, CSS, static files). Build with `npm run site:build`.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { themes as prismThemes } from 'prism-react-renderer';
import codeRegion from './site/plugins/code-region/index.mjs';
import { listTypeScript } from './site/plugins/api-docs/index.mjs';

const rootDir = path.dirname(fileURLToPath(import.meta.url));

/** Where `file=` references link to: the file as it is on the main branch. */
const repoUrl = 'https://github.com/kindling-os/kindling/blob/main/';

// The API reference needs at least one module in kernel/src; until then the site builds
// without it rather than failing on an empty TypeDoc project.
const kernelSources = listTypeScript(path.join(rootDir, 'kernel/src'));
const withApi = kernelSources.length > 0;
const apiDir = 'build/api';

/** @type {import('@docusaurus/types').Config} */
export default {
  title: 'Kindling',
  tagline: 'Build a unikernel in TypeScript, chapter by chapter, and boot it on QEMU and Xen.',
  favicon: 'img/favicon.svg',
  url: 'https://kindling-os.github.io',
  baseUrl: '/',
  trailingSlash: false,

  // A link that goes nowhere is a bug in the course: fail the build.
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  markdown: {
    // Chapters are .mdx; the generated API pages are .md and must stay plain Markdown,
    // because doc comments are full of braces that MDX would read as JavaScript.
    format: 'detect',
    mermaid: true,
    hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
  },

  staticDirectories: ['site/static'],
  i18n: { defaultLocale: 'en', locales: ['en'] },
  customFields: { repoUrl },

  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          path: 'chapters',
          routeBasePath: 'chapters',
          sidebarPath: './site/sidebars.js',
          editUrl: repoUrl.replace('/blob/', '/edit/'),
          // Runs before Docusaurus's own plugins so the filled-in code is highlighted,
          // titled and numbered like any other code block.
          beforeDefaultRemarkPlugins: [[codeRegion, { rootDir, repoUrl }]],
          admonitions: { keywords: ['run', 'lab', 'further'], extendDefaults: true },
        },
        blog: false,
        pages: { path: 'site/pages' },
        theme: { customCss: './site/css/custom.css' },
      }),
    ],
  ],

  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      // Built into the static site at build time: no search service, works offline.
      /** @type {import('@easyops-cn/docusaurus-search-local').PluginOptions} */
      ({
        hashed: true,
        indexBlog: false,
        indexPages: true,
        // One index for chapters and API alike, so a search from a chapter finds the
        // function it mentions. docsDir only feeds the index's cache-busting hash, so it
        // names the API's sources (the generated pages do not exist yet when it runs).
        docsRouteBasePath: ['chapters', 'api'],
        docsDir: ['chapters', 'kernel/src'],
        highlightSearchTermsOnTargetPage: true,
        explicitSearchResultPath: true,
      }),
    ],
  ],

  plugins: [
    './site/plugins/theme/index.mjs',
    ...(withApi
      ? [
          [
            './site/plugins/api-docs/index.mjs',
            {
              id: 'api',
              path: apiDir,
              routeBasePath: 'api',
              sidebarPath: './site/sidebars-api.cjs',
              typedoc: {
                entryPoints: kernelSources,
                tsconfig: 'kernel/tsconfig.json',
                basePath: 'kernel/src',
                sourceUrl: `${repoUrl}kernel/src/`,
                readme: 'site/api-intro.md',
              },
            },
          ],
        ]
      : []),
  ],

  themeConfig:
    /** @type {import('@docusaurus/preset-classic').ThemeConfig} */
    ({
      colorMode: { respectPrefersColorScheme: true },
      navbar: {
        title: 'Kindling',
        logo: { alt: 'Kindling', src: 'img/logo.svg' },
        items: [
          { type: 'docSidebar', sidebarId: 'chapters', position: 'left', label: 'Chapters' },
          ...(withApi
            ? [{ to: '/api', label: 'API', position: 'left', activeBaseRegex: '^/api' }]
            : []),
          { to: '/chapters/instructor-guide', label: 'Instructors', position: 'left' },
          { href: repoUrl.replace(/\/blob\/main\/$/, ''), label: 'Source', position: 'right' },
        ],
      },
      footer: {
        style: 'dark',
        links: [
          {
            title: 'Course',
            items: [
              { label: 'Chapter 1: Boot', to: '/chapters/boot' },
              { label: 'Instructor guide', to: '/chapters/instructor-guide' },
            ],
          },
          {
            title: 'Code',
            items: [{ label: 'Repository', href: repoUrl.replace(/\/blob\/main\/$/, '') }],
          },
        ],
        copyright: 'Kindling is MIT licensed. Built with Docusaurus.',
      },
      prism: {
        theme: prismThemes.github,
        darkTheme: prismThemes.dracula,
        additionalLanguages: ['bash', 'c', 'nasm', 'makefile', 'diff', 'json'],
      },
      mermaid: { theme: { light: 'neutral', dark: 'dark' } },
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
    }),
};
