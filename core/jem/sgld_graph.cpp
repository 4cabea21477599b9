#include "core/jem/sgld_graph.h"

#include <ATen/autocast_mode.h>
#include <torch/nn.h>

#include <vector>

#include "core/model/energy_net.h"
#include "core/model/precision.h"
#include "core/util/error.h"

#ifdef JEMLAB_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace jem {

bool cuda_graphs_built() {
#ifdef JEMLAB_CUDA
  return true;
#else
  return false;
#endif
}

bool graph_eligible(const SgldParams& p, const at::Tensor& x0) {
  return x0.is_cuda() && !p.mala && p.record == 0 && p.trace == nullptr && p.n_steps > 0;
}

#ifdef JEMLAB_CUDA
namespace {

// Everything a captured graph bakes in: a change in any of these needs a new capture.
struct GraphKey {
  std::vector<int64_t> shape;
  at::ScalarType dtype = at::kFloat;
  bool conditional = false, autocast = false, clamped = false;
  int n_steps = 0;
  double step = 0, noise_std = 0, clip_grad = 0;
  const void* net = nullptr;
  std::vector<const void*> weights;  // data pointers: a rebuilt or reloaded model moves them
  bool operator==(const GraphKey& o) const {
    return shape == o.shape && dtype == o.dtype && conditional == o.conditional && autocast == o.autocast &&
           clamped == o.clamped && n_steps == o.n_steps && step == o.step &&
           noise_std == o.noise_std && clip_grad == o.clip_grad && net == o.net && weights == o.weights;
  }
};

GraphKey key_of(EnergyNet& net, bool autocast, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p) {
  GraphKey k;
  k.shape = x0.sizes().vec();
  k.dtype = x0.scalar_type();
  k.conditional = y.defined();
  k.autocast = autocast;
  k.clamped = p.lo.defined();
  k.n_steps = p.n_steps;
  k.step = p.step, k.noise_std = p.noise_std, k.clip_grad = p.clip_grad;
  k.net = &net;
  for (const at::Tensor& w : net.parameters()) k.weights.push_back(w.data_ptr());
  for (const at::Tensor& b : net.buffers()) k.weights.push_back(b.data_ptr());
  if (k.clamped) k.weights.push_back(p.lo.data_ptr()), k.weights.push_back(p.hi.data_ptr());
  return k;
}

// The captured body: run_sgld's loop on the static tensors, in the same order of operations.
// No host synchronisation may happen here: the gradient norms add up on the device.
void chain_steps(EnergyNet& net, at::Tensor& x, const at::Tensor& y, const at::Tensor& noise, at::Tensor& norms,
                 const SgldParams& p) {
  torch::NoGradGuard no_grad;
  norms.zero_();
  for (int t = 0; t < p.n_steps; ++t) {
    auto [g, sc] = net.score(x, y);
    if (p.clip_grad > 0) g = g.clamp(-p.clip_grad, p.clip_grad);
    norms.add_(g.flatten(1).norm(2, 1).sum().to(norms.scalar_type()));
    x.add_(g, p.step);
    if (noise.defined()) x.add_(noise[t]);
    if (p.lo.defined()) x.copy_(at::minimum(at::maximum(x, p.lo), p.hi));
  }
}

}  // namespace
#endif

struct SgldGraph::Impl {
  int captures = 0;
#ifdef JEMLAB_CUDA
  GraphKey key;
  at::Tensor x, y, noise, norms;  // the graph's static inputs and outputs
  std::unique_ptr<at::cuda::CUDAGraph> graph;

  void capture(EnergyNet& net, bool autocast, const at::Tensor& x0, const SgldParams& p) {
    graph.reset();
    c10::cuda::device_synchronize();  // the static tensors were filled on the current stream
    c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, x0.device().index());
    {
      c10::cuda::CUDAStreamGuard on_side(side);
      AutocastScope amp(x0.device(), autocast);
      // Autocast's cast cache would keep weight casts made during capture: each replay must
      // cast the weights as they are then.
      const bool cache = at::autocast::is_autocast_cache_enabled();
      at::autocast::set_autocast_cache_enabled(false);
      at::Tensor x_in = x.clone();
      chain_steps(net, x, y, noise, norms, p);  // warm-up: cuDNN plans, cuBLAS workspaces
      x.copy_(x_in);
      side.synchronize();
      graph = std::make_unique<at::cuda::CUDAGraph>();
      graph->capture_begin();
      chain_steps(net, x, y, noise, norms, p);
      graph->capture_end();
      at::autocast::set_autocast_cache_enabled(cache);  // capture runs no kernel: x is still x0
    }
    c10::cuda::device_synchronize();
    ++captures;
  }
#endif
};

SgldGraph::SgldGraph() : impl_(std::make_unique<Impl>()) {}
SgldGraph::~SgldGraph() = default;
int SgldGraph::captures() const { return impl_->captures; }

SgldResult SgldGraph::run(EnergyNet& net, bool autocast, const at::Tensor& x0, const at::Tensor& y,
                          const SgldParams& p, at::Generator& gen) {
#ifdef JEMLAB_CUDA
  Impl& g = *impl_;
  if (!graph_eligible(p, x0)) throw Error("cuda_graphs: these chains cannot run as a graph");
  GraphKey key = key_of(net, autocast, x0, y, p);
  const bool fresh = !g.graph || !(key == g.key);
  if (fresh) {
    g.x = at::empty_like(x0);
    g.y = y.defined() ? at::empty_like(y) : at::Tensor();
    g.noise = p.noise_std > 0 ? at::empty({p.n_steps, x0.size(0), x0.size(1)}, x0.options()) : at::Tensor();
    g.norms = at::zeros({}, x0.options().dtype(at::kDouble));
  }
  g.x.copy_(x0.detach());
  if (y.defined()) g.y.copy_(y);
  // run_sgld's draw: randn(shape, gen) * noise_std, as one normal_ then a multiply.
  if (g.noise.defined()) g.noise.normal_(0, 1, gen).mul_(p.noise_std);
  if (fresh) {
    g.capture(net, autocast, x0, p);
    g.key = std::move(key);
  }
  g.graph->replay();
  SgldResult r;
  r.x = g.x.clone();
  r.mean_grad_norm = g.norms.item<double>() / (double(x0.size(0)) * p.n_steps);
  return r;
#else
  (void)net, (void)autocast, (void)x0, (void)y, (void)p, (void)gen;
  throw Error("cuda_graphs: this jemlab was built without CUDA");
#endif
}

}  // namespace jem
