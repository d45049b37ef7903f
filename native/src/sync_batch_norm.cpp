// SyncBatchNorm as an autograd function (torch/nn/modules/_functions.py, SyncBatchNorm): the
// batch statistics of every rank are gathered and combined per channel, and the two sums the
// backward pass needs (of dy and of dy * (x - mean)) are all-reduced, so that N ranks holding
// parts of a batch compute what BatchNorm computes on the whole batch. Plain ATen operators,
// so it runs on CPU (Gloo) and CUDA (NCCL) alike. Weight and bias gradients stay local, as in
// PyTorch: DDP's gradient averaging is what combines them.
#include "distributed.h"
#include <torch/autograd.h>

using ss::unwrap;
using ss::unwrap_group;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {
// Every dimension but the channel one, and a shape that broadcasts a (C) vector over input.
std::vector<int64_t> reduced_dims(const at::Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

at::Tensor per_channel(const at::Tensor& v, const at::Tensor& like) {
  std::vector<int64_t> shape(like.dim(), 1);
  shape[1] = v.size(0);
  return v.view(shape);
}

struct SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, at::Tensor running_mean, at::Tensor running_var,
                            double momentum, double eps, int64_t group_address) {
    auto& group = *reinterpret_cast<ss::ProcessGroupHandle*>(group_address);
    const int64_t channels = input.size(1);
    auto dims = reduced_dims(input);
    const auto stat_type = input.scalar_type() == at::kHalf || input.scalar_type() == at::kBFloat16 ? at::kFloat : input.scalar_type();
    at::Tensor x = input.to(stat_type);
    at::Tensor local_mean = x.mean(dims);
    at::Tensor local_var = x.var(dims, /*unbiased=*/false);
    at::Tensor local_count = at::full({1}, static_cast<double>(x.numel() / channels), local_mean.options());
    // One row per rank: (mean, biased variance, count), combined as parallel variance does.
    at::Tensor rows = ss::all_gather_cat(group, at::cat({local_mean, local_var, local_count}).unsqueeze(0));
    at::Tensor means = rows.narrow(1, 0, channels);
    at::Tensor vars = rows.narrow(1, channels, channels);
    at::Tensor counts = rows.narrow(1, 2 * channels, 1);
    const double total = counts.sum().item<double>();
    TORCH_CHECK(total > 1, "SyncBatchNorm needs more than one value per channel over all ranks, got ", total);
    at::Tensor mean = (means * counts).sum(0) / total;
    at::Tensor var = ((vars + (means - mean).pow(2)) * counts).sum(0) / total;
    at::Tensor invstd = (var + eps).rsqrt();
    if (running_mean.defined()) {
      at::NoGradGuard no_grad;
      running_mean.mul_(1 - momentum).add_(mean.to(running_mean.scalar_type()), momentum);
      running_var.mul_(1 - momentum).add_((var * (total / (total - 1))).to(running_var.scalar_type()), momentum);
    }
    ctx->save_for_backward({input, weight, mean, invstd});
    ctx->saved_data["total"] = total;
    ctx->saved_data["group"] = group_address;
    at::Tensor y = (x - per_channel(mean, x)) * per_channel(invstd * weight.to(stat_type), x) + per_channel(bias.to(stat_type), x);
    return y.to(input.scalar_type());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &input = saved[0], &weight = saved[1], &mean = saved[2], &invstd = saved[3];
    const double total = ctx->saved_data["total"].toDouble();
    auto& group = *reinterpret_cast<ss::ProcessGroupHandle*>(ctx->saved_data["group"].toInt());
    const auto stat_type = mean.scalar_type();
    at::Tensor dy = grad_outputs[0].to(stat_type);
    at::Tensor xmu = input.to(stat_type) - per_channel(mean, dy);
    auto dims = reduced_dims(dy);
    at::Tensor sum_dy = dy.sum(dims);
    at::Tensor sum_dy_xmu = (dy * xmu).sum(dims);
    at::Tensor grad_weight = (sum_dy_xmu * invstd).to(weight.scalar_type());
    at::Tensor grad_bias = sum_dy.to(weight.scalar_type());
    // The input gradient needs both sums over the whole batch: one all-reduce for the two.
    at::Tensor sums = at::cat({sum_dy, sum_dy_xmu});
    ss::all_reduce_sum(group, sums);
    const int64_t channels = mean.size(0);
    at::Tensor mean_dy = sums.narrow(0, 0, channels) / total;
    at::Tensor mean_dy_xmu = sums.narrow(0, channels, channels) / total;
    at::Tensor grad_input = (dy - per_channel(mean_dy, dy) - xmu * per_channel(invstd * invstd * mean_dy_xmu, dy)) *
                            per_channel(invstd * weight.to(stat_type), dy);
    return {grad_input.to(input.scalar_type()), grad_weight, grad_bias, at::Tensor(), at::Tensor(),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

extern "C" {
ss_tensor ss_sync_batch_norm(ss_process_group g, ss_tensor input, ss_tensor weight, ss_tensor bias,
                             ss_tensor running_mean, ss_tensor running_var, double momentum, double eps) {
  SS_GUARD(nullptr, {
    auto& group = unwrap_group(g);
    const at::Tensor& x = unwrap(input);
    if (x.dim() < 2) throw std::invalid_argument("SyncBatchNorm expects (N, C, ...) input, got " + std::to_string(x.dim()) + " dimensions");
    at::Tensor rm = running_mean ? unwrap(running_mean) : at::Tensor();
    at::Tensor rv = running_var ? unwrap(running_var) : at::Tensor();
    auto address = reinterpret_cast<int64_t>(&group);
    return ss::wrap(SyncBatchNormFunction::apply(x, unwrap(weight), unwrap(bias), rm, rv, momentum, eps, address));
  })
}
}
