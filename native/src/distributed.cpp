// Process groups over libtorch's c10d: a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT (the
// store torchrun's agent hosts, or one that rank 0 hosts), Gloo on CPU, NCCL where the native
// layer was built against a CUDA libtorch, and the collectives the trainer needs.
#include "distributed.h"
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#ifdef SS_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

using ss::unwrap;
using ss::unwrap_group;
using ss::wrap;

namespace ss {
void wait_for(ProcessGroupHandle& g, const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
  try {
    work->wait(g.timeout);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(what) + " failed on rank " + std::to_string(g.group->getRank()) +
                             " of " + std::to_string(g.group->getSize()) + ": " + describe_current_exception());
  }
}

void all_reduce_sum(ProcessGroupHandle& g, at::Tensor& t) {
  std::vector<at::Tensor> tensors{t};
  wait_for(g, g.group->allreduce(tensors), "all_reduce");
}

at::Tensor all_gather_cat(ProcessGroupHandle& g, const at::Tensor& t) {
  const int world = g.group->getSize();
  // Rows differ per rank (each rank keeps what its own batch selected): gather the row
  // counts first, pad every rank's rows to the largest, gather, then drop the padding.
  std::vector<at::Tensor> size_in{at::full({1}, t.size(0), t.options().dtype(at::kLong))};
  std::vector<std::vector<at::Tensor>> size_out(1);
  for (int r = 0; r < world; ++r) size_out[0].push_back(at::empty({1}, size_in[0].options()));
  wait_for(g, g.group->allgather(size_out, size_in), "all_gather (row counts)");
  std::vector<int64_t> rows;
  int64_t most = 0;
  for (auto& s : size_out[0]) {
    rows.push_back(s.item<int64_t>());
    most = std::max(most, rows.back());
  }
  auto padded_shape = t.sizes().vec();
  padded_shape[0] = most;
  at::Tensor padded = at::zeros(padded_shape, t.options());
  padded.narrow(0, 0, t.size(0)).copy_(t.detach());
  std::vector<at::Tensor> in{padded};
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < world; ++r) out[0].push_back(at::empty(padded_shape, t.options()));
  wait_for(g, g.group->allgather(out, in), "all_gather");
  std::vector<at::Tensor> parts;
  for (int r = 0; r < world; ++r) parts.push_back(out[0][r].narrow(0, 0, rows[r]));
  return at::cat(parts, 0);
}
}  // namespace ss

namespace {
// libtorch 2.4 added a libuv TCPStore and made it the default (TCPStoreOptions::useLibUV); a libtorch built
// without libuv (Debian 13's 2.6) then refuses to start a store. The classic socket store exists in every
// version and does all the rendezvous needs, so it is asked for wherever the option exists.
template <typename Options, typename = void>
struct HasUseLibUV : std::false_type {};
template <typename Options>
struct HasUseLibUV<Options, std::void_t<decltype(std::declval<Options&>().useLibUV)>> : std::true_type {};

template <typename Options>
void use_plain_sockets(Options& options) {
  if constexpr (HasUseLibUV<Options>::value) options.useLibUV = false;
}

c10::intrusive_ptr<c10d::Store> rendezvous(const std::string& host, int port, int world_size, int rank,
                                           bool agent_hosts_store, const std::string& prefix,
                                           std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(port);
  // Under torchrun the agent already serves the store at MASTER_PORT; every worker is a client.
  options.isServer = rank == 0 && !agent_hosts_store;
  options.numWorkers = static_cast<std::size_t>(world_size);
  options.waitWorkers = false;
  options.timeout = timeout;
  use_plain_sockets(options);
  auto store = c10::make_intrusive<c10d::TCPStore>(host, options);
  // A prefix per attempt keeps a restarted job from reading the keys of the one before.
  return c10::make_intrusive<c10d::PrefixStore>(prefix, store);
}

// libtorch 1.x: ProcessGroupGloo and ProcessGroupNCCL are process groups themselves. libtorch 2.x: they
// are backends (c10d::Backend) that a c10d::ProcessGroup dispatches to by device type, which is how
// torch.distributed builds a group there; the Reducer and our collectives take the ProcessGroup.
// PG is a template parameter so that only the constructor this libtorch has is instantiated (2.0-2.4
// take an Options object, later versions do not).
template <typename Impl, typename PG = c10d::ProcessGroup>
c10::intrusive_ptr<PG> as_process_group(const c10::intrusive_ptr<c10d::Store>& store, int rank, int world_size,
                                        c10::intrusive_ptr<Impl> impl, bool nccl, std::chrono::milliseconds timeout) {
#if TORCH_VERSION_MAJOR >= 2
  c10::intrusive_ptr<PG> group;
  if constexpr (std::is_constructible_v<PG, c10::intrusive_ptr<c10d::Store>, int, int>) {
    group = c10::make_intrusive<PG>(store, rank, world_size);
  } else {
    group = c10::make_intrusive<PG>(store, rank, world_size,
                                    c10::make_intrusive<typename PG::Options>(nccl ? "nccl" : "gloo", timeout));
  }
  const auto type = nccl ? PG::BackendType::NCCL : PG::BackendType::GLOO;
  c10::intrusive_ptr<c10d::Backend> backend = impl;
  group->setBackend(nccl ? c10::DeviceType::CUDA : c10::DeviceType::CPU, type, backend);
  group->setDefaultBackend(type);
  return group;
#else
  (void)store, (void)rank, (void)world_size, (void)nccl, (void)timeout;
  return impl;
#endif
}

c10::intrusive_ptr<c10d::ProcessGroup> make_gloo(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                 int world_size, std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // As torch.distributed: GLOO_SOCKET_IFNAME names the interface, else the hostname's address
  // (falling back to loopback when the hostname does not resolve).
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  options->devices.push_back(ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                               : c10d::ProcessGroupGloo::createDefaultDevice());
  options->threads = 2;
  return as_process_group(store, rank, world_size, c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, options),
                          /*nccl=*/false, timeout);
}

