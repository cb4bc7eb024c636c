/**
 * The `kindling` command line: setup, build, boot, up. Each command is a
 * thin layer over a module in tools/ that tests can call directly.
 */
import { parseArgs } from 'node:util';
import { bootImage, qemuArgs, type Accel } from './boot/qemu';
import { buildStage, fileSize } from './build/build';
import { findStage, latestStage, listStages } from './build/stages';
import { CommandError } from './run';
import { setup } from './setup/setup';

const USAGE = `usage: kindling <command> [options]

  setup                     install packages, fetch and build the engine (idempotent)
    --quickjs-tarball FILE  use a local ${'quickjs_2025.04.26.orig.tar.xz'} instead of the archive
  build NN                  type-check, bundle, compile and link stage NN into build/
  boot NN                   build stage NN and boot it under QEMU; exits with the guest's code
    --accel tcg|kvm         TCG (default) emulates; KVM needs /dev/kvm that handles SSE
    --memory SIZE           guest RAM, e.g. 64M (default) or 1G
    --append "ARGS"         the kernel command line
    --timeout SECONDS       kill the guest after this long (exit 124)
    --no-build              boot the image already in build/
  up                        setup, then build and boot the most complete stage
  stages                    list the stages
`;

const log = (line: string) => console.error(line);

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      accel: { type: 'string' },
      memory: { type: 'string' },
      append: { type: 'string' },
      timeout: { type: 'string' },
      'no-build': { type: 'boolean' },
      'quickjs-tarball': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'setup':
        setup({
          log,
          ...(values['quickjs-tarball'] ? { quickjsTarball: values['quickjs-tarball'] } : {}),
        });
        log('kindling: setup complete');
        return 0;
      case 'stages':
        for (const stage of listStages()) console.log(stage.name);
        return 0;
      case 'build': {
        const stage = findStage(
          required(target, 'build needs a stage number, e.g. `kindling build 01`'),
        );
        const result = await buildStage(stage);
        log(`kindling: built ${result.image} (${fileSize(result.image)} bytes)`);
        return 0;
      }
      case 'boot':
      case 'up': {
        if (command === 'up') setup({ log });
        const stage =
          command === 'up'
            ? latestStage()
            : findStage(required(target, 'boot needs a stage number'));
        const image = values['no-build']
          ? `build/${stage.name}/kernel.elf`
          : (await buildStage(stage)).image;
        const accel = parseAccel(values.accel);
        const options = {
          image,
          accel,
          interactive: Boolean(process.stdin.isTTY),
          ...(values.memory ? { memory: values.memory } : {}),
          ...(values.append ? { append: values.append } : {}),
          ...(values.timeout ? { timeoutSeconds: Number(values.timeout) } : {}),
        };
        log(`kindling: ${shellCommand(['qemu-system-x86_64', ...qemuArgs(options)])}`);
        const result = await bootImage(options);
        log(
          `kindling: ${result.how} with code ${result.code} after ${result.seconds.toFixed(2)} s`,
        );
        return result.code;
      }
      default:
        console.error(`kindling: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CommandError || error instanceof Error) {
      console.error(`kindling: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function required(value: string | undefined, message: string): string {
  if (!value) throw new CommandError(message);
  return value;
}

function parseAccel(value: string | undefined): Accel {
  if (value === undefined || value === 'tcg' || value === 'kvm') return value ?? 'tcg';
  throw new CommandError(`--accel must be tcg or kvm, not "${value}"`);
}

/** A command line a reader can paste into a shell. */
export function shellCommand(words: string[]): string {
  return words
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
