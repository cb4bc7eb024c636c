// The platform's own console: COM1, polled. TypeScript brings its own serial
// driver (chapter 1's lab); this one is for boot messages, the hardware ABI's
// consoleWrite, and panics that happen before or beneath the engine.
#include <stdarg.h>
#include <stdio.h>

#include "platform.h"

#define COM1 0x3f8
#define LINE_STATUS 5
#define TRANSMIT_EMPTY 0x20

void console_init(void) {
  outb(COM1 + 1, 0x00); // no interrupts: the platform polls
  outb(COM1 + 3, 0x80); // divisor latch access
  outb(COM1 + 0, 0x01); // divisor 1: 115200 baud
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03); // 8 data bits, no parity, one stop bit
  outb(COM1 + 2, 0xc7); // FIFO on, cleared
  outb(COM1 + 4, 0x03); // DTR + RTS
}

static void put_byte(uint8_t byte) {
  while (!(inb(COM1 + LINE_STATUS) & TRANSMIT_EMPTY)) {
  }
  outb(COM1, byte);
}

void console_write(const char *text, size_t length) {
  for (size_t i = 0; i < length; i++) {
    // Terminals want CR LF; kernel text uses LF.
    if (text[i] == '\n') put_byte('\r');
    put_byte((uint8_t)text[i]);
  }
}

void console_print(const char *text) {
  while (*text) console_write(text++, 1);
}

void console_printf(const char *format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  int length = vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (length > (int)sizeof buffer - 1) length = sizeof buffer - 1;
  if (length > 0) console_write(buffer, (size_t)length);
}
