// The engine's heap: malloc, free, realloc, calloc and malloc_usable_size
// over one contiguous range of RAM, for QuickJS and for musl.
//
// Blocks carry their size in a header word, and free blocks repeat it in a
// footer, so free() can merge a block with both neighbours in constant time
// ("boundary tags"). Free blocks sit in size-class bins; a bitmap of
// non-empty bins finds the first bin that can satisfy a request.
#include <string.h>

#include "platform.h"

#define ALIGNMENT 16
#define HEADER 8
#define MIN_BLOCK 32 // header + next + prev + footer
#define USED 1ULL
#define PREV_USED 2ULL
#define FLAGS (USED | PREV_USED)
#define EXACT_BINS 64 // blocks of 16..1008 bytes, one bin per size
#define BINS 128      // then one bin per power-of-two range

typedef struct block {
  uint64_t header; // size in bytes (a multiple of 16) | PREV_USED | USED
  struct block *next, *prev; // only while free
} block;

static block *bins[BINS];
static uint64_t nonempty[BINS / 64];
static uint8_t *heap_start, *heap_end;
static heap_stats stats;

static size_t size_of(const block *b) { return b->header & ~FLAGS; }
static block *next_block(block *b) { return (block *)((uint8_t *)b + size_of(b)); }
static void set_footer(block *b) { ((uint64_t *)next_block(b))[-1] = size_of(b); }

static int bin_index(size_t size) {
  if (size < EXACT_BINS * ALIGNMENT) return (int)(size / ALIGNMENT);
  int log2 = 63 - __builtin_clzll(size);
  int index = EXACT_BINS + (log2 - 10) * 4 + (int)((size >> (log2 - 2)) & 3);
  return index < BINS ? index : BINS - 1;
}

static void bin_insert(block *b) {
  int i = bin_index(size_of(b));
  b->prev = NULL;
  b->next = bins[i];
  if (b->next) b->next->prev = b;
  bins[i] = b;
  nonempty[i / 64] |= 1ULL << (i % 64);
}

static void bin_remove(block *b) {
  int i = bin_index(size_of(b));
  if (b->prev) b->prev->next = b->next;
  else bins[i] = b->next;
  if (b->next) b->next->prev = b->prev;
  if (!bins[i]) nonempty[i / 64] &= ~(1ULL << (i % 64));
}

// Marks a free block [b, b+size) and files it, telling the next block.
static void make_free(block *b, size_t size) {
  b->header = size | (b->header & PREV_USED);
  set_footer(b);
  next_block(b)->header &= ~PREV_USED;
  bin_insert(b);
}

void heap_init(void *base, size_t size) {
  // Payloads must be 16-aligned, so headers sit 8 bytes before a 16 boundary.
  heap_start = (uint8_t *)(((uintptr_t)base + ALIGNMENT - 1) & ~(uintptr_t)(ALIGNMENT - 1));
  heap_start += ALIGNMENT - HEADER;
  heap_end = (uint8_t *)base + size;
  size_t usable = ((size_t)(heap_end - heap_start) - HEADER) & ~(size_t)(ALIGNMENT - 1);
  block *first = (block *)heap_start;
  block *sentinel = (block *)(heap_start + usable); // a used, zero-size block ends the heap
  sentinel->header = USED;
  first->header = PREV_USED; // nothing before the first block to merge with
  make_free(first, usable);
  stats.size = usable;
}

static block *find_fit(size_t size) {
  for (int i = bin_index(size); i < BINS; i++) {
    uint64_t word = nonempty[i / 64] >> (i % 64);
    if (!word) {
      i = (i / 64 + 1) * 64 - 1; // skip the rest of this bitmap word
      continue;
    }
    i += __builtin_ctzll(word);
    for (block *b = bins[i]; b; b = b->next)
      if (size_of(b) >= size) return b;
  }
  return NULL;
}

// Takes `size` bytes off the front of free block b, freeing any remainder.
static void *claim(block *b, size_t size) {
  bin_remove(b);
  size_t total = size_of(b);
  if (total - size >= MIN_BLOCK) {
    b->header = size | USED | (b->header & PREV_USED);
    block *rest = next_block(b);
    rest->header = PREV_USED;
    make_free(rest, total - size);
  } else {
    b->header |= USED;
    next_block(b)->header |= PREV_USED;
    size = total;
  }
  stats.used += size;
  stats.allocations++;
  if (stats.used > stats.peak) stats.peak = stats.used;
  return (uint8_t *)b + HEADER;
}

static size_t block_size_for(size_t request) {
  if (request > (size_t)(heap_end - heap_start)) return 0;
  size_t size = (request + HEADER + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
  return size < MIN_BLOCK ? MIN_BLOCK : size;
}

void *malloc(size_t request) {
  size_t size = block_size_for(request);
  block *b = size ? find_fit(size) : NULL;
  return b ? claim(b, size) : NULL;
}

void free(void *pointer) {
  if (!pointer) return;
  block *b = (block *)((uint8_t *)pointer - HEADER);
  size_t size = size_of(b);
  stats.used -= size;
  stats.allocations--;
  block *after = next_block(b);
  if (!(after->header & USED)) {
    bin_remove(after);
    size += size_of(after);
  }
  if (!(b->header & PREV_USED)) {
    block *before = (block *)((uint8_t *)b - ((uint64_t *)b)[-1]);
    bin_remove(before);
    size += size_of(before);
    b = before;
  }
  b->header &= PREV_USED;
  make_free(b, size);
}

void *calloc(size_t count, size_t size) {
  if (size && count > (size_t)-1 / size) return NULL;
  void *pointer = malloc(count * size);
  if (pointer) memset(pointer, 0, count * size);
  return pointer;
}

void *realloc(void *pointer, size_t request) {
  if (!pointer) return malloc(request);
  if (request == 0) {
    free(pointer);
    return NULL;
  }
  size_t size = block_size_for(request);
  if (!size) return NULL;
  block *b = (block *)((uint8_t *)pointer - HEADER);
  size_t have = size_of(b);
  if (have >= size) return pointer; // shrinking in place keeps the slack
  block *after = next_block(b);
  if (!(after->header & USED) && have + size_of(after) >= size) {
    // Grow into the free neighbour: absorb it, then give back what is left.
    bin_remove(after);
    size_t total = have + size_of(after);
    stats.used += total - have;
    b->header = total | (b->header & FLAGS);
    next_block(b)->header |= PREV_USED;
    if (total - size >= MIN_BLOCK) {
      b->header = size | (b->header & FLAGS);
      block *rest = next_block(b);
      rest->header = PREV_USED;
      make_free(rest, total - size);
      stats.used -= total - size;
    }
    if (stats.used > stats.peak) stats.peak = stats.used;
    return pointer;
  }
  void *moved = malloc(request);
  if (!moved) return NULL;
  memcpy(moved, pointer, have - HEADER);
  free(pointer);
  return moved;
}

size_t malloc_usable_size(void *pointer) {
  return pointer ? size_of((block *)((uint8_t *)pointer - HEADER)) - HEADER : 0;
}

void heap_get_stats(heap_stats *out) { *out = stats; }
