/**
 * Stage 02 - Memory. The kernel takes charge of the machine's RAM: it
 * works out which ranges are its own, builds a frame allocator over them,
 * moves data through a DMA buffer, watches the engine heap grow and
 * shrink, and shows running out of memory as an ordinary, caught error.
 *
 *   kindling boot 02
 *   kindling boot 02 --memory 128M
 *   kindling boot 02 --append "dma=16384 seed=7"   (DMA buffer size, pattern seed)
 *   kindling boot 02 --append "fill"               (allocate every frame, then free them)
 */
import type { Hardware } from '../src/abi/hardware';
import { parseCommandLine } from '../src/boot/command-line';
import { memoryTypeName } from '../src/boot/start-info';
import { Serial } from '../src/drivers/serial';
import {
  FRAME_SIZE,
  FrameError,
  OutOfMemoryError,
  type FrameAllocator,
} from '../src/memory/frames';
import { defineStruct, viewOf } from '../src/memory/layout';
import { withheldFromRam } from '../src/memory/picture';
import { startMemory, type Memory } from '../src/memory/setup';
import { formatDelta, formatFrames, formatHeap } from '../src/memory/usage';
import { boot } from '../src/runtime/boot';
import { column, formatBytes, hex, hexDigits } from '../src/util/format';
import { xorshift32 } from '../src/util/random';

type Print = (line?: string) => void;

// #region main
boot((hw) => {
  const serial = new Serial(hw);
  serial.init();
  const print: Print = (line = '') => serial.write(`${line}\n`);
  print('Kindling stage 02: memory');
  const options = parseCommandLine(hw.bootInfo().commandLine);

  const memory = startMemory(hw);
  showPicture(memory, print);
  print(`frames        ${formatFrames(memory.report().frames)}`);

  singleFrames(memory.frames, print);
  const dmaBytes = numberOption(options, 'dma', 64 * 1024);
  if (dmaBytes < 128) throw new Error(`dma=${dmaBytes}: the demo needs at least 128 bytes`);
  dmaRoundTrip(memory, hw, dmaBytes, numberOption(options, 'seed', 1), print);
  heapWorkload(hw, print);
  misuse(memory.frames, print);
  if (options.has('fill')) fillMemory(memory.frames, print);

  const end = memory.report().frames;
  print(`frames        ${formatFrames(end)}`);
  if (end.used !== 0) throw new Error(`${end.used} frames leaked`);
  print('stage 02 done: exit 0');
  return 0;
});
// #endregion main

// #region show-picture
function showPicture(memory: Memory, print: Print): void {
  const { map, owned } = memory.picture;
  print(`memory map    ${map.length} regions, as [base, end)`);
  for (const region of map)
    print(`  ${span(region.base, region.length)}  ${memoryTypeName(region.type)}`);
  print('withheld from RAM');
  for (const range of withheldFromRam(memory.picture))
    print(`  ${span(range.base, range.length)}  ${range.why}`);
  print('kernel owns');
  for (const range of owned)
    print(`  ${span(range.base, range.length)}  ${range.length / FRAME_SIZE} frames`);
}

/**
 * "0x000000100000-0x0000002f1000  1.9 MiB": half-open, like every Range in
 * kernel/src/memory, so the end printed is the first byte *after* the range
 * and one range's end is the next one's base.
 */
function span(base: number, length: number): string {
  return `${hex(base, 12)}-${hex(base + length, 12)}  ${column(formatBytes(length), 10)}`;
}
// #endregion show-picture

// #region single-frames
/** Frames one at a time: distinct, aligned, lowest first; freed and reused. */
function singleFrames(frames: FrameAllocator, print: Print): void {
  const count = 256;
  const started = Date.now();
  const taken: number[] = [];
  for (let i = 0; i < count; i++) taken.push(frames.alloc());
  const ms = Date.now() - started;
  if (new Set(taken).size !== count || taken.some((a) => a % FRAME_SIZE !== 0)) {
    throw new Error('alloc returned a duplicate or misaligned frame');
  }
  print(
    `single        ${count} frames in ${ms} ms, ${hex(taken[0]!)} to ${hex(taken[count - 1]!)}; ${frames.freeFrames} free`,
  );
  // Free every other frame: the free memory is now full of one-frame holes.
  for (let i = 0; i < count; i += 2) frames.free(taken[i]!);
  const again = frames.alloc();
  print(
    `holes         freed ${count / 2} of them; the next alloc reuses the lowest hole ${hex(again)}`,
  );
  frames.free(again);
  for (let i = 1; i < count; i += 2) frames.free(taken[i]!);
  print(`              freed all: ${frames.freeFrames} free`);
}
// #endregion single-frames

// #region dma
/**
 * A DMA buffer, written through its DataView and read back through a second,
 * independent view of the same physical address: both are the same RAM.
 */
function dmaRoundTrip(
  memory: Memory,
  hw: Hardware,
  bytes: number,
  seed: number,
  print: Print,
): void {
  const buffer = memory.allocDma(bytes, { align: 64 * 1024 });
  print(
    `dma           ${formatBytes(bytes)} at ${hex(buffer.address)}: ${buffer.frames} frames, 64 KiB aligned; ${memory.frames.freeFrames} free`,
  );
  const words = Math.floor(bytes / 4);
  const pattern = xorshift32(seed);
  for (let i = 0; i < words; i++) buffer.view.setUint32(i * 4, pattern(), true);
  const second = viewOf(hw.physical(buffer.address, bytes));
  const expected = xorshift32(seed);
  let mismatches = 0;
  let first = 0;
  let last = 0;
  for (let i = 0; i < words; i++) {
    const word = second.getUint32(i * 4, true);
    if (word !== expected()) mismatches++;
    if (i === 0) first = word;
    last = word;
  }
  print(
    `              seed ${seed}: ${words} words written, read back ${mismatches} mismatches, first ${hex(first, 8)} last ${hex(last, 8)}`,
  );
  if (mismatches !== 0) throw new Error(`DMA read-back: ${mismatches} words differ`);

  byteOrder(buffer.view, buffer.bytes, print);
  descriptors(buffer.view, buffer.address, buffer.bytes, print);
  buffer.free();
  print(`              freed: ${memory.frames.freeFrames} free`);
}
// #endregion dma

