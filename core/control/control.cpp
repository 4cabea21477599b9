#include "core/control/control.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn.h>
#include <torch/optim.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/error.h"

namespace jem {
// Named rather than anonymous: ControlTrainer::Impl holds a ControlModel, and a class with
// external linkage must not hold members of a type with internal linkage (-Wsubobject-linkage
// in unity builds).
namespace control_detail {

TripleTable from_joint_tensor(const at::Tensor& j) {  // [2,2] double, sums to 1
  TripleTable t;
  for (int x = 0; x < 2; ++x) {
    t.px[x] = j[x].sum().item<double>();
    for (int y = 0; y < 2; ++y) {
      t.joint[x][y] = j[x][y].item<double>();
      t.py_given_x[x][y] = t.joint[x][y] / t.px[x];
    }
  }
  return t;
}

at::Tensor joint_tensor(const TripleTable& t) {
  return at::tensor({t.joint[0][0], t.joint[0][1], t.joint[1][0], t.joint[1][1]}, at::kDouble).view({2, 2});
}

// f(x) = W x + b with x in {0, 1}, from zero: a classifier that starts indifferent. Zero init
// also makes the baseline's p(x) reproducible: cross-entropy moves the logits of each x only
// along directions that keep their mean, so p(x) read from them stays unrelated to the data.
struct Linear1 {
  at::Tensor w = at::zeros({2}, at::kDouble).set_requires_grad(true);
  at::Tensor b = at::zeros({2}, at::kDouble).set_requires_grad(true);
  at::Tensor logits() const { return at::stack({b, w + b}); }  // [x][y]
};

// One model (baseline or JEM) and its optimiser, trained full batch on the empirical table.
struct ControlModel {
  bool jem;
  Linear1 m;
  torch::optim::Adam opt;
  ControlModel(bool jem_, double lr)
      : jem(jem_), opt(std::vector<at::Tensor>{m.w, m.b}, torch::optim::AdamOptions(lr)) {}

  void step(const at::Tensor& freq) {  // freq: empirical p(x, y)
    at::Tensor f = m.logits();
    at::Tensor lse_x = at::logsumexp(f, 1);                   // log sum_y exp f(x, y)
    at::Tensor log_pyx = f - lse_x.unsqueeze(1);              // log p(y|x)
    at::Tensor loss = -(freq * log_pyx).sum();                // cross-entropy, full batch
    if (jem) {
      at::Tensor log_px = lse_x - at::logsumexp(lse_x, 0);    // exact: both values of x summed
      loss = loss - (freq.sum(1) * log_px).sum();
    }
    opt.zero_grad();
    loss.backward();
    opt.step();
  }

  TripleTable table() const {
    torch::NoGradGuard ng;
    return from_joint_tensor(at::softmax(m.logits().flatten(), 0).view({2, 2}));  // exp f / Z
  }
};

}  // namespace control_detail

using control_detail::ControlModel;
using control_detail::from_joint_tensor;
using control_detail::joint_tensor;

TripleTable joint_table(const double p[4]) {
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    if (!(p[i] >= 0) || !std::isfinite(p[i])) throw Error("joint: probabilities must be finite and >= 0");
    sum += p[i];
  }
  if (sum <= 0) throw Error("joint: the four probabilities sum to zero");
  double q[4];
  for (int i = 0; i < 4; ++i) q[i] = p[i] / sum;
  if (q[0] + q[1] <= 0 || q[2] + q[3] <= 0) throw Error("joint: both values of x need probability > 0");
  return from_joint_tensor(at::tensor({q[0], q[1], q[2], q[3]}, at::kDouble).view({2, 2}));
}

TripleTable random_joint(uint64_t seed) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor u = at::rand({4}, g, at::kDouble);
  double p[4];
  for (int i = 0; i < 4; ++i) p[i] = u[i].item<double>();
  return joint_table(p);
}

TripleTable parse_joint(const std::string& text) {
  double p[4];
  std::stringstream ss(text);
  std::string item;
  int n = 0;
  while (std::getline(ss, item, ',')) {
    if (n == 4) throw Error("--joint: expected 4 numbers P00,P01,P10,P11, got more");
    char* end = nullptr;
    p[n] = std::strtod(item.c_str(), &end);
    if (item.empty() || *end) throw Error("--joint: '" + item + "' is not a number");
    ++n;
  }
  if (n != 4) throw Error("--joint: expected 4 numbers P00,P01,P10,P11, got " + std::to_string(n));
  return joint_table(p);
}

