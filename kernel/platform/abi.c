// The hardware ABI: every native function TypeScript can call, installed as
// the global object `__hardware` and typed in kernel/src/abi/hardware.d.ts.
// Each native checks its arguments and throws a JavaScript error on misuse;
// no argument, however wrong, may crash the kernel.
#include <math.h>
#include <string.h>

#include "abi.h"
#include "platform.h"

#define NATIVE(name) static JSValue name(JSContext *ctx, JSValueConst self, int argc, JSValueConst *argv)

// Reads argument `index` as an integer in [min, max], or throws.
static int integer_argument(JSContext *ctx, int argc, JSValueConst *argv, int index,
                            const char *what, double min, double max, int64_t *out) {
  double value;
  if (index >= argc || !JS_IsNumber(argv[index])) {
    JS_ThrowTypeError(ctx, "%s must be a number", what);
    return -1;
  }
  JS_ToFloat64(ctx, &value, argv[index]);
  if (value != trunc(value) || value < min || value > max) {
    JS_ThrowRangeError(ctx, "%s must be an integer from %.0f to %.0f, got %g", what, min, max,
                       value);
    return -1;
  }
  *out = (int64_t)value;
  return 0;
}

#define ARG(index, what, min, max, variable)                                                  \
  int64_t variable;                                                                         \
  if (integer_argument(ctx, argc, argv, index, what, min, max, &variable)) return JS_EXCEPTION

#define MAX_SAFE 9007199254740991.0

// #region console
NATIVE(native_console_write) {
  (void)self;
  size_t length;
  const char *text = argc > 0 ? JS_ToCStringLen(ctx, &length, argv[0]) : NULL;
  if (!text) return JS_EXCEPTION;
  console_write(text, length);
  JS_FreeCString(ctx, text);
  return JS_UNDEFINED;
}
// #endregion console

// #region port-io
// Values may be given signed or unsigned: JavaScript's bitwise operators
// yield signed 32-bit numbers, and outl(port, x | 0x80000000) should work.
NATIVE(native_inb) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  return JS_NewInt32(ctx, inb((uint16_t)port));
}
NATIVE(native_inw) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  return JS_NewInt32(ctx, inw((uint16_t)port));
}
NATIVE(native_inl) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  return JS_NewUint32(ctx, inl((uint16_t)port));
}
NATIVE(native_outb) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  ARG(1, "value", -0x80, 0xff, value);
  outb((uint16_t)port, (uint8_t)value);
  return JS_UNDEFINED;
}
NATIVE(native_outw) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  ARG(1, "value", -0x8000, 0xffff, value);
  outw((uint16_t)port, (uint16_t)value);
  return JS_UNDEFINED;
}
NATIVE(native_outl) {
  (void)self;
  ARG(0, "port", 0, 0xffff, port);
  ARG(1, "value", -2147483648.0, 4294967295.0, value);
  outl((uint16_t)port, (uint32_t)value);
  return JS_UNDEFINED;
}
// #endregion port-io

// #region physical
// A zero-copy window on physical memory: the Uint8Array's bytes are the
// machine's bytes. The platform refuses ranges it owns (see memory.c).
static int check_range(JSContext *ctx, int64_t address, int64_t length) {
  const char *why;
  if (memory_view_allowed((uint64_t)address, (uint64_t)length, &why)) return 0;
  JS_ThrowRangeError(ctx, "physical range %#lx+%#lx: %s", (unsigned long)address,
                     (unsigned long)length, why);
  return -1;
}

NATIVE(native_physical) {
  (void)self;
  ARG(0, "address", 0, MAX_SAFE, address);
  ARG(1, "length", 0, MAX_SAFE, length);
  if (check_range(ctx, address, length)) return JS_EXCEPTION;
  JSValue buffer = JS_NewArrayBuffer(ctx, (uint8_t *)address, (size_t)length, NULL, NULL, 0);
  if (JS_IsException(buffer)) return buffer;
  // QuickJS reads all three constructor arguments, whatever argc says.
  JSValueConst arguments[3] = {buffer, JS_NewInt32(ctx, 0), JS_UNDEFINED};
  JSValue view = JS_NewTypedArray(ctx, 3, arguments, JS_TYPED_ARRAY_UINT8);
  JS_FreeValue(ctx, buffer);
  return view;
}
// #endregion physical

