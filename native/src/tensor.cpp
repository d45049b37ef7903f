#include "errors.h"
#include <cstring>

using ss::unwrap;
using ss::wrap;

extern "C" {
ss_tensor ss_tensor_from_data(const void* data, int dtype, const int64_t* shape, int ndim,
                              int device_type, int device_index) {
  SS_GUARD(nullptr, {
    std::vector<int64_t> sizes(shape, shape + ndim);
    auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
    at::Tensor cpu = at::empty(sizes, options);
    if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.nbytes());
    c10::Device device(static_cast<c10::DeviceType>(device_type),
                       static_cast<c10::DeviceIndex>(device_index));
    return wrap(device.is_cpu() ? cpu : cpu.to(device));
  })
}

bool ss_tensor_copy_data(ss_tensor t, void* dst, int64_t nbytes) {
  SS_GUARD(false, {
    at::Tensor src = unwrap(t).detach().to(at::kCPU).contiguous();
    if (static_cast<int64_t>(src.nbytes()) != nbytes)
      throw std::invalid_argument("copy_data: destination holds " + std::to_string(nbytes) +
                                  " bytes but the tensor has " + std::to_string(src.nbytes()));
    if (nbytes > 0) std::memcpy(dst, src.data_ptr(), nbytes);
    return true;
  })
}

void ss_tensor_free(ss_tensor t) {
  if (t == nullptr) return;
  ss::live_tensors.fetch_sub(1, std::memory_order_relaxed);
  delete reinterpret_cast<at::Tensor*>(t);
}

ss_tensor ss_tensor_alias(ss_tensor t) { SS_GUARD(nullptr, { return wrap(unwrap(t)); }) }

int ss_tensor_dtype(ss_tensor t) {
  SS_GUARD(-1, { return static_cast<int>(unwrap(t).scalar_type()); })
}
int ss_tensor_ndim(ss_tensor t) { SS_GUARD(-1, { return static_cast<int>(unwrap(t).dim()); }) }

bool ss_tensor_shape(ss_tensor t, int64_t* out) {
  SS_GUARD(false, {
    auto sizes = unwrap(t).sizes();
    std::copy(sizes.begin(), sizes.end(), out);
    return true;
  })
}

int64_t ss_tensor_numel(ss_tensor t) { SS_GUARD(-1, { return unwrap(t).numel(); }) }

int ss_tensor_device_type(ss_tensor t) {
  SS_GUARD(-1, { return static_cast<int>(unwrap(t).device().type()); })
}
int ss_tensor_device_index(ss_tensor t) {
  SS_GUARD(-2, { return static_cast<int>(unwrap(t).device().index()); })
}

bool ss_tensor_item(ss_tensor t, double* out) {
  SS_GUARD(false, {
    *out = unwrap(t).item<double>();
    return true;
  })
}

bool ss_tensor_item_int(ss_tensor t, int64_t* out) {
  SS_GUARD(false, {
    *out = unwrap(t).item<int64_t>();
    return true;
  })
}

int ss_tensor_requires_grad(ss_tensor t) { SS_GUARD(-1, { return unwrap(t).requires_grad() ? 1 : 0; }) }

bool ss_tensor_set_requires_grad(ss_tensor t, bool requires_grad) {
  SS_GUARD(false, {
    unwrap(t).set_requires_grad(requires_grad);
    return true;
  })
}

int ss_tensor_is_leaf(ss_tensor t) { SS_GUARD(-1, { return unwrap(t).is_leaf() ? 1 : 0; }) }

ss_tensor ss_tensor_grad(ss_tensor t) {
  SS_GUARD(nullptr, {
    const at::Tensor& g = unwrap(t).grad();
    return g.defined() ? wrap(g) : nullptr;
  })
}

bool ss_tensor_set_grad(ss_tensor t, ss_tensor grad) {
  SS_GUARD(false, {
    unwrap(t).mutable_grad() = grad ? unwrap(grad) : at::Tensor();
    return true;
  })
}

bool ss_tensor_backward(ss_tensor t, ss_tensor grad, bool retain_graph, bool create_graph) {
  SS_GUARD(false, {
    at::Tensor g = grad ? unwrap(grad) : at::Tensor();
    unwrap(t).backward(g, retain_graph, create_graph);
    return true;
  })
}

bool ss_tensor_same(ss_tensor a, ss_tensor b) {
  SS_GUARD(false, { return unwrap(a).is_same(unwrap(b)); })
}
}
