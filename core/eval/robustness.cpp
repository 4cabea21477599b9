#include "core/eval/robustness.h"

#include <torch/autograd.h>
#include <torch/nn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/eval/defences.h"
#include "core/eval/pgd.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/schema.h"
#include "core/util/error.h"
#include "core/util/tensor_copy.h"

namespace jem {
namespace {

constexpr int kExampleImages = 8;

// A generator of its own for each (chunk, purpose): figures repeat exactly, and the defences
// draw the same noise at every eps, so that eps = 0 reproduces their clean accuracy.
uint64_t stream_seed(const Settings& s, int64_t chunk, int64_t purpose) {
  return uint64_t(s.seed) * 1000003u + uint64_t(chunk) * 7919u + uint64_t(purpose) * 104729u + 17u;
}

PgdParams pgd_params(const Settings& s, const Defences& d, double eps) {
  PgdParams p;
  p.norm = attack_norm(s.distance);
  p.eps = eps;
  p.n_steps = s.n_steps_pgd_attack;
  p.step = s.pgd_step_size > 0 ? s.pgd_step_size : 2.5 * eps / s.n_steps_pgd_attack;
  p.random_start = s.random_start;
  p.lo = d.lo;
  p.hi = d.hi;
  return p;
}

// The attacks each defence faces: the plain classifier's adversarial (transferred), and with
// attack_through_defence also one through the defence itself. A point counts as broken when any
// of them breaks it: an adaptive attack alone can be weaker than transfer (a defence that masks
// gradients, as a baseline's refinement does, would then look robust).
std::vector<int> attacks_on(const Settings& s, int defence) {
  if (defence == 0 || !s.attack_through_defence) return {0};
  return {0, defence};
}

struct ChunkResult {
  std::vector<std::vector<at::Tensor>> correct;  // [defence][eps] bool [chunk]
  std::vector<at::Tensor> clean;                 // [defence] bool [chunk]
  at::Tensor adversarial_at_max;                 // the last eps's adversarial of the plain classifier
};

ChunkResult attack_chunk(TrainerState& t, const Defences& d, const at::Tensor& x, const at::Tensor& y,
                         const std::vector<double>& radii, const std::vector<std::string>& names, int64_t chunk) {
  const Settings& s = t.s;
  ChunkResult r;
  r.correct.resize(names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    Rng noise(stream_seed(s, chunk, 1000 + int64_t(k)), t.device);
    r.clean.push_back(d.defended_logits(names[k], x, noise.dev()).argmax(1) == y);
  }
  for (size_t e = 0; e < radii.size(); ++e) {
    std::vector<at::Tensor> adversarial(names.size());
    for (size_t k = 0; k < names.size(); ++k)
      for (int a : attacks_on(s, int(k))) {
        if (adversarial[a].defined()) continue;
        Rng attack(stream_seed(s, chunk, 1 + int64_t(e) * 64 + a), t.device);
        Rng inner(stream_seed(s, chunk, 5000 + int64_t(e) * 64 + a), t.device);  // the defence inside the attack
        adversarial[a] = pgd_attack(d.loss_grad(names[a], inner.dev()), x, y, pgd_params(s, d, radii[e]), attack.dev());
      }
    for (size_t k = 0; k < names.size(); ++k) {
      at::Tensor ok = at::ones_like(y, y.options().dtype(at::kBool));
      for (int a : attacks_on(s, int(k))) {
        Rng noise(stream_seed(s, chunk, 1000 + int64_t(k)), t.device);
        ok = ok & (d.defended_logits(names[k], adversarial[a], noise.dev()).argmax(1) == y);
      }
      r.correct[k].push_back(ok);
    }
    if (e + 1 == radii.size()) r.adversarial_at_max = adversarial[0];
  }
  return r;
}

// Clean, adversarial and defended images of the first few points, at the largest eps.
void add_examples(TrainerState& t, const Defences& d, const at::Tensor& x, const at::Tensor& adv, RobustnessEval& e) {
  const int64_t n = std::min<int64_t>(kExampleImages, x.size(0));
  const at::Tensor xc = x.narrow(0, 0, n), xa = adv.narrow(0, 0, n);
  const std::string defence = e.defences.size() > 1 ? e.defences.back() : "plain";
  Rng noise(stream_seed(t.s, 0, 9000), t.device);
  at::Tensor xd = defence == "purified" ? d.purified(xa, noise.dev())
                  : defence == "refined" ? d.refined_points(xa, noise.dev()).view({n, -1, xa.size(1)}).select(1, 0)
                                         : xa;
  std::vector<int> preds;
  for (const at::Tensor* rows : {&xc, &xa}) {
    torch::NoGradGuard no_grad;
    const std::vector<int> p = to_ints(d.plain_logits(*rows).argmax(1));
    preds.insert(preds.end(), p.begin(), p.end());
  }
  Rng again(stream_seed(t.s, 0, 9001), t.device);
  const std::vector<int> pd = to_ints(d.defended_logits(defence, xa, again.dev()).argmax(1));
  preds.insert(preds.end(), pd.begin(), pd.end());
  e.examples = image_grid_of(at::cat({xc, xa, xd}), t.data.image_shape);
  e.examples.pred = preds;
  const std::vector<int> lab = to_ints(t.y_test.narrow(0, 0, n));
  e.examples.label.clear();
  for (int row = 0; row < 3; ++row) e.examples.label.insert(e.examples.label.end(), lab.begin(), lab.end());
  char radius[64];
  std::snprintf(radius, sizeof radius, "%s eps %g", e.distance.c_str(), e.eps.back());
  e.example_rows = {"clean", std::string("adversarial, ") + radius, defence == "plain" ? "adversarial" : defence};
}

}  // namespace

std::vector<std::string> defence_names(const Settings& s) {
  std::vector<std::string> v{"plain"};
  if (s.n_steps_refine > 0) v.push_back("refined");
  if (s.purify_steps > 0) v.push_back("purified");
  return v;
}

RobustnessEval eval_robustness(Trainer& tr) {
  const auto started = std::chrono::steady_clock::now();
  TrainerState& t = tr.state();
  const Settings& s = t.s;
  RobustnessEval e;
  e.distance = s.distance;
  e.eps = attack_radii(s);
  e.defences = defence_names(s);
  e.n_steps = s.n_steps_pgd_attack;
  e.through_defence = s.attack_through_defence;
  const int64_t n = std::min<int64_t>(s.attack_points, t.x_test.size(0));
  const at::Tensor x = t.x_test.narrow(0, 0, n), y = t.y_test.narrow(0, 0, n);
  EvalModeScope eval_mode(*t.net);
  Defences d(t, x);
  const int64_t chunk = t.data.is_image() ? 50 : 4096;  // conv activations of refined chains are large
  std::vector<ChunkResult> parts;
  for (int64_t i = 0, c = 0; i < n; i += chunk, ++c) {
    const int64_t m = std::min(chunk, n - i);
    parts.push_back(attack_chunk(t, d, x.narrow(0, i, m), y.narrow(0, i, m), e.eps, e.defences, c));
  }
  for (size_t k = 0; k < e.defences.size(); ++k) {
    std::vector<at::Tensor> clean;
    for (const auto& p : parts) clean.push_back(p.clean[k]);
    e.clean.push_back(at::cat(clean).to(at::kDouble).mean().item<double>());
    at::Tensor unbroken = at::ones({n}, x.options().dtype(at::kBool));
    std::vector<double> acc;
    for (size_t j = 0; j < e.eps.size(); ++j) {
      std::vector<at::Tensor> ok;
      for (const auto& p : parts) ok.push_back(p.correct[k][j]);
      unbroken = unbroken & at::cat(ok);  // nested balls: broken at a smaller eps stays broken
      acc.push_back(unbroken.to(at::kDouble).mean().item<double>());
    }
    e.accuracy.push_back(acc);
  }
  e.n_points = n;
  if (t.data.is_image()) add_examples(t, d, x.narrow(0, 0, std::min(chunk, n)), parts[0].adversarial_at_max, e);
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return e;
}

LabelledPoint test_point(Trainer& tr, uint64_t k) {
  TrainerState& t = tr.state();
  const int64_t n = t.x_test.size(0);
  const int64_t i = int64_t((k * 2654435761u + 12345u) % uint64_t(n));  // a fixed walk over the test set
  const std::vector<float> xy = to_vector<float>(t.x_test[i].to(at::kFloat));
  return {xy[0], xy[1], int(t.y_test[i].item<int64_t>())};
}

LabelledPoint nearest_test_point(Trainer& tr, float x, float y) {
  TrainerState& t = tr.state();
  const at::Tensor d = (t.x_test.to(at::kFloat) - at::tensor({x, y}).to(t.x_test.device())).pow(2).sum(1);
  const int64_t i = d.argmin().item<int64_t>();
  const std::vector<float> xy = to_vector<float>(t.x_test[i].to(at::kFloat));
  return {xy[0], xy[1], int(t.y_test[i].item<int64_t>())};
}

AttackPath attack_point(Trainer& tr, float px, float py, int label, double eps) {
  TrainerState& t = tr.state();
  const Settings& s = t.s;
  if (t.data.is_image()) throw Error("attack_point: 2D data only (images are attacked as a set)");
  EvalModeScope eval_mode(*t.net);
  const at::Tensor x = at::tensor({px, py}, t.x_test.options()).view({1, 2});
  const at::Tensor y = at::full({1}, label, t.y_test.options());
  Defences d(t, x);
  AttackPath a;
  a.x = px, a.y = py, a.label = label, a.eps = eps, a.distance = s.distance;
  const std::vector<std::string> names = defence_names(s);
  a.attacked = s.attack_through_defence ? names.back() : "plain";
  Rng attack(stream_seed(s, 0, 1), t.device), inner(stream_seed(s, 0, 2), t.device);
  PgdParams p = pgd_params(s, d, eps);
  at::Tensor path;
  p.path = &path;
  const at::Tensor adv = pgd_attack(d.loss_grad(a.attacked, inner.dev()), x, y, p, attack.dev());
  torch::NoGradGuard no_grad;
  a.attack_xy = to_vector<float>(path.to(at::kFloat));
  a.attack_pred = to_ints(d.plain_logits(path.view({-1, 2})).argmax(1));
  Rng noise(stream_seed(s, 0, 3), t.device);
  if (s.purify_steps > 0) {
    at::Tensor trail;
    d.purified(adv, noise.dev(), &trail);
    const at::Tensor pts = trail.view({-1, 2});
    a.purify_xy = to_vector<float>(pts.to(at::kFloat));
    a.purify_pred = to_ints(d.plain_logits(pts).argmax(1));
    a.purify_energy = to_vector<float>((-t.net->forward_all(pts).neg_energy).to(at::kFloat));
  }
  if (s.n_steps_refine > 0) {
    at::Tensor trail;
    const at::Tensor ends = d.refined_points(adv, noise.dev(), &trail);
    a.refine_chains = s.n_dup_chains, a.refine_steps = s.n_steps_refine;
    a.refine_xy = to_vector<float>(trail.to(at::kFloat));
    a.refined_pred = int(d.plain_logits(ends).mean(0, true).argmax(1).item<int64_t>());
  }
  return a;
}

}  // namespace jem
