/**
 * `kindling boot`: runs a stage image under QEMU with the serial port on
 * stdio, and exits with the guest's own exit code.
 */
import { spawn } from 'node:child_process';
import { deviceArgs, type Devices } from './devices';

export type Accel = 'tcg' | 'kvm';

export interface BootOptions {
  image: string;
  /** TCG by default: it works everywhere. KVM is much faster where it works. */
  accel?: Accel;
  memory?: string;
  append?: string;
  /** Give up after this many seconds (the guest is killed; exit code 124). */
  timeoutSeconds?: number;
  /** Receives serial output; by default it goes to this process's stdout. */
  onOutput?: (chunk: string) => void;
  extraArgs?: string[];
  /** Connect this terminal's keyboard to the guest's serial port. */
  interactive?: boolean;
  /** Type `text` into the serial port once the guest has printed `after`. */
  input?: { after: string; text: string };
  devices?: Devices;
  /** Start paused with QEMU's gdb stub on localhost:1234. */
  gdb?: boolean;
}

// #region qemu-args
export function qemuArgs(options: BootOptions): string[] {
  const accel = options.accel ?? 'tcg';
  return [
    '-accel',
    accel,
    // TCG's default CPU has SSE2, all the engine needs; under KVM use the host's.
    ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-machine',
    'q35',
    // qboot, not SeaBIOS: a minimal firmware that boots in a fraction of the
    // time and writes nothing to the serial port.
    '-bios',
    'qboot.rom',
    '-m',
    options.memory ?? '64M',
    '-nodefaults',
    '-no-user-config',
    '-nographic',
    '-serial',
    'stdio',
    '-monitor',
    'none',
    // A triple fault resets the machine; make it end QEMU instead of looping.
    '-no-reboot',
    // Writing N to port 0xf4 ends QEMU with status (N << 1) | 1.
    '-device',
    'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-kernel',
    options.image,
    ...(options.append ? ['-append', options.append] : []),
    ...deviceArgs(options.devices ?? {}),
    // -s: a gdb stub on tcp::1234; -S: do not start the CPU until gdb says so.
    ...(options.gdb ? ['-s', '-S'] : []),
    ...(options.extraArgs ?? []),
  ];
}
// #endregion qemu-args

export const EXIT_TIMEOUT = 124;
/** The line platform_exit prints before it writes the exit port. */
export const EXIT_ANNOUNCEMENT =
  /\nkindling: exit code (\d+)\n(kindling: halting \(no exit device\)\n)?$/;
export const EXIT_RESET = 125;

// #region exit-status
/** Turns QEMU's exit status back into the guest's exit code. */
export function guestExitCode(qemuStatus: number): { code: number; how: string } {
  if (qemuStatus % 2 === 1) return { code: (qemuStatus - 1) / 2, how: 'the guest exited' };
  if (qemuStatus === 0) {
    return { code: EXIT_RESET, how: 'the machine reset (a triple fault?) before the guest exited' };
  }
  return { code: qemuStatus, how: `QEMU itself failed (status ${qemuStatus})` };
}
// #endregion exit-status

export interface BootResult {
  code: number;
  how: string;
  output: string;
  seconds: number;
}

export function bootImage(options: BootOptions): Promise<BootResult> {
  const started = process.hrtime.bigint();
  const child = spawn('qemu-system-x86_64', qemuArgs(options), {
    stdio: [options.interactive ? 'inherit' : options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let typed = false;
  let output = '';
  let stderr = '';
  const onOutput = options.onOutput ?? ((chunk: string) => process.stdout.write(chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    onOutput(chunk);
    if (options.input && !typed && output.includes(options.input.after)) {
      typed = true;
      child.stdin?.write(options.input.text);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer =
    options.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutSeconds * 1000);
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(new Error(`cannot run qemu-system-x86_64: ${error.message}`)),
    );
    child.on('close', (status) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The platform announces its exit on the console (cpu.c, platform_exit);
      // the stage's own output ends before that line.
      output = output.replace(/\r\n/g, '\n').replace(EXIT_ANNOUNCEMENT, '');
      if (timedOut) {
        resolve({
          code: EXIT_TIMEOUT,
          how: `timed out after ${options.timeoutSeconds} s`,
          output,
          seconds,
        });
        return;
      }
      const { code, how } = guestExitCode(status ?? 1);
      const detail = stderr.trim() && code !== 0 ? `: ${stderr.trim()}` : '';
      resolve({ code, how: `${how}${detail}`, output, seconds });
    });
  });
}