// #region mmio
// Device registers must be read and written with exactly one access of the
// right width; a typed array's bulk methods (memcpy) give no such promise.
static int check_register(JSContext *ctx, int64_t address, int width) {
  if (address % width) {
    JS_ThrowRangeError(ctx, "register address %#lx is not %d-byte aligned",
                       (unsigned long)address, width);
    return -1;
  }
  return check_range(ctx, address, width);
}

#define MMIO_PAIR(width, type, read_name, write_name, min)                                  \
  NATIVE(read_name) {                                                                       \
    (void)self;                                                                             \
    ARG(0, "address", 0, MAX_SAFE, address);                                                \
    if (check_register(ctx, address, width)) return JS_EXCEPTION;                           \
    return JS_NewUint32(ctx, *(volatile type *)address);                                    \
  }                                                                                         \
  NATIVE(write_name) {                                                                      \
    (void)self;                                                                             \
    ARG(0, "address", 0, MAX_SAFE, address);                                                \
    ARG(1, "value", min, (double)(type)~(type)0, value);                                    \
    if (check_register(ctx, address, width)) return JS_EXCEPTION;                           \
    *(volatile type *)address = (type)value;                                                \
    return JS_UNDEFINED;                                                                    \
  }
MMIO_PAIR(1, uint8_t, native_mmio_read8, native_mmio_write8, -0x80)
MMIO_PAIR(2, uint16_t, native_mmio_read16, native_mmio_write16, -0x8000)
MMIO_PAIR(4, uint32_t, native_mmio_read32, native_mmio_write32, -2147483648.0)
// #endregion mmio

static void set_number(JSContext *ctx, JSValue object, const char *name, double value) {
  JS_SetPropertyStr(ctx, object, name, JS_NewFloat64(ctx, value));
}

// #region boot-info
static void hypervisor_name(char name[13]) {
  uint32_t regs[4];
  cpuid(1, 0, regs);
  name[0] = 0;
  if (!(regs[2] & (1u << 31))) return; // "hypervisor present" bit
  cpuid(0x40000000, 0, regs);
  memcpy(name, &regs[1], 4);
  memcpy(name + 4, &regs[2], 4);
  memcpy(name + 8, &regs[3], 4);
  name[12] = 0;
}

NATIVE(native_boot_info) {
  (void)self, (void)argc, (void)argv;
  JSValue info = JS_NewObject(ctx);
  set_number(ctx, info, "startInfo", (double)memory_start_info());
  JS_SetPropertyStr(ctx, info, "commandLine", JS_NewString(ctx, memory_command_line()));
  set_number(ctx, info, "tscHz", (double)clock_tsc_hz());
  char hypervisor[13];
  hypervisor_name(hypervisor);
  JS_SetPropertyStr(ctx, info, "hypervisor", JS_NewString(ctx, hypervisor));

  const reserved_range *ranges;
  size_t count = memory_reserved(&ranges);
  JSValue list = JS_NewArray(ctx);
  for (size_t i = 0; i < count; i++) {
    JSValue range = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, range, "name", JS_NewString(ctx, ranges[i].name));
    set_number(ctx, range, "base", (double)ranges[i].base);
    set_number(ctx, range, "length", (double)ranges[i].length);
    JS_SetPropertyUint32(ctx, list, (uint32_t)i, range);
  }
  JS_SetPropertyStr(ctx, info, "reserved", list);
  return info;
}
// #endregion boot-info

NATIVE(native_clock_ns) {
  (void)self, (void)argc, (void)argv;
  return JS_NewFloat64(ctx, (double)clock_ns());
}

NATIVE(native_cpuid) {
  (void)self;
  ARG(0, "leaf", 0, 4294967295.0, leaf);
  int64_t subleaf = 0;
  if (argc > 1 && integer_argument(ctx, argc, argv, 1, "subleaf", 0, 4294967295.0, &subleaf))
    return JS_EXCEPTION;
  uint32_t regs[4];
  cpuid((uint32_t)leaf, (uint32_t)subleaf, regs);
  JSValue result = JS_NewArray(ctx);
  for (uint32_t i = 0; i < 4; i++) JS_SetPropertyUint32(ctx, result, i, JS_NewUint32(ctx, regs[i]));
  return result;
}

