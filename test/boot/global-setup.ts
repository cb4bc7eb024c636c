/**
 * Boot tests need the engine (kindling setup) and the stage images. Build
 * each stage once here; the tests then boot the images many times.
 */
import { buildStage } from '../../tools/build/build';
import { listStages } from '../../tools/build/stages';
import { setup as kindlingSetup } from '../../tools/setup/setup';

export default async function setup(): Promise<void> {
  kindlingSetup({ log: () => {} });
  for (const stage of listStages()) await buildStage(stage, { typecheck: false });
}
