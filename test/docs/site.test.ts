// The literate site end to end: `npm run site:build` must succeed (which also proves every
// code region in every chapter resolves), then headless Chromium opens chapter 1 and
// checks that it shows the kernel's real code, and that the offline search works.
//
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core: nothing downloads
// a browser. Screenshots land in test-output/ (ignored) for a human to look at.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseMeta, resolveCodeRef } from '../../site/plugins/code-region/index.mjs';
import { serveStatic, type StaticServer } from './static-server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const siteDir = path.join(root, 'site-build');
const shots = path.join(root, 'test-output');
const repoUrl = 'https://github.com/kindling-os/kindling/blob/main/';

/** Runs a command in the repository, failing with its output if it fails. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed:\n${output}`)),
    );
  });
}

/** The first `file=` reference in chapter 1, resolved the way the build resolves it. */
function firstCodeRefOfChapter1() {
  const chapter = 'chapters/01-boot.mdx';
  const text = readFileSync(path.join(root, chapter), 'utf8');
  const fence = /^```\S*[ \t]+(.*\bfile=.*)$/m.exec(text);
  if (!fence?.[1]) throw new Error(`${chapter} includes no code region`);
  const { attrs } = parseMeta(fence[1]);
  const ref = { file: attrs.file ?? '', region: attrs.region, diff: attrs.diff };
  return { ref, shown: resolveCodeRef(ref, { rootDir: root, repoUrl, chapter }) };
}

let server: StaticServer;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  await run('npm', ['run', 'site:build']);
  server = await serveStatic(siteDir);
  profile = mkdtempSync(path.join(tmpdir(), 'kindling-chromium-'));
  // A persistent context is how Playwright takes our own fresh --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(urlPath: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const response = await page.goto(`${server.url}${urlPath}`, { waitUntil: 'networkidle' });
  expect(response?.status(), `${urlPath} status`).toBe(200);
  expect(errors, `JavaScript errors on ${urlPath}`).toEqual([]);
  return page;
}

describe('the built site', () => {
  test('chapter 1 shows code taken from the kernel, titled with its path', async () => {
    const { ref, shown } = firstCodeRefOfChapter1();
    const page = await open('/chapters/boot');

    const figure = page.locator('figure.code-region').first();
    await figure.waitFor();
    const title = (await figure.locator('[class*="codeBlockTitle"]').textContent()) ?? '';
    expect(title).toMatch(/^kernel\//);
    expect(title).toBe(shown.title);

    // The rendered lines are exactly the region as it is in the file today.
    const lines = await figure.locator('.token-line').allTextContents();
    expect(lines.join('\n')).toBe(shown.code);

    const source = await figure.locator('figcaption a').getAttribute('href');
    expect(source).toBe(shown.href);
    expect(source).toContain(`${repoUrl}${ref.file}`);

    await page.screenshot({ path: path.join(shots, 'chapter-01.png'), fullPage: true });
    await page.close();
  });

  test('the offline search finds a chapter by a word in it', async () => {
    const page = await open('/chapters/boot');
    const input = page.locator('input.navbar__search-input');
    await input.click();
    await input.fill('virtqueue');
    // The dropdown lists hits as options; the chapter title containing the word is one.
    const hit = page
      .getByRole('option')
      .filter({ hasText: /Rings.*virtqueue/i })
      .first();
    await hit.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'search.png') });
    await hit.click();
    await page.waitForURL(/\/chapters\/rings/);
    expect(await page.locator('h1').first().textContent()).toMatch(/Rings/);
    await page.close();
  });

  test('the home page gives the two commands to start', async () => {
    const page = await open('/');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('npm run up');
    expect(text).toContain('npm test');
    await page.close();
  });
});
