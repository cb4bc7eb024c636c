/**
 * Starter files, generated from the kernel so the reference code stays the
 * one source of truth. `kindling labs` writes them; `kindling labs --check`
 * (run by npm test) fails if a committed starter is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ROOT } from '../paths';
import type { Lab } from './labs';
import { makeStarter } from './markers';
import { LAB_TSCONFIG, labTsconfig } from './types';

/**
 * Each starter, formatted as the repository formats code (so `prettier
 * --write` leaves it be), and the tsconfig.json that type-checks them from
 * `dir`, keyed by path relative to the lab folder.
 */
export async function starterFiles(lab: Lab, dir = lab.dir): Promise<Map<string, string>> {
  const sources = new Map<string, string>([[LAB_TSCONFIG, labTsconfig(dir)]]);
  for (const file of lab.files) {
    sources.set(file, makeStarter(readFileSync(join(ROOT, file), 'utf8'), file, lab.number));
  }
  const starters = new Map<string, string>();
  for (const [file, text] of sources) {
    const path = join(lab.dir, file);
    const options = (await resolveConfig(path)) ?? {};
    starters.set(file, await format(text, { ...options, filepath: path }));
  }
  return starters;
}

/** Writes the lab's starters under `dir` (by default the lab's own folder). */
export async function writeStarters(lab: Lab, dir = lab.dir): Promise<string[]> {
  const written: string[] = [];
  for (const [file, text] of await starterFiles(lab, dir)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}

/** The lab's committed starters that differ from what the kernel generates now. */
export async function staleStarters(lab: Lab): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, text] of await starterFiles(lab)) {
    const path = join(lab.dir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(path);
  }
  return stale;
}
