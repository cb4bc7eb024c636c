/**
 * The `kindling` command line: setup, build, boot, up. Each command is a
 * thin layer over a module in tools/ that tests can call directly.
 */
import { parseArgs } from 'node:util';
import { bootImage, qemuArgs, type Accel } from './boot/qemu';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStage, fileSize, type BuildOptions } from './build/build';
import { findStage, latestStage, listStages, stageOutputDir, type Stage } from './build/stages';
import { ensureDiskImage, FIRST_STAGE_WITH_DEVICES, type Devices } from './boot/devices';
import { gradeLab, type LabGrade } from './labs/grade';
import { findLab, listLabs } from './labs/labs';
import { LabRedirect, labEsbuildPlugin } from './labs/redirect';
import { gradescopeResults, textReport } from './labs/report';
import { staleStarters, writeStarters } from './labs/starters';
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
    --net user|none|udp:QEMU_PORT:PEER_PORT   the virtio-net link (stages 04+; default user)
    --disk FILE|none        the virtio-blk disk image (stages 04+; default build/NN-name/disk.img)
    --pcap FILE             record the network traffic (QEMU filter-dump)
    --gdb                   wait for gdb on localhost:1234 before running the platform
    --lab                   build with your files from labs/NN-name/ (build and boot)
  up                        setup, then build and boot the most complete stage
  grade NN | --all          grade a lab: hosted tests, then boot checks on QEMU
    --json FILE             also write Gradescope's results.json
    --reference             grade the reference kernel instead of your files
  labs                      regenerate every lab's starter files from kernel/
    --check                 only report stale starters (exit 1 if any)
  stages                    list the stages
`;

const log = (line: string) => console.error(line);

/** Lab builds go to build/NN-name-lab/, apart from the reference build. */
const LAB_VARIANT = 'lab';

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
      net: { type: 'string' },
      disk: { type: 'string' },
      pcap: { type: 'string' },
      gdb: { type: 'boolean' },
      'quickjs-tarball': { type: 'string' },
      lab: { type: 'boolean' },
      all: { type: 'boolean' },
      json: { type: 'string' },
      reference: { type: 'boolean' },
      check: { type: 'boolean' },
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
        const result = await buildStage(stage, labBuildOptions(stage.number, values.lab));
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
        const outputDir = stageOutputDir(stage, values.lab ? LAB_VARIANT : '');
        const image = values['no-build']
          ? join(outputDir, 'kernel.elf')
          : (await buildStage(stage, labBuildOptions(stage.number, values.lab))).image;
        const accel = parseAccel(values.accel);
        const devices = stageDevices(stage, values);
        if (values.gdb) {
          const symbols = join(outputDir, 'kernel-debug.elf');
          log(`kindling: waiting for gdb: gdb ${symbols} -ex 'target remote :1234'`);
        }
        const options = {
          image,
          accel,
          devices,
          gdb: Boolean(values.gdb),
          // The terminal (or a pipe) feeds the guest's serial port.
          interactive: true,
          ...(values.memory ? { memory: values.memory } : {}),
          ...(values.append ? { append: values.append } : {}),
          ...(values.timeout ? { timeoutSeconds: parseSeconds(values.timeout) } : {}),
        };
        log(`kindling: ${shellCommand(['qemu-system-x86_64', ...qemuArgs(options)])}`);
        const result = await bootImage(options);
        log(
          `kindling: ${result.how} with code ${result.code} after ${result.seconds.toFixed(2)} s`,
        );
        return result.code;
      }
      case 'grade': {
        const labs = values.all
          ? listLabs()
          : [findLab(required(target, 'grade needs a lab number, or --all'))];
        const grades: LabGrade[] = [];
        for (const lab of labs) {
          const grade = await gradeLab(lab, values.reference ? {} : { labDir: lab.dir });
          console.log(textReport(grade));
          grades.push(grade);
        }
        if (values.json) {
          writeFileSync(values.json, `${JSON.stringify(gradescopeResults(grades), null, 2)}\n`);
          log(`kindling: wrote ${values.json}`);
        }
        return grades.every((g) => g.score === g.maxScore) ? 0 : 1;
      }
      case 'labs': {
        let stale = 0;
        for (const lab of listLabs()) {
          if (values.check) {
            for (const file of await staleStarters(lab)) {
              console.error(`kindling: stale starter ${file}: run \`kindling labs\``);
              stale++;
            }
          } else {
            for (const file of await writeStarters(lab)) log(`kindling: wrote ${file}`);
          }
        }
        return stale > 0 ? 1 : 0;
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

/** Stages from chapter 4 on get a network card and a disk unless told otherwise. */
function stageDevices(
  stage: Stage,
  values: { net?: string; disk?: string; pcap?: string },
): Devices {
  if (Number(stage.number) < FIRST_STAGE_WITH_DEVICES) {
    if (values.net || values.disk)
      throw new CommandError(`stage ${stage.name} has no drivers for --net or --disk`);
    return {};
  }
  const disk = values.disk ?? join(stageOutputDir(stage), 'disk.img');
  if (disk !== 'none') ensureDiskImage(disk);
  return { net: values.net ?? 'user', disk, ...(values.pcap ? { pcap: values.pcap } : {}) };
}

/** With --lab, the build swaps in the learner's files from the stage's lab folder. */
function labBuildOptions(stageNumber: string, lab: boolean | undefined): BuildOptions {
  if (!lab) return {};
  const found = findLab(stageNumber);
  return {
    typecheck: false,
    variant: LAB_VARIANT,
    plugins: [labEsbuildPlugin(new LabRedirect(found.dir))],
  };
}

function required(value: string | undefined, message: string): string {
  if (!value) throw new CommandError(message);
  return value;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!(seconds > 0)) throw new CommandError(`--timeout needs a number of seconds, not "${value}"`);
  return seconds;
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
