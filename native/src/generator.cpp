#include "errors.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/core/Generator.h>
#include <mutex>

using ss::unwrap;
using ss::wrap;

namespace {
at::Generator& gen(ss_generator g) {
  if (g == nullptr) throw std::invalid_argument("null generator handle");
  return *reinterpret_cast<at::Generator*>(g);
}
ss_generator make(at::Generator g) { return reinterpret_cast<ss_generator>(new at::Generator(std::move(g))); }
}  // namespace

extern "C" {
ss_generator ss_generator_new(uint64_t seed, int device_type) {
  SS_GUARD(nullptr, {
    auto type = static_cast<c10::DeviceType>(device_type);
    if (type != c10::DeviceType::CPU) {
      // A fresh CUDA generator needs the CUDA hooks of a CUDA build of libtorch.
      auto g = at::globalContext().defaultGenerator(c10::Device(type)).clone();
      g.set_current_seed(seed);
      return make(g);
    }
    return make(at::make_generator<at::CPUGeneratorImpl>(seed));
  })
}

ss_generator ss_generator_default(int device_type) {
  SS_GUARD(nullptr, {
    return make(at::globalContext().defaultGenerator(c10::Device(static_cast<c10::DeviceType>(device_type))));
  })
}

void ss_generator_free(ss_generator g) { delete reinterpret_cast<at::Generator*>(g); }

bool ss_generator_set_seed(ss_generator g, uint64_t seed) {
  SS_GUARD(false, {
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    gen(g).set_current_seed(seed);
    return true;
  })
}

ss_tensor ss_generator_get_state(ss_generator g) {
  SS_GUARD(nullptr, {
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    return wrap(gen(g).get_state());
  })
}

bool ss_generator_set_state(ss_generator g, ss_tensor state) {
  SS_GUARD(false, {
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    gen(g).set_state(unwrap(state));
    return true;
  })
}

bool ss_manual_seed(uint64_t seed) {
  SS_GUARD(false, {
    at::manual_seed(seed);
    return true;
  })
}
}
