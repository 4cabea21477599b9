// Exact normalisation in 2D: log Z = log of the integral of exp(g(x)) over a box, by the midpoint
// rule on res x res cells (a logsumexp over cells plus log cell area). Its error is estimated
// from the same sum on a grid of half the resolution.
#pragma once
#include <ATen/ATen.h>

#include <functional>

#include "core/data/box.h"

namespace jem {

using LogDensityFn = std::function<at::Tensor(const at::Tensor&)>;  // [N,2] -> [N] unnormalised log density

at::Tensor grid_centres(const Box& box, int res, const at::TensorOptions& opt);  // [res*res, 2], y outer

struct LogPartition {
  double log_z = 0;
  double error = 0;  // |log Z(res) - log Z(res/2)|: a bound for a smooth integrand (midpoint error ~ h^2)
  int res = 0;
};

// g at the res x res cell centres over box (chunked), as doubles [res*res].
at::Tensor eval_on_grid(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt);
double log_cell_area(const Box& box, int res);
// log of the integral of exp(v) given v at the res x res cell centres: logsumexp(v) + log area.
double log_partition_of(const at::Tensor& values, const Box& box, int res);

double log_partition_at(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt);
LogPartition log_partition(const LogDensityFn& g, const Box& box, int res, const at::TensorOptions& opt);

struct DensityComparison {
  double entropy_true = 0;  // H(p_true) = -int p_true log p_true
  double kl = 0;            // KL(p_true || p_model)
  double true_mass = 0;     // p_true's mass inside the box (1 when the box covers it)
};

// Both by quadrature on one grid, from log p_true and log p_model (normalised) at its cells.
DensityComparison compare_on_grid(const at::Tensor& log_true, const at::Tensor& log_model, const Box& box, int res);
// exp(beta f) normalised on the grid, from f at the res (f_grid) and res/2 (f_half) cell centres:
// its log Z_beta with the error estimate, and KL(p_true || exp(beta f) / Z_beta) when log_true
// (at the res cells) is defined, else NaN. All NaN for an infinite beta.
struct TemperedDensity {
  double log_z, log_z_error, kl;
};
TemperedDensity tempered_density(double beta, const at::Tensor& f_grid, const at::Tensor& f_half,
                                 const at::Tensor& log_true, const Box& box, int res);

// Both by quadrature on the same grid; p_model is g normalised by log_z over the box.
DensityComparison compare_densities(const LogDensityFn& log_p_true, const LogDensityFn& g, double log_z,
                                    const Box& box, int res, const at::TensorOptions& opt);

}  // namespace jem
