// The process group handle shared by the distributed exports (distributed.cpp, reducer.cpp,
// sync_batch_norm.cpp): libtorch's c10d store and process group, and the collective timeout.
#pragma once
#include <chrono>
#include <string>
#include <vector>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include "errors.h"

namespace ss {
struct ProcessGroupHandle {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  std::chrono::milliseconds timeout;
  std::string backend;
};

inline ProcessGroupHandle& unwrap_group(ss_process_group g) {
  if (g == nullptr) throw std::invalid_argument("null process group handle");
  return *reinterpret_cast<ProcessGroupHandle*>(g);
}

// Waits for a collective; a timeout or a lost peer surfaces as libtorch's exception.
void wait_for(ProcessGroupHandle& g, const c10::intrusive_ptr<c10d::Work>& work, const char* what);

// Sums `t` over the ranks in place.
void all_reduce_sum(ProcessGroupHandle& g, at::Tensor& t);

// Every rank's tensor, concatenated along dim 0 in rank order; dim 0 may differ per rank.
at::Tensor all_gather_cat(ProcessGroupHandle& g, const at::Tensor& t);
}  // namespace ss
