#include "core/eval/quadrature.h"

#include <torch/nn.h>

#include <algorithm>
#include <cmath>

namespace jem {

at::Tensor grid_centres(const Box& box, int res, const at::TensorOptions& opt) {
  at::Tensor xs = box.x0 + (at::arange(res, opt.dtype(at::kDouble)) + 0.5) * (double(box.width()) / res);
  at::Tensor ys = box.y0 + (at::arange(res, opt.dtype(at::kDouble)) + 0.5) * (double(box.height()) / res);
  return at::stack({xs.repeat({res}), ys.repeat_interleave(res)}, 1).to(opt.dtype());
}

// g on the grid in chunks (bounded memory at high resolution), as doubles.
at::Tensor eval_on_grid(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt) {
  torch::NoGradGuard no_grad;
  at::Tensor pts = grid_centres(box, res, opt);
  std::vector<at::Tensor> parts;
  const int64_t chunk = 65536;
  for (int64_t i = 0; i < pts.size(0); i += chunk)
    parts.push_back(g(pts.narrow(0, i, std::min(chunk, pts.size(0) - i))).to(at::kDouble));
  return at::cat(parts);
}

double log_cell_area(const Box& box, int res) {
  return std::log(double(box.width()) / res) + std::log(double(box.height()) / res);
}

double log_partition_of(const at::Tensor& values, const Box& box, int res) {
  return at::logsumexp(values.to(at::kDouble), 0).item<double>() + log_cell_area(box, res);
}

double log_partition_at(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt) {
  return log_partition_of(eval_on_grid(g, box, res, opt), box, res);
}

LogPartition log_partition(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt) {
  LogPartition r;
  r.res = res;
  r.log_z = log_partition_at(g, box, res, opt);
  // The integrand is evaluated in the model's float precision: below ~1e-6 the difference of
  // the two sums is rounding, not discretisation, so that is the floor of the estimate.
  r.error = std::max(std::abs(r.log_z - log_partition_at(g, box, std::max(1, res / 2), opt)), 1e-6);
  return r;
}

DensityComparison compare_densities(const LogDensityFn& log_p_true, const LogDensityFn& g, double log_z,
                                    const Box& box, int res, const at::TensorOptions& opt) {
  return compare_on_grid(eval_on_grid(log_p_true, box, res, opt), eval_on_grid(g, box, res, opt) - log_z, box, res);
}

TemperedDensity tempered_density(double beta, const at::Tensor& f_grid, const at::Tensor& f_half,
                                 const at::Tensor& log_true, const Box& box, int res) {
  TemperedDensity r{NAN, NAN, NAN};
  if (!std::isfinite(beta)) return r;
  r.log_z = log_partition_of(beta * f_grid, box, res);
  // The integrand is evaluated in float: below ~1e-6 the two sums differ by rounding only.
  r.log_z_error = std::max(std::abs(r.log_z - log_partition_of(beta * f_half, box, std::max(1, res / 2))), 1e-6);
  if (log_true.defined()) r.kl = compare_on_grid(log_true, beta * f_grid - r.log_z, box, res).kl;
  return r;
}

DensityComparison compare_on_grid(const at::Tensor& log_true, const at::Tensor& log_model, const Box& box, int res) {
  at::Tensor lt = log_true.to(at::kDouble), lm = log_model.to(at::kDouble);
  at::Tensor w = at::exp(lt + log_cell_area(box, res));  // p_true mass per cell
  // Cells where p_true underflows to zero contribute nothing (0 log 0 = 0).
  at::Tensor live = w > 0;
  at::Tensor wl = w.index({live});
  DensityComparison c;
  c.true_mass = w.sum().item<double>();
  c.entropy_true = -(wl * lt.index({live})).sum().item<double>() / c.true_mass;
  c.kl = (wl * (lt.index({live}) - lm.index({live}))).sum().item<double>() / c.true_mass;
  return c;
}

}  // namespace jem
