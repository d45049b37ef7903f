// libtorch's autocast state for one device type, so that the binding can open a scope that
// does what torch.autocast's __enter__ / __exit__ do (torch/amp/autocast_mode.py): save the
// enabled flag, the fast dtype and the cache flag, set them, increment the nesting; on exit
// decrement it, clear the cast cache when it returns to 0, restore the saved values.
// The state is thread-local in libtorch, as it is in PyTorch.
#include "errors.h"
#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include <stdexcept>

// libtorch 2.4 replaced the per-device functions (set_cpu_enabled, set_autocast_gpu_dtype, ...)
// by ones that take the device type; the old ones were deprecated there.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SS_AUTOCAST_BY_DEVICE_TYPE 1
#else
#define SS_AUTOCAST_BY_DEVICE_TYPE 0
#endif

namespace {
c10::DeviceType checked_device_type(int device_type) {
  if (device_type != static_cast<int>(c10::DeviceType::CPU) && device_type != static_cast<int>(c10::DeviceType::CUDA))
    throw std::invalid_argument("autocast: device type " + std::to_string(device_type) + " is neither CPU (0) nor CUDA (1)");
  return static_cast<c10::DeviceType>(device_type);
}

bool is_enabled(c10::DeviceType type) {
#if SS_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

void set_enabled(c10::DeviceType type, bool enabled) {
#if SS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::DeviceType::CPU) at::autocast::set_cpu_enabled(enabled);
  else at::autocast::set_enabled(enabled);
#endif
}

at::ScalarType get_dtype(c10::DeviceType type) {
#if SS_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_dtype(c10::DeviceType type, at::ScalarType dtype) {
  // As torch.autocast: only the reduced-precision float types are fast dtypes.
  if (dtype != at::kBFloat16 && dtype != at::kHalf)
    throw std::invalid_argument(std::string("autocast: dtype ") + c10::toString(dtype) + " is not float16 or bfloat16");
#if SS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == c10::DeviceType::CPU) at::autocast::set_autocast_cpu_dtype(dtype);
  else at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}
}  // namespace

extern "C" {
int ss_autocast_is_enabled(int device_type) {
  SS_GUARD(-1, { return is_enabled(checked_device_type(device_type)) ? 1 : 0; })
}

bool ss_autocast_set_enabled(int device_type, bool enabled) {
  SS_GUARD(false, {
    set_enabled(checked_device_type(device_type), enabled);
    return true;
  })
}

int ss_autocast_get_dtype(int device_type) {
  SS_GUARD(-1, { return static_cast<int>(get_dtype(checked_device_type(device_type))); })
}

bool ss_autocast_set_dtype(int device_type, int dtype) {
  SS_GUARD(false, {
    set_dtype(checked_device_type(device_type), static_cast<at::ScalarType>(dtype));
    return true;
  })
}

bool ss_autocast_is_cache_enabled(void) { return at::autocast::is_autocast_cache_enabled(); }
void ss_autocast_set_cache_enabled(bool enabled) { at::autocast::set_autocast_cache_enabled(enabled); }

int ss_autocast_increment_nesting(void) {
  SS_GUARD(-1, { return at::autocast::increment_nesting(); })
}

int ss_autocast_decrement_nesting(void) {
  SS_GUARD(-1, { return at::autocast::decrement_nesting(); })
}

bool ss_autocast_clear_cache(void) {
  SS_GUARD(false, {
    at::autocast::clear_cache();
    return true;
  })
}
}
