// Linux system calls, answered by the platform. musl's stdio, clock and
// exit paths end in the SYSCALL instruction; rather than shim each libc
// function, the platform implements the handful of calls they make and
// answers the rest with ENOSYS (naming each unknown call once, so a missing
// one is easy to spot). musl also finds its thread (errno, locale) through
// %fs, so the platform gives it one.
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <time.h>

#include "platform.h"

#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_FMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100

enum {
  SYS_WRITE = 1,
  SYS_IOCTL = 16,
  SYS_WRITEV = 20,
  SYS_EXIT = 60,
  SYS_GETTIMEOFDAY = 96,
  SYS_CLOCK_GETTIME = 228,
  SYS_EXIT_GROUP = 231,
};

struct iovec_linux {
  const char *base;
  size_t length;
};

// musl's struct pthread begins with a pointer to itself; the rest (errno,
// locale) starts zeroed, as a new thread's would.
static uint64_t thread_block[128] __attribute__((aligned(64)));
static uint64_t reported_unknown[8];

extern void syscall_entry(void);

void syscall_init(void) {
  wrmsr(MSR_STAR, 0x08ULL << 32);
  wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
  wrmsr(MSR_FMASK, 0x700); // clear TF, IF and DF on entry
  thread_block[0] = (uint64_t)thread_block;
  wrmsr(MSR_FS_BASE, (uint64_t)thread_block);
  uselocale(LC_GLOBAL_LOCALE); // point the thread at musl's C locale
}

static long write_console(long fd, const char *data, size_t length) {
  if (fd != 1 && fd != 2) return -EBADF;
  console_write(data, length);
  return (long)length;
}

long syscall_dispatch(long number, long a0, long a1, long a2, long a3) {
  (void)a3;
  switch (number) {
  case SYS_WRITE:
    return write_console(a0, (const char *)a1, (size_t)a2);
  case SYS_WRITEV: {
    const struct iovec_linux *vector = (const void *)a1;
    long total = 0;
    for (long i = 0; i < a2; i++) {
      long written = write_console(a0, vector[i].base, vector[i].length);
      if (written < 0) return written;
      total += written;
    }
    return total;
  }
  case SYS_IOCTL:
    return -ENOTTY;
  case SYS_CLOCK_GETTIME: {
    // One clock for all clock ids: nanoseconds since boot. There is no
    // wall clock until a kernel reads one (the RTC, or Xen's shared info).
    struct timespec *out = (void *)a1;
    uint64_t now = clock_ns();
    out->tv_sec = (time_t)(now / 1000000000);
    out->tv_nsec = (long)(now % 1000000000);
    return 0;
  }
  case SYS_GETTIMEOFDAY: {
    struct {
      long seconds, microseconds;
    } *out = (void *)a0;
    uint64_t now = clock_ns();
    if (out) {
      out->seconds = (long)(now / 1000000000);
      out->microseconds = (long)(now % 1000000000 / 1000);
    }
    return 0;
  }
  case SYS_EXIT:
  case SYS_EXIT_GROUP:
    platform_exit((int)a0);
  }
  if (number >= 0 && number < 512 && !(reported_unknown[number / 64] & (1ULL << (number % 64)))) {
    reported_unknown[number / 64] |= 1ULL << (number % 64);
    console_printf("kindling: system call %ld is not supported (ENOSYS)\n", number);
  }
  return -ENOSYS;
}

// musl's abort() raises SIGABRT through system calls that do nothing here;
// report and stop instead.
_Noreturn void abort(void) {
  console_print("\nkindling: abort() called in the platform or engine\n");
  platform_exit(EXIT_CPU_EXCEPTION);
}
