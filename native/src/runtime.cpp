#include "errors.h"
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <c10/core/GradMode.h>

extern "C" {
int ss_get_num_threads(void) { return at::get_num_threads(); }

bool ss_set_num_threads(int n) {
  SS_GUARD(false, {
    at::set_num_threads(n);
    return true;
  })
}

bool ss_set_num_interop_threads(int n) {
  SS_GUARD(false, {
    at::set_num_interop_threads(n);
    return true;
  })
}

bool ss_is_grad_enabled(void) { return c10::GradMode::is_enabled(); }
void ss_set_grad_enabled(bool enabled) { c10::GradMode::set_enabled(enabled); }

bool ss_cuda_is_available(void) {
  SS_GUARD(false, { return torch::cuda::is_available(); })
}

int ss_cuda_device_count(void) {
  SS_GUARD(0, { return static_cast<int>(torch::cuda::device_count()); })
}

const char* ss_torch_version(void) { return TORCH_VERSION; }
}
