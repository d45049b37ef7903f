// Debian's libtorch-dev 1.13 ships c10d/reducer.hpp but not the distributed-autograd header it
// includes. The Reducer only names two things from it: the context pointer type of a member it
// never touches without distributed autograd (a shared_ptr and an atomic raw pointer, whose layout
// does not depend on the pointee) and the gradient callback type, checked by a static_assert.
// CMakeLists.txt puts this folder on reducer.cpp's include path only when the real header is absent.
#pragma once
#include <functional>
#include <memory>
#include <ATen/core/Tensor.h>

namespace torch {
namespace distributed {
namespace autograd {
class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};
using ContextPtr = std::shared_ptr<DistAutogradContext>;
}  // namespace autograd
}  // namespace distributed
}  // namespace torch