c10::intrusive_ptr<c10d::ProcessGroup> make_nccl(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                 int world_size, std::chrono::milliseconds timeout) {
#ifdef SS_WITH_NCCL
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return as_process_group(store, rank, world_size, c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world_size, options),
                          /*nccl=*/true, timeout);
#else
  throw std::invalid_argument(
      "backend 'nccl' needs a native layer built against a CUDA libtorch with NCCL; this build is CPU-only: use 'gloo'");
#endif
}

c10d::ReduceOp reduce_op(int op) {
  switch (op) {
    case 0: return c10d::ReduceOp::SUM;
    case 1: return c10d::ReduceOp::PRODUCT;
    case 2: return c10d::ReduceOp::MIN;
    case 3: return c10d::ReduceOp::MAX;
    default: throw std::invalid_argument("reduce op " + std::to_string(op) + " is not 0 sum, 1 product, 2 min or 3 max");
  }
}
}  // namespace

extern "C" {
bool ss_nccl_available(void) {
#ifdef SS_WITH_NCCL
  return true;
#else
  return false;
#endif
}

ss_process_group ss_pg_new(const char* backend, const char* master_addr, int master_port, int world_size, int rank,
                           bool agent_hosts_store, const char* store_prefix, int64_t timeout_ms) {
  SS_GUARD(nullptr, {
    if (world_size < 1 || rank < 0 || rank >= world_size)
      throw std::invalid_argument("rank " + std::to_string(rank) + " is outside world size " + std::to_string(world_size));
    if (master_port < 1 || master_port > 65535)
      throw std::invalid_argument("master port " + std::to_string(master_port) + " is not in 1..65535");
    if (timeout_ms < 1) throw std::invalid_argument("timeout must be positive, got " + std::to_string(timeout_ms) + " ms");
    std::string name = backend ? backend : "";
    if (name != "gloo" && name != "nccl") throw std::invalid_argument("backend '" + name + "' is not 'gloo' or 'nccl'");
    std::chrono::milliseconds timeout(timeout_ms);
    auto handle = std::make_unique<ss::ProcessGroupHandle>();
    handle->timeout = timeout;
    handle->backend = name;
    handle->store = rendezvous(master_addr ? master_addr : "", master_port, world_size, rank, agent_hosts_store,
                               store_prefix ? store_prefix : "", timeout);
    handle->group = name == "gloo" ? make_gloo(handle->store, rank, world_size, timeout)
                                   : make_nccl(handle->store, rank, world_size, timeout);
    return reinterpret_cast<ss_process_group>(handle.release());
  })
}

void ss_pg_free(ss_process_group g) { delete reinterpret_cast<ss::ProcessGroupHandle*>(g); }

int ss_pg_rank(ss_process_group g) {
  SS_GUARD(-1, { return unwrap_group(g).group->getRank(); })
}

int ss_pg_size(ss_process_group g) {
  SS_GUARD(-1, { return unwrap_group(g).group->getSize(); })
}

bool ss_pg_all_reduce(ss_process_group g, ss_tensor t, int op) {
  SS_GUARD(false, {
    auto& group = unwrap_group(g);
    c10d::AllreduceOptions options;
    options.reduceOp = reduce_op(op);
    std::vector<at::Tensor> tensors{unwrap(t)};
    ss::wait_for(group, group.group->allreduce(tensors, options), "all_reduce");
    return true;
  })
}

bool ss_pg_broadcast(ss_process_group g, ss_tensor t, int root) {
  SS_GUARD(false, {
    auto& group = unwrap_group(g);
    c10d::BroadcastOptions options;
    options.rootRank = root;
    std::vector<at::Tensor> tensors{unwrap(t)};
    ss::wait_for(group, group.group->broadcast(tensors, options), "broadcast");
    return true;
  })
}

bool ss_pg_broadcast_coalesced(ss_process_group g, const ss_tensor* tensors, int n, int root, int64_t buffer_bytes) {
  SS_GUARD(false, {
    auto& group = unwrap_group(g);
    std::vector<at::Tensor> list;
    for (int k = 0; k < n; ++k) list.push_back(unwrap(tensors[k]));
    // DDP's _sync_module_states: flattened into buffers of at most buffer_bytes each.
    c10d::broadcast_coalesced(group.group, list, static_cast<size_t>(buffer_bytes), root);
    return true;
  })
}

ss_tensor ss_pg_all_gather(ss_process_group g, ss_tensor t) {
  SS_GUARD(nullptr, { return wrap(ss::all_gather_cat(unwrap_group(g), unwrap(t))); })
}

bool ss_pg_barrier(ss_process_group g) {
  SS_GUARD(false, {
    auto& group = unwrap_group(g);
    ss::wait_for(group, group.group->barrier(), "barrier");
    return true;
  })
}
}
