// Declarations shared by the platform's C files. The platform is the only
// non-TypeScript code in Kindling: boot, CPU tables, console, clock, heap,
// the QuickJS engine and the hardware ABI that TypeScript calls.
#pragma once
#include <stddef.h>
#include <stdint.h>

// Exit codes the platform itself uses (a stage chooses its own below 64).
enum {
  EXIT_PANIC = 70,        // uncaught JavaScript error
  EXIT_CPU_EXCEPTION = 71, // a CPU exception in the platform or the engine
  EXIT_DEADLOCK = 72,     // nothing left to run, yet the kernel did not exit
  EXIT_PLATFORM = 73,     // the platform could not start the kernel
};

// Port I/O: x86's second address space, where the legacy devices live.
static inline void outb(uint16_t port, uint8_t value) {
  __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t value) {
  __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t value) {
  __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
static inline uint8_t inb(uint16_t port) {
  uint8_t value;
  __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
static inline uint16_t inw(uint16_t port) {
  uint16_t value;
  __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
static inline uint32_t inl(uint16_t port) {
  uint32_t value;
  __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
static inline uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t value) {
  __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}
static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
  __asm__ volatile("cpuid"
                   : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                   : "a"(leaf), "c"(subleaf));
}

// console.c
void console_init(void);
void console_write(const char *text, size_t length);
void console_print(const char *text);
void console_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

// cpu.c
void cpu_init(void);
const char *cpu_exception_name(uint64_t vector);
_Noreturn void platform_exit(int code);

// syscall.c: musl's system calls, answered by the platform.
void syscall_init(void);

// wait.c: the one place the CPU halts with interrupts enabled.
typedef struct {
  uint64_t halts, halted_ns;
} idle_stats;
int wait_for_events(uint64_t deadline_ns, uint8_t vectors[256]);
void wait_get_stats(idle_stats *stats);

// clock.c
void clock_init(void);
uint64_t clock_ns(void);
uint64_t clock_tsc_hz(void);

// memory.c: what the platform owns, and which physical ranges TypeScript may view.
typedef struct {
  const char *name;
  uint64_t base;
  uint64_t length;
} reserved_range;
void memory_init(uint32_t start_info_paddr);
size_t memory_reserved(const reserved_range **ranges);
int memory_view_allowed(uint64_t base, uint64_t length, const char **why);
uint64_t memory_start_info(void);
const char *memory_command_line(void);

// heap.c: the engine's malloc.
void heap_init(void *base, size_t size);
typedef struct {
  size_t size, used, peak, allocations;
} heap_stats;
void heap_get_stats(heap_stats *stats);

// engine.c
_Noreturn void engine_run(const uint8_t *bytecode, size_t bytecode_length);
_Noreturn void engine_report_cpu_exception(uint64_t vector);

// payload.S: the stage's bytecode and source map, linked into the image.
extern const uint8_t stage_bytecode[], stage_bytecode_end[];
extern const uint8_t stage_source_map[], stage_source_map_end[];