struct ControlTrainer::Impl {
  TripleTable truth, empirical;
  at::Tensor freq;
  ControlModel baseline, jem;
  int iteration = 0;
  Impl(double lr) : baseline(false, lr), jem(true, lr) {}
};

ControlTrainer::ControlTrainer(const TripleTable& truth, const ControlOptions& o)
    : opt_(o), impl_(std::make_unique<Impl>(o.lr)) {
  if (o.n_samples < 1) throw Error("control: n_samples must be >= 1");
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  at::Tensor cells = at::multinomial(joint_tensor(truth).flatten(), o.n_samples, /*replacement=*/true, g);
  at::Tensor counts = at::bincount(cells, {}, 4).to(at::kDouble).view({2, 2});
  impl_->truth = truth;
  impl_->freq = counts / counts.sum();
  impl_->empirical = from_joint_tensor(impl_->freq);
}

ControlTrainer::~ControlTrainer() = default;

int ControlTrainer::iteration() const { return impl_->iteration; }

void ControlTrainer::step(int n) {
  for (int i = 0; i < n && impl_->iteration < opt_.iters; ++i, ++impl_->iteration) {
    impl_->baseline.step(impl_->freq);
    impl_->jem.step(impl_->freq);
  }
}

ControlResult ControlTrainer::result() const {
  ControlResult r;
  r.n = opt_.n_samples;
  r.truth = impl_->truth;
  r.empirical = impl_->empirical;
  r.baseline = impl_->baseline.table();
  r.jem = impl_->jem.table();
  return r;
}

ControlResult run_control(const TripleTable& truth, const ControlOptions& o) {
  ControlTrainer t(truth, o);
  t.step(o.iters);
  return t.result();
}

std::string control_table_text(const ControlResult& r) {
  std::ostringstream o;
  char line[160];
  o << "JEM control dataset: binary x, binary y, " << r.n << " samples\n\n";
  o << "                    true  baseline       JEM\n";
  auto row = [&](const char* name, double a, double b, double c) {
    std::snprintf(line, sizeof line, "%-16s  %6.4f    %6.4f    %6.4f\n", name, a, b, c);
    o << line;
  };
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 2; ++y) {
      std::string n = "p(x=" + std::to_string(x) + ",y=" + std::to_string(y) + ")";
      row(n.c_str(), r.truth.joint[x][y], r.baseline.joint[x][y], r.jem.joint[x][y]);
    }
  for (int x = 0; x < 2; ++x) {
    std::string n = "p(x=" + std::to_string(x) + ")";
    row(n.c_str(), r.truth.px[x], r.baseline.px[x], r.jem.px[x]);
  }
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 2; ++y) {
      std::string n = "p(y=" + std::to_string(y) + "|x=" + std::to_string(x) + ")";
      row(n.c_str(), r.truth.py_given_x[x][y], r.baseline.py_given_x[x][y], r.jem.py_given_x[x][y]);
    }
  o << "\nThe baseline's logits give the right p(y|x) but, read as a joint, the wrong p(x);\n"
       "JEM's exact p(x) term makes them the joint.\n";
  return o.str();
}

std::string control_json(const ControlResult& r, int indent) {
  auto table = [](const TripleTable& t) {
    nlohmann::ordered_json j;
    j["joint"] = {{t.joint[0][0], t.joint[0][1]}, {t.joint[1][0], t.joint[1][1]}};
    j["px"] = {t.px[0], t.px[1]};
    j["py_given_x"] = {{t.py_given_x[0][0], t.py_given_x[0][1]}, {t.py_given_x[1][0], t.py_given_x[1][1]}};
    return j;
  };
  nlohmann::ordered_json j;
  j["true"] = table(r.truth);
  j["baseline"] = table(r.baseline);
  j["jem"] = table(r.jem);
  j["n_samples"] = r.n;
  return j.dump(indent);
}

}  // namespace jem
