#include "errors.h"
#include <c10/util/Exception.h>

namespace ss {
namespace {
thread_local std::string last_error;
thread_local bool has_error = false;
}  // namespace

std::atomic<int64_t> live_tensors{0};

void set_error(const std::string& message) {
  last_error = message;
  has_error = true;
}

void clear_error() { has_error = false; }

std::string describe_current_exception() {
  try {
    throw;
  } catch (const c10::Error& e) {
    // what_without_backtrace keeps libtorch's message without the C++ stack trace.
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown native exception";
  }
}
}  // namespace ss

extern "C" {
const char* ss_last_error(void) { return ss::has_error ? ss::last_error.c_str() : nullptr; }
void ss_clear_error(void) { ss::clear_error(); }
void ss_free(void* p) { std::free(p); }
int64_t ss_live_tensors(void) { return ss::live_tensors.load(); }
}
