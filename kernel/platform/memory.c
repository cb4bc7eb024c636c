// Physical memory, as the platform sees it: find RAM for the engine's heap,
// remember which ranges the platform owns, and police the hardware ABI's
// memory views so TypeScript can never overwrite the engine under its feet.
// Everything else (the memory map itself, free frames) belongs to the
// TypeScript kernel: chapter 2 builds its frame allocator on top of this.
#include <string.h>

#include "platform.h"

// #region start-info
// From Xen's public header arch-x86/hvm/start_info.h: the structure a PVH
// loader leaves for the kernel, and the memory map entries it points to.
#define HVM_START_MAGIC 0x336ec578
#define MEMMAP_TYPE_RAM 1

struct hvm_start_info {
  uint32_t magic;
  uint32_t version;
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  uint64_t memmap_paddr; // version 1 and later
  uint32_t memmap_entries;
  uint32_t reserved;
};

struct hvm_memmap_entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
  uint32_t reserved;
};
// #endregion start-info

#define MAPPED_LIMIT (4ULL << 30) // boot.S identity-maps the first 4 GiB
#define HEAP_MIN (8ULL << 20)
#define HEAP_MAX (256ULL << 20)

extern char __image_start[], __image_end[];

static uint64_t start_info_paddr;
static const char *command_line = "";
static reserved_range reserved[2];

static _Noreturn void boot_failure(const char *why) {
  console_printf("kindling: cannot boot: %s\n", why);
  platform_exit(EXIT_PLATFORM);
}

static uint64_t align_up(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

// #region place-heap
// The engine heap goes right after the image, in the RAM range that holds
// the image: a quarter of that range, clamped to [8 MiB, 256 MiB].
static void place_heap(const struct hvm_start_info *info) {
  if (info->version < 1 || info->memmap_entries == 0)
    boot_failure("the loader gave no memory map (hvm_start_info version < 1)");
  const struct hvm_memmap_entry *map = (const void *)info->memmap_paddr;
  uint64_t image_start = (uint64_t)__image_start, image_end = (uint64_t)__image_end;
  for (uint32_t i = 0; i < info->memmap_entries; i++) {
    uint64_t start = map[i].addr, end = map[i].addr + map[i].size;
    if (map[i].type != MEMMAP_TYPE_RAM || image_start < start || image_end > end) continue;
    if (end > MAPPED_LIMIT) end = MAPPED_LIMIT;
    uint64_t heap = align_up(image_end, 4096);
    uint64_t size = (end - start) / 4;
    if (size < HEAP_MIN) size = HEAP_MIN;
    if (size > HEAP_MAX) size = HEAP_MAX;
    if (heap + size > end) boot_failure("not enough RAM after the image for the engine heap");
    reserved[0] = (reserved_range){"image", image_start, image_end - image_start};
    reserved[1] = (reserved_range){"engine heap", heap, size};
    heap_init((void *)heap, size);
    return;
  }
  boot_failure("no RAM range in the memory map holds the kernel image");
}
// #endregion place-heap

void memory_init(uint32_t paddr) {
  const struct hvm_start_info *info = (const void *)(uint64_t)paddr;
  if (paddr == 0 || info->magic != HVM_START_MAGIC)
    boot_failure("no hvm_start_info: was this image started through the PVH entry?");
  start_info_paddr = paddr;
  if (info->cmdline_paddr) command_line = (const char *)info->cmdline_paddr;
  place_heap(info);
}

size_t memory_reserved(const reserved_range **ranges) {
  *ranges = reserved;
  return sizeof reserved / sizeof reserved[0];
}

// #region view-check
// A view is allowed when it lies inside the identity map and touches none of
// the platform's ranges. Everything else - RAM the kernel owns, device
// memory (MMIO), firmware tables - is TypeScript's to read and write.
int memory_view_allowed(uint64_t base, uint64_t length, const char **why) {
  if (base > MAPPED_LIMIT || length > MAPPED_LIMIT - base) {
    *why = "range is outside the identity-mapped first 4 GiB";
    return 0;
  }
  for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
    const reserved_range *r = &reserved[i];
    if (base < r->base + r->length && r->base < base + length) {
      *why = r == &reserved[0] ? "range overlaps the kernel image" : "range overlaps the engine heap";
      return 0;
    }
  }
  return 1;
}
// #endregion view-check

uint64_t memory_start_info(void) { return start_info_paddr; }
const char *memory_command_line(void) { return command_line; }
