// The QuickJS engine: create the runtime, load the stage's bytecode, run it,
// then keep running promise jobs. Errors that escape TypeScript come back
// here and go to the TypeScript panic handler, which maps them to source.
#include <string.h>

#include "abi.h"
#include "platform.h"
#include "quickjs.h"

// boot.S gives the kernel a 1 MiB stack; QuickJS refuses to recurse past
// this budget and throws a RangeError instead of running off the end.
#define JS_STACK_BUDGET (768 * 1024)

static JSRuntime *runtime;
static JSContext *context;
static JSValue panic_handler; // set to JS_UNDEFINED in engine_run
static JSValue idle_handler;  // likewise

// #region unhandled-rejections
// A promise rejected with no handler attached yet goes on this list; one
// attached later takes it off. Whatever is still listed once the job queue
// is empty can never be handled, and is a panic.
#define MAX_PENDING_REJECTIONS 64
static JSValue rejected[MAX_PENDING_REJECTIONS], reasons[MAX_PENDING_REJECTIONS];
static int rejected_count;

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque) {
  (void)opaque;
  if (!is_handled) {
    if (rejected_count == MAX_PENDING_REJECTIONS) return;
    rejected[rejected_count] = JS_DupValue(ctx, promise);
    reasons[rejected_count++] = JS_DupValue(ctx, reason);
    return;
  }
  for (int i = 0; i < rejected_count; i++) {
    if (JS_VALUE_GET_PTR(rejected[i]) != JS_VALUE_GET_PTR(promise)) continue;
    JS_FreeValue(ctx, rejected[i]);
    JS_FreeValue(ctx, reasons[i]);
    rejected[i] = rejected[--rejected_count];
    reasons[i] = reasons[rejected_count];
    return;
  }
}
// #endregion unhandled-rejections

static void print_value(JSValueConst value) {
  const char *text = JS_ToCString(context, value);
  console_print(text ? text : "(unprintable value)");
  JS_FreeCString(context, text);
}

// #region panic
// Hands an error that escaped TypeScript to the panic handler TypeScript
// installed (it maps the stack through the source map and exits). If there
// is none yet, or it fails, the platform prints what it can.
static _Noreturn void panic_with(JSValue error, int exit_code) {
  if (JS_IsFunction(context, panic_handler)) {
    JSValue handler = panic_handler;
    panic_handler = JS_UNDEFINED; // a panic inside the panic handler ends here
    JSValue result = JS_Call(context, handler, JS_UNDEFINED, 1, (JSValueConst *)&error);
    if (JS_IsException(result)) {
      console_print("\nkindling: the panic handler itself threw: ");
      JSValue inner = JS_GetException(context);
      print_value(inner);
      console_print("\n");
    }
  }
  console_print("\npanic: ");
  print_value(error);
  JSValue stack = JS_GetPropertyStr(context, error, "stack");
  if (JS_IsString(stack)) {
    console_print("\n");
    print_value(stack);
  }
  console_print("\n");
  platform_exit(exit_code);
}
// #endregion panic

static _Noreturn void panic_with_exception(void) {
  panic_with(JS_GetException(context), EXIT_PANIC);
}

void engine_set_idle_handler(JSValueConst handler) {
  JS_FreeValue(context, idle_handler);
  idle_handler = JS_DupValue(context, handler);
}

// #region idle
// Called when the job queue is empty. The event loop's idle handler waits
// for the next interrupt or timer and resolves the promises it fulfils,
// which queues more jobs; it returns false when nothing could ever wake
// the kernel again.
static int run_idle_handler(void) {
  if (!JS_IsFunction(context, idle_handler)) return 0;
  JSValue result = JS_Call(context, idle_handler, JS_UNDEFINED, 0, NULL);
  if (JS_IsException(result)) panic_with_exception();
  int more = JS_ToBool(context, result);
  JS_FreeValue(context, result);
  return more;
}
// #endregion idle

void engine_set_panic_handler(JSValueConst handler) {
  JS_FreeValue(context, panic_handler);
  panic_handler = JS_DupValue(context, handler);
}

// #region run
_Noreturn void engine_run(const uint8_t *bytecode, size_t length) {
  // QuickJS's default allocator hooks call malloc and malloc_usable_size,
  // which heap.c provides.
  runtime = JS_NewRuntime();
  if (!runtime) {
    console_print("kindling: out of memory creating the JavaScript runtime\n");
    platform_exit(EXIT_PLATFORM);
  }
  panic_handler = JS_UNDEFINED;
  idle_handler = JS_UNDEFINED;
  JS_SetMaxStackSize(runtime, JS_STACK_BUDGET);
  JS_SetHostPromiseRejectionTracker(runtime, track_rejection, NULL);
  context = JS_NewContext(runtime);
  abi_install(context);

  // The image carries bytecode, not source: no parser runs at boot.
  JSValue program = JS_ReadObject(context, bytecode, length, JS_READ_OBJ_BYTECODE);
  if (JS_IsException(program)) panic_with_exception();
  JSValue result = JS_EvalFunction(context, program);
  if (JS_IsException(result)) panic_with_exception();
  JS_FreeValue(context, result);

  // Run promise jobs until none are left, then let the event loop (if the
  // stage has one) wait for the world. When neither has anything to do, the
  // kernel can make no more progress without having exited.
  for (;;) {
    JSContext *job_context;
    int ran = JS_ExecutePendingJob(runtime, &job_context);
    if (ran < 0) panic_with_exception();
    if (ran > 0) continue;
    if (rejected_count > 0) panic_with(reasons[0], EXIT_PANIC);
    if (!run_idle_handler()) break;
  }
  console_print("\nkindling: deadlock: no work is left, yet the kernel has not exited\n");
  platform_exit(EXIT_DEADLOCK);
}
// #endregion run

// #region exception-stack
// Called from the CPU exception handler, on the kernel stack. If the fault
// came from inside the engine its state may be inconsistent, so this is
// best effort: build an Error (which records the current JavaScript stack),
// mark it as a CPU exception, and hand it to the panic handler. A second
// fault while doing so halts (see cpu.c).
_Noreturn void engine_report_cpu_exception(uint64_t vector) {
  if (!context) platform_exit(EXIT_CPU_EXCEPTION);
  console_print("   JavaScript was running; asking the panic handler for its stack:\n");
  JS_ThrowInternalError(context, "CPU exception %lu (%s), registers above", vector,
                        cpu_exception_name(vector));
  JSValue error = JS_GetException(context);
  JS_SetPropertyStr(context, error, "cpuException", JS_NewInt32(context, (int32_t)vector));
  panic_with(error, EXIT_CPU_EXCEPTION);
}
// #endregion exception-stack

JSContext *engine_context(void) { return context; }
JSRuntime *engine_runtime(void) { return runtime; }
