// Where fresh SGLD chains start: uniform over the data box, a per-class Gaussian fitted to the
// data (mean + covariance, as JEM++; diagonal above 64 dimensions, where a full covariance of
// images would cost hundreds of megabytes), or a data point plus noise.
#pragma once
#include <ATen/ATen.h>

#include <string>


namespace jem {

class ChainInit {
 public:
  ChainInit() = default;
  // x: [N,D] data, y: [N] labels, lo/hi: [D] corners of the box uniform chains start in;
  // statistics are computed once here, on x's device. x is kept by reference, not copied.
  ChainInit(const at::Tensor& x, const at::Tensor& y, int n_classes, const at::Tensor& lo, const at::Tensor& hi);

  // n fresh points; with y defined ([n] labels) the Gaussian and data modes draw from that class.
  at::Tensor sample(int64_t n, const at::Tensor& y, const std::string& mode, double init_noise,
                    at::Generator& gen) const;

  const at::Tensor& lo() const { return lo_; }
  const at::Tensor& hi() const { return hi_; }
  const at::Tensor& class_mean() const { return mean_; }
  const at::Tensor& class_chol() const { return chol_; }  // [K,D,D]; undefined when diagonal

 private:
  at::Tensor pick_class_members(const at::Tensor& y, at::Generator& gen) const;

  at::Tensor lo_, hi_;          // [D] box corners
  at::Tensor mean_, chol_, std_;  // [K,D], [K,D,D] or [K,D]: per-class Gaussian
  at::Tensor prior_;            // [K] class frequencies
  at::Tensor x_, by_class_;     // the data [N,D] and its row indices sorted by class [N]
  at::Tensor class_start_, class_count_;  // [K] offsets into by_class_
};

}  // namespace jem
