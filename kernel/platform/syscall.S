// The SYSCALL instruction's landing point. musl was built for Linux and
// ends some of its functions in a system call; in Kindling there is no
// kernel below us, so the platform answers them itself (syscall.c). The
// Linux convention: number in %rax, arguments in %rdi %rsi %rdx %r10 %r8
// %r9, result in %rax, everything but %rcx and %r11 preserved - including
// the SSE registers, hence the FXSAVE.
.text
.global syscall_entry
syscall_entry:
    lea -128(%rsp), %rsp        // step over the caller's red zone
    push %rbp
    mov %rsp, %rbp
    and $-16, %rsp
    sub $512, %rsp
    fxsave (%rsp)
    push %rcx                   // return address
    push %r11                   // caller's rflags
    push %rdi
    push %rsi
    push %rdx
    push %r8
    push %r9
    push %r10
    mov %r10, %r8
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov %rax, %rdi
    call syscall_dispatch
    pop %r10
    pop %r9
    pop %r8
    pop %rdx
    pop %rsi
    pop %rdi
    pop %r11
    pop %rcx
    fxrstor (%rsp)
    mov %rbp, %rsp
    pop %rbp
    push %r11
    popfq
    lea 128(%rsp), %rsp         // LEA, not ADD: the flags are restored already
    jmp *%rcx
