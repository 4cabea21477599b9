// Where fresh SGLD chains start: uniform over the data box, a per-class Gaussian fitted to the
// data (mean + covariance, as JEM++), or a data point plus noise.
#pragma once
#include <ATen/ATen.h>

#include <string>

#include "core/data/toy2d.h"

namespace jem {

class ChainInit {
 public:
  ChainInit() = default;
  // x: [N,D] data, y: [N] labels; statistics are computed once here, on x's device.
  ChainInit(const at::Tensor& x, const at::Tensor& y, int n_classes, const Box& box);

  // n fresh points; with y defined ([n] labels) the Gaussian and data modes draw from that class.
  at::Tensor sample(int64_t n, const at::Tensor& y, const std::string& mode, double init_noise,
                    at::Generator& gen) const;

  const at::Tensor& lo() const { return lo_; }
  const at::Tensor& hi() const { return hi_; }
  const at::Tensor& class_mean() const { return mean_; }
  const at::Tensor& class_chol() const { return chol_; }

 private:
  at::Tensor pick_class_members(const at::Tensor& y, at::Generator& gen) const;

  at::Tensor lo_, hi_;          // [D] box corners
  at::Tensor mean_, chol_;      // [K,D], [K,D,D] per-class Gaussian
  at::Tensor prior_;            // [K] class frequencies
  at::Tensor x_sorted_;         // data sorted by class, [N,D]
  at::Tensor class_start_, class_count_;  // [K] offsets into x_sorted_
};

}  // namespace jem
