// Stochastic-gradient Langevin dynamics: x += step * grad_x s(x) + noise, for any score s.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <limits>
#include <utility>

namespace jem {

// {d s_i / d x_i, s_i} for a batch of points; y (optional) picks class-conditional scores.
using ScoreFn = std::function<std::pair<at::Tensor, at::Tensor>(const at::Tensor& x, const at::Tensor& y)>;

// Every step of every chain, for the flight recorder: filled when SgldParams::trace is set.
struct SgldTrace {
  bool keep_x = true;     // positions too (small dimensions only: images would cost megabytes)
  at::Tensor x;           // [n_steps+1, B, D] positions
  at::Tensor energy;      // [n_steps, B] E at each step's start (-score)
  at::Tensor grad_norm;   // [n_steps, B] ||grad_x score|| (after clipping)
  at::Tensor noise_norm;  // [n_steps, B] ||noise||
};

struct SgldParams {
  double step = 0.1;
  double noise_std = 0.01;
  int n_steps = 20;
  double clip_grad = 0;     // 0: off
  at::Tensor lo, hi;        // defined: clamp chains to the box after every step
  int record = 0;           // rows [0, record) store every step's position
  bool split_chains = true; // CPU: blocks of chains side by side (hand-written scores only)
  // Metropolis-adjusted Langevin: propose x' = x + step g + sqrt(2 step) N(0, I), accept with the
  // exact proposal ratio; noise_std is ignored and the target is exp(s). With lo/hi a proposal
  // outside the box is rejected (the target restricted to the box) instead of clamped.
  bool mala = false;
  SgldTrace* trace = nullptr;
};

struct SgldResult {
  at::Tensor x;             // [B,D] final positions
  at::Tensor trajectory;    // [n_steps+1, record, D] when record > 0
  double mean_grad_norm = 0;  // mean over chains and steps of ||grad_x s||
  double accept_rate = std::numeric_limits<double>::quiet_NaN();  // MALA: accepted / proposed
};

// Chains are independent, so on the CPU each thread advances its own block of chains through
// every step (no synchronisation inside the loop); the noise is drawn up front from `gen`.
// With p.mala the chains run MALA instead (same threading, noise drawn up front as well).
SgldResult run_sgld(const ScoreFn& score, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                    at::Generator& gen);
SgldResult run_mala(const ScoreFn& score, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                    at::Generator& gen);

// What both samplers share: the recordings' step 0 (r.x set) and the split into blocks of chains.
namespace chain_loop {
// Allocates r.trajectory for the first `record` chains and p.trace's arrays, with step 0 taken
// from r.x; the trace's noise norms are those of noise [n_steps, B, D] times noise_scale (zeros
// when undefined).
void start_recording(SgldResult& r, const SgldParams& p, int record, const at::Tensor& noise, double noise_scale);
// advance(begin, end) over all B chains: on the CPU with split_chains, blocks of kChainsPerBlock
// chains that the threads take as they come free (chains are independent, so no step needs a
// barrier; core/util/parallel_blocks.h), else one call. A block's chains, and so every chain,
// come out the same whatever the thread count.
constexpr int64_t kChainsPerBlock = 64;  // a multiple of the product's 16 columns
int64_t chain_blocks(const SgldParams& p, const at::Tensor& x0);  // calls advance() makes
void for_chain_blocks(const SgldParams& p, const at::Tensor& x0, const std::function<void(int64_t, int64_t)>& advance);
}  // namespace chain_loop

}  // namespace jem
