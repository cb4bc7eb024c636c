/**
 * The hardware ABI: every way the TypeScript kernel touches the machine.
 *
 * On bare metal these are natives in kernel/platform/abi.c; in Node the
 * hosted twin (kernel/hosted/) implements the same interface against
 * simulated devices. Kernel modules take a `Hardware` (or the slice of it
 * they need) as a parameter, never from a global, so both can drive them.
 *
 * Misuse (a port above 0xffff, a view of memory the platform owns, a
 * non-integer address) throws TypeError or RangeError; it never crashes
 * the kernel.
 */
export interface Hardware {
  /** Writes text to the platform console: COM1 on QEMU (the early-boot and panic path). */
  consoleWrite(text: string): void;

  /** Reads an 8/16/32-bit value from an I/O port (0..0xffff). */
  inb(port: number): number;
  inw(port: number): number;
  inl(port: number): number;
  /** Writes to an I/O port. Values may be signed or unsigned (`x | 0x80000000` works). */
  outb(port: number, value: number): void;
  outw(port: number, value: number): void;
  outl(port: number, value: number): void;

  /**
   * A zero-copy view of physical memory `[address, address + length)`: writing
   * the array writes the machine's memory. Throws RangeError for ranges
   * outside the identity-mapped 4 GiB and for the ranges the platform
   * reserves (see {@link BootInfo.reserved}).
   */
  physical(address: number, length: number): Uint8Array;

  /** One naturally aligned access of exactly this width, as device registers need. */
  mmioRead8(address: number): number;
  mmioRead16(address: number): number;
  mmioRead32(address: number): number;
  mmioWrite8(address: number, value: number): void;
  mmioWrite16(address: number, value: number): void;
  mmioWrite32(address: number, value: number): void;

  /** What the loader and the platform tell the kernel at boot. */
  bootInfo(): BootInfo;

  /** Monotonic time since boot in nanoseconds (the calibrated TSC). */
  clockNs(): number;

  /**
   * Halts the CPU with interrupts enabled until an interrupt arrives or
   * `clockNs() >= deadlineNs` (`Infinity`: no deadline), and returns the
   * interrupt vectors that fired (32..255, lowest first). The only place
   * interrupts are ever taken. It arms no timer: the caller programs one for
   * the deadline, or the deadline is only noticed when something else wakes
   * the CPU. Vectors are not acknowledged: the driver sends the EOI.
   */
  wait(deadlineNs: number): number[];
  /** How often wait() halted the CPU, and for how long in total. */
  idleStats(): IdleStats;
  /**
   * Called by the platform whenever the job queue is empty; the event loop
   * waits in it. Returning false means nothing can wake the kernel again.
   */
  setIdleHandler(handler: () => boolean): void;

  /** The CPUID instruction: `[eax, ebx, ecx, edx]` for a leaf and subleaf. */
  cpuid(leaf: number, subleaf?: number): [number, number, number, number];
  /** Model-specific registers, 64-bit, so as BigInt. Only an allowed set may be touched. */
  rdmsr(msr: number): bigint;
  wrmsr(msr: number, value: bigint): void;

  /** The engine heap and the JavaScript objects in it. */
  memoryUsage(): MemoryUsage;
  /** Runs QuickJS's cycle collector now (reference counting frees the rest at once). */
  collectGarbage(): void;

  /** Called with any error that escapes TypeScript; should report it and exit. */
  setPanicHandler(handler: (error: unknown) => void): void;
  /** The stage's source map (JSON), linked into the image for panics; null if absent. */
  sourceMap(): string | null;

  /**
   * Raises a breakpoint exception (INT3) now. The platform's exception path
   * prints the registers, then hands an Error with `cpuException: 3` and
   * the JavaScript stack to the panic handler; the kernel stops with exit
   * code 71. A debugging aid, and the way to watch that path work.
   */
  trap(): never;

  /** Stops the machine. On QEMU, `kindling boot` exits with this code. */
  exit(code: number): never;
}

/** The port I/O slice of the ABI, for drivers of legacy PC devices (serial, PCI config). */
export type PortIo = Pick<Hardware, 'inb' | 'inw' | 'inl' | 'outb' | 'outw' | 'outl'>;

/** The register slice of the ABI, for drivers of memory-mapped devices. */
export type MmioHardware = Pick<
  Hardware,
  'mmioRead8' | 'mmioRead16' | 'mmioRead32' | 'mmioWrite8' | 'mmioWrite16' | 'mmioWrite32'
>;

export interface BootInfo {
  /** Physical address of the PVH `hvm_start_info` the loader left (see boot/start-info.ts). */
  startInfo: number;
  /** The kernel command line (`kindling boot --append`). */
  commandLine: string;
  /** TSC ticks per second, as measured against the PIT at boot. */
  tscHz: number;
  /** CPUID's hypervisor signature: "TCGTCGTCGTCG", "KVMKVMKVM", "XenVMMXenVMM", or "". */
  hypervisor: string;
  /** Physical ranges the platform owns: views of them are refused. */
  reserved: ReservedRange[];
}

export interface ReservedRange {
  name: string;
  base: number;
  length: number;
}

export interface IdleStats {
  halts: number;
  haltedNs: number;
}

export interface MemoryUsage {
  /** Bytes in the engine heap, in use now, and at most so far. */
  heapSize: number;
  heapUsed: number;
  heapPeak: number;
  /** Live malloc blocks. */
  allocations: number;
  /** Live JavaScript objects, strings and functions. */
  objects: number;
  strings: number;
  functions: number;
}

declare global {
  /** Installed by the platform before the stage runs; read only by runtime/boot.ts. */
  var __hardware: Hardware | undefined;
}
