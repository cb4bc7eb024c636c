/**
 * Stage 01 - Boot. The first TypeScript to run on the bare machine: it
 * brings up the serial port, reads what the loader left in the PVH start
 * info, and reports the memory map, the command line and the clock.
 *
 *   kindling boot 01
 *   kindling boot 01 --append "crash=throw"   (see a panic mapped to TypeScript)
 *   kindling boot 01 --append "probe=view"    (a refused memory view, survived)
 *   kindling boot 01 --append "crash=trap"    (a CPU exception: registers, then the JS stack)
 */
import type { Hardware } from '../src/abi/hardware';
import { parseCommandLine } from '../src/boot/command-line';
import { memoryTypeName, MemoryType, readStartInfo, totalOf } from '../src/boot/start-info';
import { Serial } from '../src/drivers/serial';
import { boot } from '../src/runtime/boot';
import { column, formatBytes, hex } from '../src/util/format';

// #region main
boot((hw) => {
  const serial = new Serial(hw);
  serial.init();
  const print = (line = '') => serial.write(`${line}\n`);
  print('Kindling stage 01: boot');

  const info = hw.bootInfo();
  const options = parseCommandLine(info.commandLine);
  print(`hypervisor    ${info.hypervisor || '(none reported)'}`);
  print(`command line  "${info.commandLine}"`);

  const start = readStartInfo(hw, info.startInfo);
  print(
    `memory map    ${start.memoryMap.length} regions, from hvm_start_info at ${hex(info.startInfo)}`,
  );
  for (const region of start.memoryMap) {
    const end = region.base + region.length - 1;
    print(
      `  ${hex(region.base, 12)}-${hex(end, 12)}  ${column(formatBytes(region.length), 10)} ${memoryTypeName(region.type)}`,
    );
  }
  print(`  RAM in total: ${formatBytes(totalOf(start.memoryMap, MemoryType.Ram))}`);
  print('platform reserves');
  for (const range of info.reserved) {
    print(
      `  ${column(range.name, 12)} ${hex(range.base)}-${hex(range.base + range.length - 1)}  ${formatBytes(range.length)}`,
    );
  }

  if (options.get('probe') === 'view') probeRefusedView(hw, print);
  if (options.get('crash') === 'throw') crashDeepInside(3);
  if (options.get('crash') === 'trap') hw.trap();

  const uptimeMs = hw.clockNs() / 1e6;
  print(
    `clock         ${uptimeMs.toFixed(3)} ms since boot, TSC at ${(info.tscHz / 1e9).toFixed(3)} GHz`,
  );
  const memory = hw.memoryUsage();
  print(
    `engine heap   ${formatBytes(memory.heapUsed)} in use of ${formatBytes(memory.heapSize)}, ${memory.objects} objects`,
  );
  print('stage 01 done: exit 0');
  return 0;
});
// #endregion main

// #region probes
/** Asks for a view of the platform's own image: the ABI refuses, the kernel carries on. */
function probeRefusedView(hw: Hardware, print: (line: string) => void): void {
  const image = hw.bootInfo().reserved.find((range) => range.name === 'image')!;
  try {
    hw.physical(image.base, 4096);
    print('probe: the platform allowed a view of its own image (it should not)');
  } catch (error) {
    print(`probe: caught ${String(error)}`);
  }
}

/** Throws from a few calls deep, so the panic shows a stack worth mapping. */
function crashDeepInside(depth: number): void {
  if (depth > 0) return crashDeepInside(depth - 1);
  throw new Error('crash requested on the command line');
}
// #endregion probes
