// The monotonic clock: the CPU's time-stamp counter, converted to
// nanoseconds. Its rate is measured once at boot against the PIT, whose
// input clock is fixed by the PC's design at 1,193,182 Hz.
#include "platform.h"

#define PIT_HZ 1193182
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61
#define CALIBRATION_MS 20

static uint64_t boot_tsc;
static uint64_t tsc_hz;
static uint64_t ns_per_tick_q32; // nanoseconds per TSC tick, as 32.32 fixed point

// #region calibrate
// Channel 2 counts down once from a known value while we watch the TSC; its
// output bit in port 0x61 rises when the count reaches zero.
static uint64_t measure_tsc_hz(void) {
  const uint32_t count = PIT_HZ * CALIBRATION_MS / 1000;
  outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~0x02) | 0x01); // gate on, speaker off
  outb(PIT_COMMAND, 0xb0);                                   // channel 2, mode 0, lo/hi
  outb(PIT_CHANNEL2, count & 0xff);
  outb(PIT_CHANNEL2, count >> 8);
  uint64_t start = rdtsc();
  while (!(inb(PIT_GATE_PORT) & 0x20)) {
  }
  uint64_t ticks = rdtsc() - start;
  return ticks * PIT_HZ / count;
}
// #endregion calibrate

void clock_init(void) {
  boot_tsc = rdtsc();
  tsc_hz = measure_tsc_hz();
  if (tsc_hz == 0) tsc_hz = 1000000000; // no PIT answered: assume 1 GHz, say so in boot info
  ns_per_tick_q32 = ((unsigned __int128)1000000000 << 32) / tsc_hz;
}

uint64_t clock_ns(void) {
  uint64_t ticks = rdtsc() - boot_tsc;
  return (uint64_t)(((unsigned __int128)ticks * ns_per_tick_q32) >> 32);
}

uint64_t clock_tsc_hz(void) { return tsc_hz; }
