// Every exported function body runs inside one of these guards: libtorch errors (and any
// other C++ exception) are caught and kept as a message for the caller, never thrown
// across the C ABI.
#pragma once
#include <string>
#include <exception>
#include <atomic>
#include <ATen/ATen.h>
#include "semiseg_native.h"

namespace ss {
void set_error(const std::string& message);
void clear_error();
std::string describe_current_exception();
extern std::atomic<int64_t> live_tensors;

inline ss_tensor wrap(at::Tensor t) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<ss_tensor>(new at::Tensor(std::move(t)));
}
inline at::Tensor& unwrap(ss_tensor t) {
  if (t == nullptr) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(t);
}
}  // namespace ss

#define SS_GUARD(fail_value, ...)                      \
  try {                                                 \
    ss::clear_error();                                  \
    __VA_ARGS__                                         \
  } catch (...) {                                       \
    ss::set_error(ss::describe_current_exception());   \
    return fail_value;                                  \
  }
