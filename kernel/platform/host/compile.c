// kindling-qjsc: compiles a bundled stage (JavaScript) to QuickJS bytecode
// on the build machine, so the kernel never parses source at boot.
// Built from the same engine sources as the kernel's engine: bytecode is
// only valid for the exact build of QuickJS that wrote it.
//
//   kindling-qjsc INPUT.js OUTPUT.qjbc SCRIPT-NAME
//
// SCRIPT-NAME is the file name stack traces will show (and that the source
// map is keyed by).
#include <stdio.h>
#include <stdlib.h>

#include "quickjs.h"

static char *read_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (!file) return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *data = malloc((size_t)size + 1);
  if (!data || fread(data, 1, (size_t)size, file) != (size_t)size) {
    fclose(file);
    free(data);
    return NULL;
  }
  fclose(file);
  data[size] = 0;
  *length = (size_t)size;
  return data;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s INPUT.js OUTPUT.qjbc SCRIPT-NAME\n", argv[0]);
    return 2;
  }
  size_t length;
  char *source = read_file(argv[1], &length);
  if (!source) {
    perror(argv[1]);
    return 1;
  }
  JSRuntime *runtime = JS_NewRuntime();
  JSContext *context = JS_NewContext(runtime);
  // Strict, like the ES modules the TypeScript was written as.
  JSValue program = JS_Eval(context, source, length, argv[3],
                            JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRICT | JS_EVAL_FLAG_COMPILE_ONLY);
  if (JS_IsException(program)) {
    JSValue error = JS_GetException(context);
    const char *message = JS_ToCString(context, error);
    JSValue stack = JS_GetPropertyStr(context, error, "stack");
    const char *where = JS_IsString(stack) ? JS_ToCString(context, stack) : NULL;
    fprintf(stderr, "%s: %s\n%s", argv[1], message ? message : "compile error", where ? where : "");
    return 1;
  }
  size_t size;
  uint8_t *bytecode = JS_WriteObject(context, &size, program, JS_WRITE_OBJ_BYTECODE);
  FILE *out = fopen(argv[2], "wb");
  if (!bytecode || !out || fwrite(bytecode, 1, size, out) != size || fclose(out) != 0) {
    perror(argv[2]);
    return 1;
  }
  return 0;
}
