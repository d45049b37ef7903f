// DistributedDataParallel's gradient synchronisation without Python: libtorch's c10d::Reducer
// hooks every parameter's gradient accumulator, fills buckets as gradients become ready during
// the backward pass, all-reduces each full bucket while the backward pass goes on, and writes
// the averages back into .grad. Buckets are assigned as torch/nn/parallel/distributed.py does.
#include "distributed.h"
#include <torch/csrc/distributed/c10d/logger.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>

#include <memory>

using ss::unwrap;
using ss::unwrap_group;

namespace {
// DDP's dist._DEFAULT_FIRST_BUCKET_BYTES: a small first bucket starts communication early.
constexpr int64_t kFirstBucketBytes = c10d::kDefaultFirstBucketBytes;

// The reducer and the logger DDP attaches to it. The reducer calls its logger without checking it
// exists when the set of unused parameters changes between iterations (Reducer::search_unused_parameters
// -> Logger::log_if_graph_static: U2PL's representation head is unused in the warm-up epochs and used
// after them); without one that call dereferences a null pointer. The reducer holds the logger weakly.
struct ReducerHandle {
  std::shared_ptr<c10d::Reducer> reducer;
  std::shared_ptr<c10d::Logger> logger;
};

c10d::Reducer& unwrap_reducer(ss_reducer r) {
  if (r == nullptr) throw std::invalid_argument("null reducer handle");
  return *reinterpret_cast<ReducerHandle*>(r)->reducer;
}

std::vector<at::Tensor> tensor_list(const ss_tensor* tensors, int n) {
  std::vector<at::Tensor> list;
  for (int k = 0; k < n; ++k) list.push_back(unwrap(tensors[k]));
  return list;
}
}  // namespace

extern "C" {
ss_reducer ss_reducer_new(ss_process_group g, const ss_tensor* params, int n, int64_t bucket_bytes_cap,
                          bool find_unused_parameters) {
  SS_GUARD(nullptr, {
    auto& group = unwrap_group(g);
    auto list = tensor_list(params, n);
    for (size_t k = 0; k < list.size(); ++k)
      if (!list[k].requires_grad())
        throw std::invalid_argument("parameter " + std::to_string(k) + " does not require grad; pass only trained parameters");
    std::vector<bool> sparse(list.size(), false);
    std::vector<size_t> limits{static_cast<size_t>(kFirstBucketBytes), static_cast<size_t>(bucket_bytes_cap)};
    auto assigned = c10d::compute_bucket_assignment_by_size(list, limits, sparse);
    // As DDP: buckets in reverse parameter order, since gradients arrive roughly back to front.
    auto buckets = std::get<0>(assigned);
    auto bucket_limits = std::get<1>(assigned);
    std::reverse(buckets.begin(), buckets.end());
    std::reverse(bucket_limits.begin(), bucket_limits.end());
    auto handle = std::make_unique<ReducerHandle>();
    handle->reducer = std::make_shared<c10d::Reducer>(list, buckets, bucket_limits, group.group, sparse, bucket_bytes_cap,
                                                      find_unused_parameters, /*gradient_as_bucket_view=*/false,
                                                      /*param_names=*/std::unordered_map<size_t, std::string>{}, kFirstBucketBytes);
    handle->logger = std::make_shared<c10d::Logger>(handle->reducer);
    handle->reducer->set_logger(handle->logger);
    return reinterpret_cast<ss_reducer>(handle.release());
  })
}

// As DDP's forward: rebuild the buckets once from the order gradients arrived in (a
// collective when it happens), then note the start of the iteration.
bool ss_reducer_prepare_for_forward(ss_reducer r) {
  SS_GUARD(false, {
    auto& reducer = unwrap_reducer(r);
    reducer.rebuild_buckets();
    reducer.prepare_for_forward();
    return true;
  })
}

// Called after the forward pass, before backward, with the outputs the loss is built from:
// with find_unused_parameters the reducer walks their graph and marks every parameter it
// does not reach as ready, so the buckets complete without it.
bool ss_reducer_prepare_for_backward(ss_reducer r, const ss_tensor* outputs, int n) {
  SS_GUARD(false, {
    unwrap_reducer(r).prepare_for_backward(tensor_list(outputs, n));
    return true;
  })
}

void ss_reducer_free(ss_reducer r) {
  try {
    auto* handle = reinterpret_cast<ReducerHandle*>(r);
    handle->logger.reset();   // it holds the reducer too
    delete handle;
  } catch (...) {
    // ~Reducer may throw (noexcept(false)); nothing can be done with it here.
  }
}
}
