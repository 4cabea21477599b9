#include "core/eval/evaluate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn.h>

#include <algorithm>
#include <cmath>

#include "core/data/dataset.h"
#include "core/data/dataset_names.h"
#include "core/data/toy2d.h"
#include "core/eval/quadrature.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/metrics/auroc.h"
#include "core/util/error.h"
#include "core/util/tensor_copy.h"

namespace jem {
namespace {

// Runs f over x in chunks with the model in eval mode and gradients off.
at::Tensor batched(TrainerState& t, const at::Tensor& x, const std::function<at::Tensor(const at::Tensor&)>& f) {
  torch::NoGradGuard no_grad;
  t.net->eval();
  std::vector<at::Tensor> out;
  const int64_t chunk = t.data.is_image() ? 256 : 8192;  // conv activations are large
  for (int64_t i = 0; i < x.size(0); i += chunk) out.push_back(f(x.narrow(0, i, std::min(chunk, x.size(0) - i))));
  t.net->train();
  return at::cat(out);
}

Box scaled(const Box& b, float factor) {
  const float cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
  const float hw = b.width() / 2 * factor, hh = b.height() / 2 * factor;
  return Box{cx - hw, cx + hw, cy - hh, cy + hh};
}

std::string ood_names_text(bool images) {
  std::string names;
  for (const auto& k : ood_dataset_names(images)) names += (names.empty() ? "" : "|") + k;
  return names;
}

// OOD sets of images: uniform noise, constant images (one random colour each), "interp" (the
// mean of two random test images), or another image dataset of the same shape from data_dir.
at::Tensor ood_images(TrainerState& t, const std::string& name, at::Generator& g) {
  const at::Tensor& x = t.data.x_test;
  const int64_t n = x.size(0), d = x.size(1);
  const auto& shape = t.data.image_shape;
  if (name == "noise") return at::rand({n, d}, g) * 2 - 1;
  if (name == "constant") {
    at::Tensor colour = at::rand({n, shape[0], 1}, g) * 2 - 1;
    return colour.expand({n, shape[0], shape[1] * shape[2]}).reshape({n, d}).contiguous();
  }
  if (name == "interp") {
    at::Tensor a = at::randint(n, {n}, g), b = at::randint(n, {n}, g);
    return (x.index_select(0, a) + x.index_select(0, b)) / 2;
  }
  const auto names = ood_dataset_names(true);
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw Error("ood_dataset: unknown OOD set '" + name + "' for images (one of " + ood_names_text(true) + ")");
  Settings other = t.s;
  other.dataset = name;
  other.n_valid = 0;
  other.n_train = 16;
  other.n_test = static_cast<int>(n);
  Dataset od = make_dataset(other);
  if (od.image_shape != shape)
    throw Error("ood_dataset: " + name + " images are " + std::to_string(od.image_shape[0]) + "x" +
                std::to_string(od.image_shape[1]) + "x" + std::to_string(od.image_shape[2]) + ", unlike " + t.data.name);
  return od.x_test;
}

at::Tensor ood_points(TrainerState& t, const std::string& name) {
  const at::Tensor& x = t.data.x_test;
  const int64_t n = x.size(0);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(t.s.data_seed) + 1000);
  if (name == "test") return x;
  if (t.data.is_image()) return ood_images(t, name, g);
  if (name == "uniform") {
    Box b = scaled(t.data.box, 2.0f);
    at::Tensor lo = at::tensor({b.x0, b.y0}), hi = at::tensor({b.x1, b.y1});
    return lo + (hi - lo) * at::rand({n, 2}, g);
  }
  if (name == "shifted") return x + at::tensor({t.data.box.width() / 2, 0.0f});
  if (name == "rotated") {
    at::Tensor m = x.mean(0);
    at::Tensor d = x - m;
    return at::stack({-d.select(1, 1), d.select(1, 0)}, 1) + m;  // 90 degrees about the mean
  }
  Settings other = t.s;
  other.dataset = name;
  other.n_train = 16;
  other.n_test = static_cast<int>(n);
  try {
    return make_toy2d(other).x_test;
  } catch (const Error&) {
    throw Error("ood_dataset: unknown OOD set '" + name + "' (one of " + ood_names_text(false) + ")");
  }
}

}  // namespace

ClassifierEval eval_classifier(Trainer& tr) {
  TrainerState& t = tr.state();
  at::Tensor logits = batched(t, t.x_test, [&](const at::Tensor& x) { return t.net->logits(x); });
  ClassifierEval e;
  e.n = t.x_test.size(0);
  e.accuracy = (logits.argmax(1) == t.y_test).to(at::kDouble).mean().item<double>();
  e.nll = at::cross_entropy_loss(logits.to(at::kDouble), t.y_test).item<double>();
  return e;
}

