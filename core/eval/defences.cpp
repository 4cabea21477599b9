#include "core/eval/defences.h"

#include <torch/autograd.h>
#include <torch/nn.h>

#include "core/jem/sgld.h"
#include "core/jem/trainer_state.h"
#include "core/model/make_model.h"
#include "core/util/error.h"

namespace jem {

EvalModeScope::EvalModeScope(EnergyNet& net) : net_(net) { net_.eval(); }
EvalModeScope::~EvalModeScope() { net_.train(); }

Defences::Defences(TrainerState& t, const at::Tensor& points) : t_(t) {
  lo = at::minimum(t.init.lo(), std::get<0>(points.min(0)));
  hi = at::maximum(t.init.hi(), std::get<0>(points.max(0)));
}

at::Tensor Defences::plain_logits(const at::Tensor& x) const { return t_.net->logits(x); }

at::Tensor Defences::langevin(const at::Tensor& x, int steps, double lr, double noise, at::Generator& gen,
                              at::Tensor* trail) const {
  EnergyNet& net = *t_.net;
  ScoreFn score = [&net](const at::Tensor& xs, const at::Tensor& ys) { return net.score(xs, ys); };
  SgldParams p;
  p.step = lr;
  p.noise_std = noise;
  p.n_steps = steps;
  p.lo = lo;
  p.hi = hi;
  p.record = trail ? int(x.size(0)) : 0;
  p.split_chains = splits_chains(net);
  SgldResult r = run_sgld(score, x.detach(), at::Tensor(), p, gen);
  if (trail) *trail = r.trajectory;
  return r.x;
}

at::Tensor Defences::refined_points(const at::Tensor& x, at::Generator& gen, at::Tensor* trail) const {
  const Settings& s = t_.s;
  at::Tensor dup = x.detach().repeat_interleave(s.n_dup_chains, 0);
  if (s.refine_sigma > 0) dup = dup + at::randn(dup.sizes(), gen, dup.options()) * s.refine_sigma;
  return langevin(dup, s.n_steps_refine, s.sgld_lr, s.sgld_sigma, gen, trail);
}

at::Tensor Defences::purified(const at::Tensor& x, at::Generator& gen, at::Tensor* trail) const {
  const Settings& s = t_.s;
  return langevin(x, s.purify_steps, s.purify_lr, s.purify_noise, gen, trail);
}

at::Tensor Defences::defended_logits(const std::string& defence, const at::Tensor& x, at::Generator& gen) const {
  torch::NoGradGuard no_grad;
  if (defence == "plain") return plain_logits(x);
  if (defence == "refined") {
    const at::Tensor l = plain_logits(refined_points(x, gen));
    return l.view({x.size(0), t_.s.n_dup_chains, l.size(1)}).mean(1);
  }
  if (defence == "purified") return plain_logits(purified(x, gen));
  throw Error("defence: unknown '" + defence + "' (one of plain|refined|purified)");
}

LossGradFn Defences::loss_grad(const std::string& defence, at::Generator& gen) const {
  if (defence == "plain") return cross_entropy_grad([this](const at::Tensor& x) { return plain_logits(x); });
  if (defence != "refined" && defence != "purified")
    throw Error("defence: unknown '" + defence + "' (one of plain|refined|purified)");
  const bool refined = defence == "refined";
  return [this, refined, &gen](const at::Tensor& x, const at::Tensor& y) {
    const int64_t n_dup = refined ? t_.s.n_dup_chains : 1;
    at::Tensor z = (refined ? refined_points(x, gen) : purified(x, gen)).detach().requires_grad_(true);
    torch::AutoGradMode grad_on(true);
    at::Tensor l = plain_logits(z);
    l = l.view({x.size(0), n_dup, l.size(1)}).mean(1);
    at::Tensor loss = at::cross_entropy_loss(l, y, {}, at::Reduction::Sum);
    at::Tensor g = torch::autograd::grad({loss}, {z})[0];
    return g.view({x.size(0), n_dup, -1}).sum(1).view(x.sizes());
  };
}

}  // namespace jem
