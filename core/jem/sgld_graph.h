// The SGLD chain loop as a CUDA graph (the cuda_graphs knob): captured once per shape and
// setting, then replayed, so that the 20 steps' hundreds of small kernels launch as one graph.
// The noise is drawn outside the graph from the run's generator, exactly as run_sgld draws it,
// so that a replay computes what the uncaptured loop computes.
#pragma once
#include <ATen/ATen.h>

#include <memory>

#include "core/jem/sgld.h"

namespace jem {

class EnergyNet;

// Built against a CUDA LibTorch (JEMLAB_CUDA): graphs can be used at all.
bool cuda_graphs_built();

// Chains a graph can run: on a CUDA device, plain SGLD (not MALA), no per-step recording.
bool graph_eligible(const SgldParams& p, const at::Tensor& x0);

class SgldGraph {
 public:
  SgldGraph();
  ~SgldGraph();
  SgldGraph(const SgldGraph&) = delete;
  SgldGraph& operator=(const SgldGraph&) = delete;

  // run_sgld(net.score, x0, y, p, gen) through the captured graph, capturing it first when the
  // shapes, the settings or the model's weights changed. `autocast`: bf16 forward passes. The net
  // must be in eval mode. Requires graph_eligible(p, x0) and cuda_graphs_built().
  SgldResult run(EnergyNet& net, bool autocast, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                 at::Generator& gen);
  int captures() const;  // how many times a graph was captured (tests, bench)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jem