Calibration eval_calibration(Trainer& tr, int n_bins) {
  TrainerState& t = tr.state();
  at::Tensor p = batched(t, t.x_test, [&](const at::Tensor& x) { return at::softmax(t.net->logits(x), 1); });
  auto [conf, pred] = p.max(1);
  return calibration(to_vector<double>(conf.to(at::kDouble)), to_vector<int>((pred == t.y_test).to(at::kInt)), n_bins);
}

std::vector<std::string> ood_dataset_names(bool images) {
  if (images) return {"noise", "constant", "interp", "svhn", "cifar10", "cifar100", "mnist", "fashion_mnist"};
  std::vector<std::string> names = {"uniform", "shifted", "rotated"};
  names.insert(names.end(), toy2d_names().begin(), toy2d_names().end());
  return names;
}

namespace {

// The scores read from the logits and -E(x) of one forward pass (every score but pxgrad).
at::Tensor score_from_output(const NetOutput& o, const std::string& score, double temperature) {
  if (score == "px") return o.neg_energy;
  if (score == "py") return std::get<0>(at::softmax(o.logits, 1).max(1));
  if (score == "energy") return temperature * at::logsumexp(o.logits / temperature, 1);
  throw Error("score: unknown OOD score '" + score + "' (one of px|py|pxgrad|energy)");
}

// -||d f / d x||: the score's gradient needs a backward pass per chunk.
at::Tensor pxgrad_score(TrainerState& t, const at::Tensor& x) {
  t.net->eval();
  std::vector<at::Tensor> parts;
  const int64_t chunk = t.data.is_image() ? 256 : 8192;
  for (int64_t i = 0; i < x.size(0); i += chunk)
    parts.push_back(-t.net->score(x.narrow(0, i, std::min(chunk, x.size(0) - i)), at::Tensor()).first.flatten(1).norm(2, 1));
  t.net->train();
  return at::cat(parts);
}

NetOutput forward_batched(TrainerState& t, const at::Tensor& x) {
  NetOutput o;
  o.logits = batched(t, x, [&](const at::Tensor& b) {
    NetOutput part = t.net->forward_all(b);
    return at::cat({part.logits, part.neg_energy.unsqueeze(1)}, 1);  // one chunked pass for both
  });
  o.neg_energy = o.logits.select(1, o.logits.size(1) - 1);
  o.logits = o.logits.narrow(1, 0, o.logits.size(1) - 1);
  return o;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  int64_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) s += x, ++n;
  return n ? s / double(n) : kNaN;
}

}  // namespace

std::vector<double> ood_scores(Trainer& tr, const std::string& dataset, const std::string& score, double temperature) {
  TrainerState& t = tr.state();
  const at::Tensor x = ood_points(t, dataset).to(t.device);
  const at::Tensor s = score == "pxgrad" ? pxgrad_score(t, x) : score_from_output(forward_batched(t, x), score, temperature);
  return to_vector<double>(s.to(at::kDouble));
}

OodEval eval_ood(Trainer& tr, const std::string& ood_dataset, double temperature, int hist_bins) {
  OodEval e;
  e.ood_dataset = ood_dataset;
  TrainerState& t = tr.state();
  const at::Tensor x_in = t.x_test, x_out = ood_points(t, ood_dataset).to(t.device);
  const NetOutput f_in = forward_batched(t, x_in), f_out = forward_batched(t, x_out);
  const std::vector<int> correct = to_ints(f_in.logits.argmax(1) == t.y_test);  // 1: classified right
  auto scores = [&](const char* score, const at::Tensor& x, const NetOutput& f) {
    const at::Tensor s = std::string(score) == "pxgrad" ? pxgrad_score(t, x) : score_from_output(f, score, temperature);
    return to_vector<double>(s.to(at::kDouble));
  };
  for (const char* score : {"px", "py", "pxgrad", "energy"}) {
    std::vector<double> in = scores(score, x_in, f_in);
    std::vector<double> out = scores(score, x_out, f_out);
    e.n_in = static_cast<int64_t>(in.size());
    e.n_ood = static_cast<int64_t>(out.size());
    OodScoreResult r{score, auroc(in, out), shared_histograms({"test", ood_dataset}, {in, out}, hist_bins), {}};
    std::vector<double> right, wrong;
    for (size_t i = 0; i < in.size() && i < correct.size(); ++i) (correct[i] ? right : wrong).push_back(in[i]);
    // Bins over the same pooled values as `hist` (right and wrong are the test set), so they match.
    r.split = shared_histograms({"test correct", "test misclassified", ood_dataset}, {right, wrong, out}, hist_bins);
    r.mean_correct = mean_of(right), r.mean_misclassified = mean_of(wrong), r.mean_ood = mean_of(out);
    r.n_misclassified = static_cast<int64_t>(wrong.size());
    e.scores.push_back(std::move(r));
  }
  return e;
}

}  // namespace jem
