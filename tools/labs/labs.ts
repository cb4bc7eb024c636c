/**
 * The labs: labs/NN-name/ holds a handout (README.md), lab.json (the stage
 * and the kernel files the lab removes code from), rubric.json (points),
 * tests/ (hosted tests), grade.ts (boot checks) and the starter files at the
 * same paths as in the kernel (labs/01-boot/kernel/src/drivers/serial.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths';

export const LABS = join(ROOT, 'labs');

export interface Lab {
  /** "01" */
  number: string;
  /** "01-boot" */
  name: string;
  dir: string;
  /** The stage the lab's boot checks boot. */
  stage: string;
  title: string;
  /** Repository-relative kernel files with `#lab NN` regions. */
  files: string[];
}

interface LabJson {
  stage: string;
  title: string;
  files: string[];
}

export function listLabs(): Lab[] {
  if (!existsSync(LABS)) return [];
  return readdirSync(LABS)
    .filter((name) => /^\d\d-[\w-]+$/.test(name) && existsSync(join(LABS, name, 'lab.json')))
    .sort()
    .map((name) => {
      const json = JSON.parse(readFileSync(join(LABS, name, 'lab.json'), 'utf8')) as LabJson;
      return { number: name.slice(0, 2), name, dir: join(LABS, name), ...json };
    });
}

export function findLab(id: string): Lab {
  const wanted = /^\d+$/.test(id) ? id.padStart(2, '0') : id;
  const lab = listLabs().find((l) => l.number === wanted || l.name === wanted);
  if (!lab) {
    throw new Error(
      `no lab "${id}"; the labs are: ${listLabs()
        .map((l) => l.name)
        .join(', ')}`,
    );
  }
  return lab;
}