// #region byte-order
function byteOrder(view: DataView, bytes: Uint8Array, print: Print): void {
  view.setUint32(0, 0x12345678, false);
  const big = hexBytes(bytes.subarray(0, 4));
  view.setUint32(0, 0x12345678, true);
  print(
    `byte order    0x12345678 big-endian is ${big}, little-endian is ${hexBytes(bytes.subarray(0, 4))}`,
  );
}
// #endregion byte-order

// #region descriptors
/** A virtio split-queue descriptor: the layout chapter 4 will hand to a device. */
const Descriptor = defineStruct('virtq_desc', 16, {
  addr: { offset: 0, type: 'u64' },
  len: { offset: 8, type: 'u32' },
  flags: { offset: 12, type: 'u16' },
  next: { offset: 14, type: 'u16' },
});
const NEXT = 1; // VIRTQ_DESC_F_NEXT: the chain continues at `next`

function descriptors(view: DataView, address: number, bytes: Uint8Array, print: Print): void {
  // Four descriptors chained 0 -> 1 -> 2 -> 3, splitting the rest of the
  // buffer after the 64-byte table into four equal pieces.
  const table = 4 * Descriptor.size;
  const piece = Math.floor((bytes.length - table) / 4);
  for (let i = 0; i < 4; i++) {
    Descriptor.write(view, i * Descriptor.size, {
      addr: address + table + i * piece,
      len: piece,
      flags: i < 3 ? NEXT : 0,
      next: i < 3 ? i + 1 : 0,
    });
  }
  let length = 0;
  let hops = 0;
  for (let i = 0; ; i = Descriptor.at(view, i * Descriptor.size).next) {
    const d = Descriptor.read(view, i * Descriptor.size);
    length += d.len;
    hops++;
    if ((d.flags & NEXT) === 0) break;
  }
  print(
    `descriptors   ${hops} virtq_desc chained, ${length} bytes; the first is ${hexBytes(bytes.subarray(0, 16))}`,
  );
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => hexDigits(b, 2)).join(' ');
}
// #endregion descriptors

// #region heap
/**
 * The engine heap around a JavaScript workload. QuickJS frees an object the
 * moment its last reference goes, except objects in a cycle: those wait for
 * the cycle collector.
 */
function heapWorkload(hw: Hardware, print: Print): void {
  hw.collectGarbage();
  const before = hw.memoryUsage();
  print(`heap before   ${formatHeap(before)}`);
  let pairs: { partner: object | undefined; payload: string }[][] | undefined = [];
  for (let i = 0; i < 5000; i++) {
    const a = { partner: undefined as object | undefined, payload: `node ${i}` };
    const b = { partner: a as object | undefined, payload: `node ${i}'` };
    a.partner = b; // a cycle: neither count ever drops to zero on its own
    pairs.push([a, b]);
  }
  const during = hw.memoryUsage();
  print(`heap during   ${formatHeap(during)} (${formatDelta(before.heapUsed, during.heapUsed)})`);
  pairs = undefined;
  const dropped = hw.memoryUsage();
  print(`heap dropped  ${formatHeap(dropped)} (${formatDelta(before.heapUsed, dropped.heapUsed)})`);
  hw.collectGarbage();
  const after = hw.memoryUsage();
  print(
    `heap after gc ${formatHeap(after)} (${formatDelta(before.heapUsed, after.heapUsed)}), peak ${formatBytes(after.heapPeak)}`,
  );
}
// #endregion heap

// #region misuse
/** Running out and freeing wrongly are errors the kernel catches, not crashes. */
function misuse(frames: FrameAllocator, print: Print): void {
  try {
    frames.allocContiguous(frames.totalFrames + 1);
  } catch (error) {
    if (!(error instanceof OutOfMemoryError)) throw error;
    print(`exhaustion    caught ${String(error)}`);
  }
  const frame = frames.alloc();
  frames.free(frame);
  for (const [what, address] of [
    ['double free ', frame],
    ['foreign     ', 0x1000],
  ] as const) {
    try {
      frames.free(address);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      print(`${what}  caught ${String(error)}`);
    }
  }
}
// #endregion misuse

// #region fill
/** Every frame, one at a time, until the allocator says there are none. */
function fillMemory(frames: FrameAllocator, print: Print): void {
  const started = Date.now();
  const taken: number[] = [];
  try {
    for (;;) taken.push(frames.alloc());
  } catch (error) {
    if (!(error instanceof OutOfMemoryError)) throw error;
    print(
      `fill          allocated all ${taken.length} frames in ${Date.now() - started} ms, then ${error.name}`,
    );
  }
  for (const address of taken) frames.free(address);
  print(`              freed them all: ${frames.freeFrames} free`);
}
// #endregion fill

function numberOption(options: Map<string, string>, key: string, fallback: number): number {
  const text = options.get(key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${key}=${text}: want a positive integer`);
  return value;
}
