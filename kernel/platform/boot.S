// PVH entry: from a 32-bit protected-mode jump to C in 64-bit long mode.
//
// Both QEMU (`-kernel kernel.elf`) and Xen (a PVH domU) read the ELF note
// below, load the image at its physical addresses and jump to pvh_start32
// with paging off, flat 32-bit segments, and %ebx holding the physical
// address of a `struct hvm_start_info` (memory map, command line).

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define BOOT_STACK_SIZE (1024 * 1024)
#define MSR_EFER 0xC0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define PAGE_PRESENT_WRITABLE 0x3
#define PAGE_HUGE 0x80

// #region pvh-note
// The one ELF note that makes this image a PVH kernel. In a 64-bit ELF,
// QEMU reads the entry address as 8 bytes; Xen accepts 4 or 8.
.section .note.Xen, "a", @note
    .balign 4
    .long 4                         // name size: "Xen\0"
    .long 8                         // descriptor size
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_start32
// #endregion pvh-note

.section .text.boot, "ax"
.code32
.global pvh_start32
pvh_start32:
    cli
    cld
    // The loader zeroes .bss on QEMU and Xen, but nothing in the PVH
    // contract promises it: clear it ourselves before using any of it.
    mov %ebx, %esi
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov %esi, pvh_start_info_paddr

    // #region identity-map
    // Identity-map the first 4 GiB with 2 MiB pages: one PML4 entry, four
    // PDPT entries, four page directories of 512 entries. Physical address
    // equals virtual address everywhere, so the TypeScript kernel can hand
    // physical addresses straight to devices.
    mov $boot_pdpt, %eax
    or $PAGE_PRESENT_WRITABLE, %eax
    mov %eax, boot_pml4

    mov $boot_pd, %eax
    or $PAGE_PRESENT_WRITABLE, %eax
    xor %ecx, %ecx
1:  mov %eax, boot_pdpt(, %ecx, 8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b

    mov $(PAGE_PRESENT_WRITABLE | PAGE_HUGE), %eax
    xor %ecx, %ecx
2:  mov %eax, boot_pd(, %ecx, 8)
    add $(2 * 1024 * 1024), %eax
    inc %ecx
    cmp $2048, %ecx
    jne 2b
    // #endregion identity-map

    // #region long-mode
    // Long mode takes four switches, in this order: PAE paging on, the page
    // table root in CR3, EFER.LME (plus SCE so the SYSCALL instruction works;
    // see syscall.c), then paging on. A far jump into a 64-bit code segment
    // leaves compatibility mode.
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_SCE), %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0
    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry
    // #endregion long-mode

.code64
long_mode_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp

    // #region enable-sse
    // The compiler, musl and QuickJS all use SSE registers for doubles and
    // for copying memory. Until CR4.OSFXSR is set, the first such
    // instruction raises #UD.
    mov %cr0, %rax
    and $~CR0_EM, %rax
    or $CR0_MP, %rax
    mov %rax, %cr0
    mov %cr4, %rax
    or $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
    mov %rax, %cr4
    fninit
    // #endregion enable-sse

    mov pvh_start_info_paddr(%rip), %edi
    call kernel_main
3:  cli
    hlt
    jmp 3b

// A minimal GDT for the jump into long mode; cpu.c installs the real one
// (with a TSS) right after.
.section .rodata
.balign 8
boot_gdt:
    .quad 0
    .quad 0x00209A0000000000        // 0x08: 64-bit code, present, ring 0
    .quad 0x0000920000000000        // 0x10: data, present, writable
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

.section .bss
.balign 4096
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
.balign 16
.global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:
.global pvh_start_info_paddr
pvh_start_info_paddr: .long 0
