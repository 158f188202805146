/*
 * Two functions for lib/backend/quiet.ts: point file descriptor 2 at /dev/null, and
 * back. TensorFlow 2.21 logs through absl while its library is being loaded, before
 * absl::InitializeLog(), and absl then writes straight to fd 2 whatever
 * TF_CPP_MIN_LOG_LEVEL says (tensorflow/tensorflow#100442). Node has no dup2, so the
 * workspace builds this (npm ci, scripts/setup.js) and silences fd 2 around the one
 * require() that loads the library. Built with the system C compiler against Node's
 * own headers; if it cannot be built the lines simply appear.
 */
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <unistd.h>

static int saved = -1;

static napi_value silence(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  if (saved >= 0) return NULL;
  fflush(stderr);
  saved = dup(2);
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) {
    dup2(devnull, 2);
    close(devnull);
  }
  return NULL;
}

static napi_value restore(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  if (saved < 0) return NULL;
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  saved = -1;
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "silence", NAPI_AUTO_LENGTH, silence, NULL, &fn);
  napi_set_named_property(env, exports, "silence", fn);
  napi_create_function(env, "restore", NAPI_AUTO_LENGTH, restore, NULL, &fn);
  napi_set_named_property(env, exports, "restore", fn);
  return exports;
}
