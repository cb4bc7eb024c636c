// Glue between the engine and the hardware ABI natives (abi.c).
#pragma once
#include <stddef.h>

#include "quickjs.h"

void abi_install(JSContext *context);
void engine_set_panic_handler(JSValueConst handler);
void engine_set_idle_handler(JSValueConst handler);
JSRuntime *engine_runtime(void);

