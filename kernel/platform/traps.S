// CPU exception entry points. Each stub makes the stack look the same
// (an error code, real or zero, then the vector number) and jumps to one
// common path that saves every general register and calls trap_handler.

.macro trap_without_code vector
.global trap_\vector
trap_\vector:
    push $0
    push $\vector
    jmp trap_common
.endm

.macro trap_with_code vector
.global trap_\vector
trap_\vector:
    push $\vector
    jmp trap_common
.endm

.text
trap_without_code 0
trap_without_code 1
trap_without_code 2
trap_without_code 3
trap_without_code 4
trap_without_code 5
trap_without_code 6
trap_without_code 7
trap_with_code 8
trap_without_code 9
trap_with_code 10
trap_with_code 11
trap_with_code 12
trap_with_code 13
trap_with_code 14
trap_without_code 15
trap_without_code 16
trap_with_code 17
trap_without_code 18
trap_without_code 19
trap_without_code 20
trap_with_code 21
trap_without_code 22
trap_without_code 23
trap_without_code 24
trap_without_code 25
trap_without_code 26
trap_without_code 27
trap_without_code 28
trap_with_code 29
trap_with_code 30
trap_without_code 31

// The frame built here is struct trap_frame in cpu.c, lowest address first.
trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call trap_handler
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

// void call_on_stack(void (*fn)(uint64_t), uint64_t argument, void *stack_top)
// Runs fn on another stack, for good: fn must not return.
.global call_on_stack
call_on_stack:
    mov %rdx, %rsp
    mov %rdi, %rax
    mov %rsi, %rdi
    call *%rax
    ud2

.section .rodata
.balign 8
.global trap_entries
trap_entries:
.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_\vector
.endr

// #region irq-stubs
// Vectors 32-255: device and timer interrupts. They only ever arrive while
// the platform's wait() has the CPU halted with interrupts enabled, so the
// handler has one job: set the vector's bit in pending_vectors, for wait()
// to hand to TypeScript. No C, no end-of-interrupt: acknowledging is the
// TypeScript driver's business, after it has served the device.
.macro irq vector
irq_\vector:
    push %rax
    mov $\vector, %eax
    jmp irq_common
.endm

.text
.altmacro
.set vector, 32
.rept 224
    irq %vector
    .set vector, vector + 1
.endr

irq_common:
    lock btsq %rax, pending_vectors(%rip)
    pop %rax
    iretq
// #endregion irq-stubs

.section .rodata
.balign 8
.global irq_entries
irq_entries:
.macro irq_entry vector
    .quad irq_\vector
.endm
.set vector, 32
.rept 224
    irq_entry %vector
    .set vector, vector + 1
.endr

.section .bss
.balign 8
.global pending_vectors
pending_vectors:
    .skip 32
