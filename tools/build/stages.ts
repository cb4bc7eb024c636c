/** The stages: kernel/stages/NN-name.ts, one per chapter. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, STAGES } from '../paths';

export interface Stage {
  /** "01" */
  number: string;
  /** "01-boot" */
  name: string;
  entry: string;
}

export function listStages(): Stage[] {
  return readdirSync(STAGES)
    .filter((file) => /^\d\d-[\w-]+\.ts$/.test(file))
    .sort()
    .map((file) => ({
      number: file.slice(0, 2),
      name: file.slice(0, -3),
      entry: join(STAGES, file),
    }));
}

/** Finds a stage by "1", "01" or "01-boot". */
export function findStage(id: string): Stage {
  const stages = listStages();
  const wanted = /^\d+$/.test(id) ? id.padStart(2, '0') : id;
  const stage = stages.find((s) => s.number === wanted || s.name === wanted);
  if (!stage) {
    const known = stages.map((s) => s.name).join(', ');
    throw new Error(`no stage "${id}"; the stages are: ${known}`);
  }
  return stage;
}

export function latestStage(): Stage {
  const stages = listStages();
  return stages[stages.length - 1]!;
}

/** Where a stage's build outputs go; lab builds are kept apart from reference builds. */
export function stageOutputDir(stage: Stage, variant = ''): string {
  return join(BUILD, variant ? `${stage.name}-${variant}` : stage.name);
}