// #region msr
// MSRs are 64-bit, beyond a double's exact range: they travel as BigInt.
// An MSR the CPU does not implement raises #GP, which is fatal; so only
// MSRs on this list may be touched until a kernel module needs another.
static int msr_allowed(int64_t msr) {
  switch (msr) {
  case 0x10:       // IA32_TIME_STAMP_COUNTER
  case 0x1b:       // IA32_APIC_BASE
  case 0xC0000080: // EFER
  case 0xC0000100: // FS base
    return 1;
  }
  return (msr >= 0x800 && msr <= 0x8ff) || // x2APIC registers
         (msr >= 0x40000000 && msr <= 0x400000ff); // hypervisor (Xen, KVM) MSRs
}

NATIVE(native_rdmsr) {
  (void)self;
  ARG(0, "msr", 0, 4294967295.0, msr);
  if (!msr_allowed(msr)) return JS_ThrowRangeError(ctx, "MSR %#lx is not on the allowed list", (unsigned long)msr);
  return JS_NewBigUint64(ctx, rdmsr((uint32_t)msr));
}

NATIVE(native_wrmsr) {
  (void)self;
  ARG(0, "msr", 0, 4294967295.0, msr);
  if (!msr_allowed(msr)) return JS_ThrowRangeError(ctx, "MSR %#lx is not on the allowed list", (unsigned long)msr);
  int64_t value;
  if (argc < 2 || !JS_IsBigInt(ctx, argv[1])) return JS_ThrowTypeError(ctx, "value must be a bigint");
  if (JS_ToBigInt64(ctx, &value, argv[1])) return JS_EXCEPTION;
  wrmsr((uint32_t)msr, (uint64_t)value);
  return JS_UNDEFINED;
}
// #endregion msr

NATIVE(native_memory_usage) {
  (void)self, (void)argc, (void)argv;
  heap_stats heap;
  heap_get_stats(&heap);
  JSMemoryUsage usage;
  JS_ComputeMemoryUsage(engine_runtime(), &usage);
  JSValue result = JS_NewObject(ctx);
  set_number(ctx, result, "heapSize", (double)heap.size);
  set_number(ctx, result, "heapUsed", (double)heap.used);
  set_number(ctx, result, "heapPeak", (double)heap.peak);
  set_number(ctx, result, "allocations", (double)heap.allocations);
  set_number(ctx, result, "objects", (double)usage.obj_count);
  set_number(ctx, result, "strings", (double)usage.str_count);
  set_number(ctx, result, "functions", (double)usage.js_func_count);
  return result;
}

NATIVE(native_collect_garbage) {
  (void)self, (void)argc, (void)argv, (void)ctx;
  JS_RunGC(engine_runtime());
  return JS_UNDEFINED;
}

NATIVE(native_set_panic_handler) {
  (void)self;
  if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
    return JS_ThrowTypeError(ctx, "setPanicHandler needs a function");
  engine_set_panic_handler(argv[0]);
  return JS_UNDEFINED;
}

NATIVE(native_source_map) {
  (void)self, (void)argc, (void)argv;
  size_t length = (size_t)(stage_source_map_end - stage_source_map);
  if (length == 0) return JS_NULL;
  return JS_NewStringLen(ctx, (const char *)stage_source_map, length);
}

// #region wait-native
// wait(deadline): halts until an interrupt or until clockNs() >= deadline
// (Infinity: no deadline), and returns the vectors that fired, lowest first.
NATIVE(native_wait) {
  (void)self;
  double deadline;
  if (argc < 1 || !JS_IsNumber(argv[0])) return JS_ThrowTypeError(ctx, "wait needs a deadline in ns");
  JS_ToFloat64(ctx, &deadline, argv[0]);
  if (deadline != deadline) return JS_ThrowRangeError(ctx, "wait: the deadline is NaN");
  uint64_t deadline_ns = deadline >= 18446744073709551615.0 ? UINT64_MAX
                         : deadline <= 0                   ? 0
                                                           : (uint64_t)deadline;
  uint8_t vectors[256];
  int count = wait_for_events(deadline_ns, vectors);
  JSValue fired = JS_NewArray(ctx);
  for (int i = 0; i < count; i++) JS_SetPropertyUint32(ctx, fired, (uint32_t)i, JS_NewInt32(ctx, vectors[i]));
  return fired;
}
// #endregion wait-native

