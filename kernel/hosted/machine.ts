/**
 * The hosted twin: the hardware ABI implemented in Node over simulated RAM
 * and device models, so kernel modules run under Vitest at Node speed and
 * then boot on QEMU unchanged. It follows the platform's rules (the same
 * RangeErrors for refused views and bad ports) so tests catch ABI misuse.
 */
import type {
  BootInfo,
  Hardware,
  IdleStats,
  MemoryUsage,
  ReservedRange,
} from '../src/abi/hardware';
import { writeStartInfo, type LoaderRegion } from './pvh-loader';
import { hex } from '../src/util/format';

/** A device on the port I/O bus: it sees offsets from its base port. */
export interface PortDevice {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, value: number, width: 1 | 2 | 4): void;
}

/** A device in the physical address space (MMIO): it sees offsets from its base. */
export type MmioDevice = PortDevice;

interface Scheduled {
  atNs: number;
  order: number;
  action: () => void;
}

export interface MachineOptions {
  /** Simulated RAM in bytes (default 16 MiB). */
  memoryBytes?: number;
  commandLine?: string;
  /** Ranges the "platform" owns; views of them are refused, as on metal. */
  reserved?: ReservedRange[];
  sourceMap?: string | null;
  /**
   * Virtual nanoseconds each clockNs() call takes (default 0: time moves
   * only in wait). A busy-wait on the clock, like timer calibration, needs
   * it to end.
   */
  clockReadNs?: number;
}

const MiB = 1024 * 1024;

export class HostedMachine implements Hardware {
  readonly ram: Uint8Array;
  /** Everything written with consoleWrite. */
  consoleOutput = '';
  /** Virtual time: tests move it forward; nothing advances it by itself. */
  nowNs = 0;
  /** The code the kernel exited with, once it has. */
  exitCode: number | undefined;
  private readonly devices: { base: number; size: number; device: PortDevice }[] = [];
  private readonly mmio: { base: number; size: number; device: MmioDevice }[] = [];
  private readonly pending = new Set<number>();
  private scheduled: Scheduled[] = [];
  private scheduledCount = 0;
  private idleHandler: (() => boolean) | undefined;
  private readonly idle: IdleStats = { halts: 0, haltedNs: 0 };
  private readonly reserved: ReservedRange[];
  private readonly startInfo: number;
  private readonly commandLine: string;
  private panicHandler: ((error: unknown) => void) | undefined;
  private readonly sourceMapJson: string | null;
  private readonly msrs = new Map<number, bigint>();
  private readonly clockReadNs: number;

  constructor(options: MachineOptions = {}) {
    const size = options.memoryBytes ?? 16 * MiB;
    this.ram = new Uint8Array(size);
    this.commandLine = options.commandLine ?? '';
    this.reserved = options.reserved ?? [
      { name: 'image', base: 1 * MiB, length: 2 * MiB },
      { name: 'engine heap', base: 3 * MiB, length: 4 * MiB },
    ];
    this.sourceMapJson = options.sourceMap ?? null;
    this.clockReadNs = options.clockReadNs ?? 0;
    const regions: LoaderRegion[] = [
      { base: 0, length: 0x9fc00, type: 1 },
      { base: 0x9fc00, length: 0x400, type: 2 },
      { base: 0xf0000, length: 0x10000, type: 2 },
      { base: MiB, length: size - MiB, type: 1 },
    ];
    // The local APIC sits at its usual address, globally enabled (bit 11).
    this.msrs.set(0x1b, 0xfee0_0900n);
    this.startInfo = writeStartInfo(this.ram, 0x6000, this.commandLine, regions).startInfo;
  }

  /** Connects a device model to ports [base, base + size). */
  attach(base: number, size: number, device: PortDevice): void {
    this.devices.push({ base, size, device });
  }

  /** Maps a device model at physical [base, base + size). */
  attachMmio(base: number, size: number, device: MmioDevice): void {
    this.mmio.push({ base, size, device });
  }

  /** Disconnects `device` from every port range it was attached at (an I/O BAR moving). */
  detach(device: PortDevice): void {
    removeWhere(this.devices, (slot) => slot.device === device);
  }

  /** Unmaps `device` from the physical address space (a memory BAR moving or switched off). */
  detachMmio(device: MmioDevice): void {
    removeWhere(this.mmio, (slot) => slot.device === device);
  }

