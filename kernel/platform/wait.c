// wait(): the only place the CPU runs with interrupts enabled. TypeScript
// runs with them masked, so no handler can interleave with it; when the
// event loop has nothing to do it calls wait(deadline), and the CPU sleeps
// in HLT until an interrupt arrives or the deadline passes.
#include "platform.h"

extern volatile uint64_t pending_vectors[4]; // set by the stubs in traps.S

static idle_stats stats;

// Moves the pending bits into `vectors`; returns how many there were.
static int take_pending(uint8_t vectors[256]) {
  int count = 0;
  for (int word = 0; word < 4; word++) {
    uint64_t bits = __atomic_exchange_n(&pending_vectors[word], 0, __ATOMIC_SEQ_CST);
    while (bits) {
      int bit = __builtin_ctzll(bits);
      bits &= bits - 1;
      vectors[count++] = (uint8_t)(word * 64 + bit);
    }
  }
  return count;
}

// #region wait
int wait_for_events(uint64_t deadline_ns, uint8_t vectors[256]) {
  for (;;) {
    int count = take_pending(vectors);
    if (count > 0 || clock_ns() >= deadline_ns) return count;
    // STI takes effect after the next instruction, so an interrupt that is
    // already waiting wakes the HLT rather than slipping in before it.
    uint64_t before = clock_ns();
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    stats.halts++;
    stats.halted_ns += clock_ns() - before;
  }
}
// #endregion wait

void wait_get_stats(idle_stats *out) { *out = stats; }
