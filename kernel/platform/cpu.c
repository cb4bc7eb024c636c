// CPU tables: the GDT (with a TSS), the IDT, and what happens when the CPU
// raises an exception. Kindling runs everything in ring 0 of one address
// space, so the tables are small; the TSS exists only for its interrupt
// stacks (IST).
#include <string.h>

#include "platform.h"

// #region gdt
// Selectors: 0x08 code, 0x10 data, 0x18 the TSS (a 16-byte descriptor).
static uint64_t gdt[5] = {
    0,
    0x00209A0000000000, // 64-bit code, ring 0
    0x0000920000000000, // data, writable
};

struct __attribute__((packed)) tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t io_map_base;
};
static struct tss tss;

// Exceptions run on their own stacks. Debian's musl and libgcc were built
// for user space and use the 128-byte "red zone" below %rsp; an exception
// pushed onto the interrupted stack would overwrite it. IST1 serves every
// exception, IST2 the double fault (taken when IST1 itself is unusable).
#define IST_STACK_SIZE 16384
static uint8_t ist1_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ist2_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
// #endregion gdt

struct __attribute__((packed)) descriptor_pointer {
  uint16_t limit;
  uint64_t base;
};

struct __attribute__((packed)) idt_gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type; // 0x8E: present, ring 0, 64-bit interrupt gate (IF cleared)
  uint16_t offset_middle;
  uint32_t offset_high;
  uint32_t reserved;
};
static struct idt_gate idt[256];

extern const uint64_t trap_entries[32];
extern const uint64_t irq_entries[224];

static void install_gdt(void) {
  uint64_t base = (uint64_t)&tss;
  uint64_t limit = sizeof tss - 1;
  tss.ist[0] = (uint64_t)(ist1_stack + IST_STACK_SIZE);
  tss.ist[1] = (uint64_t)(ist2_stack + IST_STACK_SIZE);
  tss.io_map_base = sizeof tss; // no I/O bitmap: ring 0 needs none
  gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[4] = base >> 32;

  struct descriptor_pointer pointer = {sizeof gdt - 1, (uint64_t)gdt};
  __asm__ volatile("lgdt %0" : : "m"(pointer));
  __asm__ volatile("ltr %w0" : : "r"(0x18));
}

static void set_gate(int vector, uint64_t handler, uint8_t ist) {
  idt[vector] = (struct idt_gate){
      .offset_low = handler & 0xffff,
      .selector = 0x08,
      .ist = ist,
      .type = 0x8E,
      .offset_middle = (handler >> 16) & 0xffff,
      .offset_high = handler >> 32,
  };
}

static void install_idt(void) {
  for (int vector = 0; vector < 32; vector++) set_gate(vector, trap_entries[vector], 1);
  set_gate(8, trap_entries[8], 2);
  for (int vector = 32; vector < 256; vector++) set_gate(vector, irq_entries[vector - 32], 0);
  struct descriptor_pointer pointer = {sizeof idt - 1, (uint64_t)idt};
  __asm__ volatile("lidt %0" : : "m"(pointer));
}

// #region pic
// The legacy 8259 PICs deliver on vectors 8-15 after reset, on top of the
// CPU's exception vectors: even a spurious IRQ 7 would look like exception
// 15. Move them to 0x20-0x2f and mask every line. Kindling routes device
// interrupts through the IOAPIC instead (chapter 3, in TypeScript).
static void remap_and_mask_pic(void) {
  outb(0x20, 0x11); // ICW1: initialise, expect ICW4
  outb(0xa0, 0x11);
  outb(0x21, 0x20); // ICW2: primary at vector 0x20
  outb(0xa1, 0x28); // ICW2: secondary at vector 0x28
  outb(0x21, 0x04); // ICW3: secondary on line 2
  outb(0xa1, 0x02);
  outb(0x21, 0x01); // ICW4: 8086 mode
  outb(0xa1, 0x01);
  outb(0x21, 0xff); // mask everything
  outb(0xa1, 0xff);
}
// #endregion pic

void cpu_init(void) {
  install_gdt();
  install_idt();
  remap_and_mask_pic();
}

const char *cpu_exception_name(uint64_t vector);

struct trap_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error_code;
  uint64_t rip, cs, rflags, rsp, ss;
};

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 floating point", "alignment check", "machine check",
    "SIMD floating point", "virtualization", "control protection",
};

// #region trap-handler
// Every CPU exception is fatal: print what the CPU told us, try to show
// which JavaScript was running, and stop with a distinctive exit code.
static volatile int in_trap;
extern uint8_t boot_stack_bottom[], boot_stack_top[];
_Noreturn void call_on_stack(void (*fn)(uint64_t), uint64_t argument, void *stack_top);

void trap_handler(struct trap_frame *frame) {
  if (in_trap++) {
    console_print("\n!! nested CPU exception while reporting one; halting\n");
    platform_exit(EXIT_CPU_EXCEPTION);
  }
  uint64_t cr2;
  __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
  const char *name = cpu_exception_name(frame->vector);
  console_printf("\n!! CPU exception %lu (%s), error code %#lx\n", frame->vector, name,
                 frame->error_code);
  console_printf("   rip %016lx  rsp %016lx  rflags %08lx  cr2 %016lx\n", frame->rip,
                 frame->rsp, frame->rflags, cr2);
  console_printf("   rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", frame->rax, frame->rbx,
                 frame->rcx, frame->rdx);
  console_printf("   rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", frame->rsi, frame->rdi,
                 frame->rbp, frame->r8);
  console_printf("   r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", frame->r9, frame->r10,
                 frame->r11, frame->r12);
  console_printf("   r13 %016lx  r14 %016lx  r15 %016lx\n", frame->r13, frame->r14, frame->r15);
  // The handler runs on a small IST stack, too small for JavaScript and
  // outside the range QuickJS checks its stack against. If the fault came
  // from the kernel stack, report on that stack instead, below the
  // interrupted frame (and its red zone).
  uint64_t below = (frame->rsp - 1024) & ~15ULL;
  if (below > (uint64_t)boot_stack_bottom + 64 * 1024 && frame->rsp <= (uint64_t)boot_stack_top) {
    call_on_stack(engine_report_cpu_exception, frame->vector, (void *)below);
  }
  console_print("   (the fault was not on the kernel stack: no JavaScript stack)\n");
  platform_exit(EXIT_CPU_EXCEPTION);
}

const char *cpu_exception_name(uint64_t vector) {
  return vector < 32 && exception_names[vector] ? exception_names[vector] : "?";
}
// #endregion trap-handler

// #region exit
// The exit is announced on the console first, as a line of its own: QEMU's
// own failures also end it with status 1 (the status of guest code 0), so
// `kindling boot` believes a guest exit only when it has read this line, and
// a host without an exit device (Xen) reads the code from it.
// QEMU's isa-debug-exit device (port 0xf4) then ends the emulator with
// status (code << 1) | 1. Where the device is absent the write does nothing
// and the CPU halts for good.
_Noreturn void platform_exit(int code) {
  console_printf("\nkindling: exit code %d\n", code);
  outb(0xf4, (uint8_t)code);
  console_print("kindling: halting (no exit device)\n");
  for (;;) __asm__ volatile("cli; hlt");
}
// #endregion exit