NATIVE(native_idle_stats) {
  (void)self, (void)argc, (void)argv;
  idle_stats stats;
  wait_get_stats(&stats);
  JSValue result = JS_NewObject(ctx);
  set_number(ctx, result, "halts", (double)stats.halts);
  set_number(ctx, result, "haltedNs", (double)stats.halted_ns);
  return result;
}

NATIVE(native_set_idle_handler) {
  (void)self;
  if (argc < 1 || !JS_IsFunction(ctx, argv[0]))
    return JS_ThrowTypeError(ctx, "setIdleHandler needs a function");
  engine_set_idle_handler(argv[0]);
  return JS_UNDEFINED;
}

// #region trap
// A breakpoint exception, on purpose: the way to see the platform's
// exception path (register dump, then the JavaScript stack) at work.
NATIVE(native_trap) {
  (void)self, (void)argc, (void)argv, (void)ctx;
  __asm__ volatile("int3");
  platform_exit(EXIT_CPU_EXCEPTION); // not reached: the handler never returns
}
// #endregion trap

NATIVE(native_exit) {
  (void)self;
  ARG(0, "exit code", 0, 255, code);
  platform_exit((int)code);
}

// #region table
static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_DEF("consoleWrite", 1, native_console_write),
    JS_CFUNC_DEF("inb", 1, native_inb),
    JS_CFUNC_DEF("inw", 1, native_inw),
    JS_CFUNC_DEF("inl", 1, native_inl),
    JS_CFUNC_DEF("outb", 2, native_outb),
    JS_CFUNC_DEF("outw", 2, native_outw),
    JS_CFUNC_DEF("outl", 2, native_outl),
    JS_CFUNC_DEF("physical", 2, native_physical),
    JS_CFUNC_DEF("mmioRead8", 1, native_mmio_read8),
    JS_CFUNC_DEF("mmioRead16", 1, native_mmio_read16),
    JS_CFUNC_DEF("mmioRead32", 1, native_mmio_read32),
    JS_CFUNC_DEF("mmioWrite8", 2, native_mmio_write8),
    JS_CFUNC_DEF("mmioWrite16", 2, native_mmio_write16),
    JS_CFUNC_DEF("mmioWrite32", 2, native_mmio_write32),
    JS_CFUNC_DEF("bootInfo", 0, native_boot_info),
    JS_CFUNC_DEF("clockNs", 0, native_clock_ns),
    JS_CFUNC_DEF("cpuid", 2, native_cpuid),
    JS_CFUNC_DEF("rdmsr", 1, native_rdmsr),
    JS_CFUNC_DEF("wrmsr", 2, native_wrmsr),
    JS_CFUNC_DEF("memoryUsage", 0, native_memory_usage),
    JS_CFUNC_DEF("collectGarbage", 0, native_collect_garbage),
    JS_CFUNC_DEF("setPanicHandler", 1, native_set_panic_handler),
    JS_CFUNC_DEF("sourceMap", 0, native_source_map),
    JS_CFUNC_DEF("wait", 1, native_wait),
    JS_CFUNC_DEF("idleStats", 0, native_idle_stats),
    JS_CFUNC_DEF("setIdleHandler", 1, native_set_idle_handler),
    JS_CFUNC_DEF("trap", 0, native_trap),
    JS_CFUNC_DEF("exit", 1, native_exit),
};

void abi_install(JSContext *ctx) {
  JSValue hardware = JS_NewObject(ctx);
  JS_SetPropertyFunctionList(ctx, hardware, natives, sizeof natives / sizeof natives[0]);
  JSValue global = JS_GetGlobalObject(ctx);
  JS_SetPropertyStr(ctx, global, "__hardware", hardware);
  JS_FreeValue(ctx, global);
}
// #endregion table