  consoleWrite(text: string): void {
    this.consoleOutput += text;
  }

  private port(port: number, width: 1 | 2 | 4, value?: number): number {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
      throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
    }
    if (value !== undefined) checkValue(value, width);
    const slot = this.devices.find((d) => port >= d.base && port < d.base + d.size);
    // An unclaimed port reads as all ones and ignores writes, as on a PC.
    if (!slot) return value === undefined ? 2 ** (8 * width) - 1 : 0;
    if (value === undefined) return slot.device.read(port - slot.base, width);
    slot.device.write(port - slot.base, value < 0 ? value + 2 ** (8 * width) : value, width);
    return 0;
  }

  inb = (port: number) => this.port(port, 1);
  inw = (port: number) => this.port(port, 2);
  inl = (port: number) => this.port(port, 4);
  outb = (port: number, value: number) => void this.port(port, 1, value);
  outw = (port: number, value: number) => void this.port(port, 2, value);
  outl = (port: number, value: number) => void this.port(port, 4, value);

  // #region physical
  physical(address: number, length: number): Uint8Array {
    for (const [what, value] of [
      ['address', address],
      ['length', length],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
      }
    }
    if (address + length > this.ram.length) {
      throw new RangeError(`physical range ${hex(address)}+${hex(length)}: beyond simulated RAM`);
    }
    for (const range of this.reserved) {
      if (address < range.base + range.length && range.base < address + length) {
        throw new RangeError(
          `physical range ${hex(address)}+${hex(length)}: range overlaps the ${range.name}`,
        );
      }
    }
    return this.ram.subarray(address, address + length);
  }
  // #endregion physical

  private mmioAccess(address: number, width: 1 | 2 | 4, value?: number): number | undefined {
    if (address % width !== 0) {
      throw new RangeError(`register address ${hex(address)} is not ${width}-byte aligned`);
    }
    const slot = this.mmio.find((m) => address >= m.base && address < m.base + m.size);
    if (!slot) return undefined;
    if (value === undefined) return slot.device.read(address - slot.base, width);
    slot.device.write(address - slot.base, checkValue(value, width), width);
    return 0;
  }

  private register(address: number, width: 1 | 2 | 4): DataView {
    if (address % width !== 0)
      throw new RangeError(`register address ${hex(address)} is not ${width}-byte aligned`);
    const bytes = this.physical(address, width);
    return new DataView(bytes.buffer, bytes.byteOffset, width);
  }
  mmioRead8 = (address: number) =>
    this.mmioAccess(address, 1) ?? this.register(address, 1).getUint8(0);
  mmioRead16 = (address: number) =>
    this.mmioAccess(address, 2) ?? this.register(address, 2).getUint16(0, true);
  mmioRead32 = (address: number) =>
    this.mmioAccess(address, 4) ?? this.register(address, 4).getUint32(0, true);
  mmioWrite8 = (address: number, value: number) =>
    void (
      this.mmioAccess(address, 1, value) ??
      this.register(address, 1).setUint8(0, checkValue(value, 1))
    );
  mmioWrite16 = (address: number, value: number) =>
    void (
      this.mmioAccess(address, 2, value) ??
      this.register(address, 2).setUint16(0, checkValue(value, 2), true)
    );
  mmioWrite32 = (address: number, value: number) =>
    void (
      this.mmioAccess(address, 4, value) ??
      this.register(address, 4).setUint32(0, checkValue(value, 4), true)
    );

  bootInfo(): BootInfo {
    return {
      startInfo: this.startInfo,
      commandLine: this.commandLine,
      tscHz: 1e9,
      hypervisor: 'KindlingSim',
      reserved: this.reserved.map((r) => ({ ...r })),
    };
  }

  clockNs(): number {
    this.nowNs += this.clockReadNs;
    return this.nowNs;
  }

  // #region events
  /** A device raises interrupt `vector` (it shows up in the next wait()). */
  raise(vector: number): void {
    this.pending.add(vector);
  }

  /** Runs `action` when virtual time reaches `atNs` (device models use this). */
  schedule(atNs: number, action: () => void): void {
    this.scheduled.push({ atNs, order: this.scheduledCount++, action });
    this.scheduled.sort((a, b) => a.atNs - b.atNs || a.order - b.order);
  }

  /** Drops scheduled actions for which `keep` says false (a device cancelling a timer). */
  unschedule(keep: (action: () => void) => boolean): void {
    this.scheduled = this.scheduled.filter((s) => keep(s.action));
  }

  /**
   * Like the platform's wait(), in virtual time: run scheduled device
   * actions in order until one raises an interrupt or the deadline passes.
   * Where metal would halt forever, this throws instead.
   */
  wait(deadlineNs: number): number[] {
    for (;;) {
      if (this.pending.size > 0) {
        const vectors = [...this.pending].sort((a, b) => a - b);
        this.pending.clear();
        return vectors;
      }
      this.idle.halts++;
      const next = this.scheduled[0];
      if (next && next.atNs <= deadlineNs) {
        this.scheduled.shift();
        this.advanceTo(next.atNs);
        next.action();
        continue;
      }
      if (deadlineNs === Infinity) {
        throw new Error(
          'wait(Infinity) with no interrupt coming: on metal the CPU would halt forever',
        );
      }
      this.advanceTo(deadlineNs);
      return [];
    }
  }

  /** Time passes only while the simulated CPU is halted in wait(). */
  private advanceTo(ns: number): void {
    if (ns <= this.nowNs) return;
    this.idle.haltedNs += ns - this.nowNs;
    this.nowNs = ns;
  }

  idleStats(): IdleStats {
    return { ...this.idle };
  }

  setIdleHandler(handler: () => boolean): void {
    this.idleHandler = handler;
  }

  /**
   * Plays the platform's part: let every ready job run, then call the idle
   * handler, until the kernel exits. Throws where the platform would report
   * a deadlock (exit 72).
   */
  async run(maxTurns = 100_000): Promise<number> {
    for (let turn = 0; turn < maxTurns; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.exitCode !== undefined) return this.exitCode;
      if (!this.idleHandler?.())
        throw new Error('deadlock: no work left and the kernel has not exited');
    }
    throw new Error(`the kernel did not exit within ${maxTurns} loop turns`);
  }
  // #endregion events

  cpuid(leaf: number): [number, number, number, number] {
    return leaf === 0 ? [1, 0x646e694b, 0x6d69536c, 0x676e696c] : [0, 0, 0, 0];
  }
  rdmsr(msr: number): bigint {
    return this.msrs.get(msr) ?? 0n;
  }
  wrmsr(msr: number, value: bigint): void {
    this.msrs.set(msr, BigInt.asUintN(64, value));
  }

  memoryUsage(): MemoryUsage {
    const heap = process.memoryUsage();
    return {
      heapSize: heap.heapTotal,
      heapUsed: heap.heapUsed,
      heapPeak: heap.heapTotal,
      allocations: 0,
      objects: 0,
      strings: 0,
      functions: 0,
    };
  }
  collectGarbage(): void {}

  setPanicHandler(handler: (error: unknown) => void): void {
    this.panicHandler = handler;
  }
  /** What the platform does with an error that escapes TypeScript. */
  uncaught(error: unknown): void {
    if (!this.panicHandler) throw error;
    this.panicHandler(error);
  }
  /** What the platform's exception path does with an INT3: an Error marked with the vector. */
  trap(): never {
    this.uncaught(
      Object.assign(new Error('CPU exception 3 (breakpoint), registers above'), {
        cpuException: 3,
      }),
    );
    return undefined as never;
  }

  sourceMap(): string | null {
    return this.sourceMapJson;
  }

  /**
   * Records the exit code. On metal the machine stops here; a simulation
   * cannot stop the caller, so code after exit() would go on running, and
   * only the first exit counts.
   */
  exit(code: number): never {
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      throw new RangeError(`exit code must be an integer from 0 to 255, got ${code}`);
    }
    this.exitCode ??= code;
    return undefined as never;
  }
}

function checkValue(value: number, width: 1 | 2 | 4): number {
  const bits = 8 * width;
  if (!Number.isInteger(value) || value < -(2 ** (bits - 1)) || value >= 2 ** bits) {
    throw new RangeError(`value ${value} does not fit in ${bits} bits`);
  }
  return value < 0 ? value + 2 ** bits : value;
}

function removeWhere<T>(items: T[], match: (item: T) => boolean): void {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) items.splice(i, 1);
}
