// kernel_main: boot.S calls this in long mode, on the boot stack, with the
// physical address of the PVH start info. Bring up the CPU tables, the
// console, memory and the clock, then hand the machine to TypeScript.
#include "platform.h"

// #region kernel-main
void kernel_main(uint32_t start_info_paddr) {
  console_init();
  cpu_init();
  syscall_init();
  memory_init(start_info_paddr);
  clock_init();
  engine_run(stage_bytecode, (size_t)(stage_bytecode_end - stage_bytecode));
}
// #endregion kernel-main
