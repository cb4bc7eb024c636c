/** Helpers for boot tests: boot a built stage image and collect its serial output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootImage, type BootOptions, type BootResult } from '../../tools/boot/qemu';
import { findStage, stageOutputDir } from '../../tools/build/stages';
import { ROOT } from '../../tools/paths';

export function imageOf(stage: string): string {
  return join(stageOutputDir(findStage(stage)), 'kernel.elf');
}

export function bootStage(
  stage: string,
  options: Omit<BootOptions, 'image'> = {},
): Promise<BootResult> {
  return bootImage({ image: imageOf(stage), timeoutSeconds: 60, onOutput: () => {}, ...options });
}

/** The 1-based line of the first line in a repository file containing `text`. */
export function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} has no line containing ${text}`);
  return index + 1;
}
