/**
 * The kernel's last words. Any error that escapes TypeScript - a throw in
 * the stage, a rejected promise nobody handles - ends up here, via the
 * platform, which calls the handler installed below.
 */
import type { Hardware } from '../abi/hardware';
import { rewriteStack, SourceMap } from './source-map';

/** Exit codes of a panic and of a CPU exception; kernel/platform/platform.h has the same. */
export const PANIC_EXIT_CODE = 70;
export const CPU_EXCEPTION_EXIT_CODE = 71;

/** The platform marks the Error it makes for a CPU exception with the vector. */
function isCpuException(error: unknown): boolean {
  return (
    error instanceof Error && typeof (error as { cpuException?: unknown }).cpuException === 'number'
  );
}

type PanicHardware = Pick<Hardware, 'setPanicHandler' | 'sourceMap' | 'consoleWrite' | 'exit'>;

// #region describe
/** The panic report: the error's message and its stack, in TypeScript terms. */
export function describePanic(error: unknown, sourceMapJson: string | null): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  let mapped = stack;
  if (stack && sourceMapJson) {
    try {
      mapped = rewriteStack(stack, SourceMap.parse(sourceMapJson));
    } catch (mapError) {
      mapped = `${stack}(source map unusable: ${String(mapError)})\n`;
    }
  }
  return `\npanic: ${message}\n${mapped}`;
}
// #endregion describe

/**
 * Reports through the platform console (not the stage's own drivers, which
 * may be what broke) and stops the machine.
 */
export function panic(hw: PanicHardware, error: unknown): never {
  hw.consoleWrite(describePanic(error, hw.sourceMap()));
  return hw.exit(isCpuException(error) ? CPU_EXCEPTION_EXIT_CODE : PANIC_EXIT_CODE);
}

export function installPanicHandler(hw: PanicHardware): void {
  hw.setPanicHandler((error) => panic(hw, error));
}
