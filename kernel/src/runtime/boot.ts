/**
 * Where every stage starts. The platform evaluates the stage's bundle; the
 * stage calls `boot(main)`; boot installs the panic handler and runs main,
 * then exits with main's result. In Node, tests pass a hosted machine.
 */
import type { Hardware } from '../abi/hardware';
import { installPanicHandler, panic } from './panic';

/** A stage's entry point: returns (or resolves to) its exit code; nothing means 0. */
export type KernelMain = (hw: Hardware) => Promise<number | void> | number | void;

// #region boot
export function boot(main: KernelMain, hw: Hardware | undefined = globalThis.__hardware): void {
  if (!hw)
    throw new Error('boot(): no hardware: the platform installs __hardware before the stage runs');
  installPanicHandler(hw);
  // Run main from a job, not inline, so a synchronous throw and a rejected
  // promise take the same road to the panic handler.
  Promise.resolve()
    .then(() => main(hw))
    .then(
      (code) => hw.exit(code ?? 0),
      (error: unknown) => panic(hw, error),
    );
}
// #endregion boot
