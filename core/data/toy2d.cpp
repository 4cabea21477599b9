#include "core/data/toy2d.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/util/error.h"

namespace jem {
namespace {

constexpr double kPi = 3.14159265358979323846;
using at::Tensor;

struct Labelled {
  Tensor x, y;
};

Tensor randn(int64_t n, int64_t d, at::Generator& g) { return at::randn({n, d}, g); }
Tensor rand(int64_t n, at::Generator& g) { return at::rand({n}, g); }
Tensor classes(int64_t n, int64_t k, at::Generator& g) { return at::randint(k, {n}, g); }

// Two interleaved half circles, centred on the origin.
Labelled moons(int64_t n, double noise, at::Generator& g) {
  Tensor t = rand(n, g) * kPi;
  Tensor y = classes(n, 2, g);
  Tensor upper = at::stack({at::cos(t), at::sin(t)}, 1);
  Tensor lower = at::stack({1 - at::cos(t), 0.5 - at::sin(t)}, 1);
  Tensor x = at::where(y.unsqueeze(1) == 0, upper, lower) - at::tensor({0.5f, 0.25f});
  return {x * 1.25 + noise * randn(n, 2, g), y};
}

// Two concentric circles of radius 2 (class 0) and 1 (class 1).
Labelled circles(int64_t n, double noise, at::Generator& g) {
  Tensor t = rand(n, g) * (2 * kPi);
  Tensor y = classes(n, 2, g);
  Tensor r = 2.0 - y.to(at::kFloat);
  Tensor x = at::stack({r * at::cos(t), r * at::sin(t)}, 1);
  return {x + noise * randn(n, 2, g), y};
}

Tensor eight_centres() {
  Tensor k = at::arange(8, at::kFloat) * (2 * kPi / 8);
  return at::stack({2 * at::cos(k), 2 * at::sin(k)}, 1);
}

// Eight Gaussians of std `noise` on a circle of radius 2, one class each.
Labelled eight_gaussians(int64_t n, double noise, at::Generator& g) {
  Tensor y = classes(n, 8, g);
  return {eight_centres().index_select(0, y) + noise * randn(n, 2, g), y};
}

// K spiral arms, one class each.
Labelled spirals(int64_t n, int64_t k, double noise, at::Generator& g) {
  Tensor y = classes(n, k, g);
  Tensor t = at::sqrt(rand(n, g));
  Tensor r = 0.3 + 1.9 * t;
  Tensor a = y.to(at::kFloat) * (2 * kPi / k) + 4.0 * t;
  Tensor x = at::stack({r * at::cos(a), r * at::sin(a)}, 1);
  return {x + noise * randn(n, 2, g), y};
}

// Uniform on the 8 "black" unit squares of a 4x4 board over [-2,2]^2; the class is the
// square's row parity, an XOR-like pattern.
Labelled checkerboard(int64_t n, double noise, at::Generator& g) {
  Tensor col = at::randint(4, {n}, g);
  Tensor row = (col % 2 + 2 * at::randint(2, {n}, g));  // row parity equals column parity
  Tensor u = at::rand({n, 2}, g);
  Tensor x = at::stack({col.to(at::kFloat) - 2 + u.select(1, 0), row.to(at::kFloat) - 2 + u.select(1, 1)}, 1);
  return {x + noise * randn(n, 2, g), row % 2};
}

// K pinwheel blades (Johnson et al. 2016), one class each.
Labelled pinwheel(int64_t n, int64_t k, double noise, at::Generator& g) {
  Tensor y = classes(n, k, g);
  Tensor f = randn(n, 2, g) * at::tensor({0.3f, float(std::max(noise, 1e-3))}) + at::tensor({1.0f, 0.0f});
  Tensor ang = y.to(at::kFloat) * (2 * kPi / k) + 0.25 * at::exp(f.select(1, 0));
  Tensor c = at::cos(ang), s = at::sin(ang);
  Tensor x = at::stack({c * f.select(1, 0) - s * f.select(1, 1), s * f.select(1, 0) + c * f.select(1, 1)}, 1);
  return {1.6 * x, y};
}

Labelled generate(const Settings& s, int64_t n, at::Generator& g) {
  const double noise = s.data_noise;
  if (s.dataset == "moons") return moons(n, noise, g);
  if (s.dataset == "circles") return circles(n, noise, g);
  if (s.dataset == "8gaussians") return eight_gaussians(n, noise, g);
  if (s.dataset == "spirals") return spirals(n, s.n_classes, noise, g);
  if (s.dataset == "checkerboard") return checkerboard(n, noise, g);
  if (s.dataset == "pinwheel") return pinwheel(n, s.n_classes, noise, g);
  throw Error("dataset: unknown dataset '" + s.dataset + "'");
}

// log N(x; c_k, s^2 I) mixed uniformly over the 8 centres.
Tensor eight_gaussians_logp(const Tensor& x, double std) {
  Tensor c = eight_centres().to(x.device());
  Tensor d2 = (x.unsqueeze(1) - c.unsqueeze(0)).pow(2).sum(2);  // [N,8]
  double log_norm = -std::log(2 * kPi * std * std) - std::log(8.0);
  return at::logsumexp(-0.5 * d2 / (std * std), 1) + log_norm;
}

// Uniform on the 8 squares convolved with N(0, s^2 I): per square, a product of two
// differences of normal CDFs.
Tensor checkerboard_logp(const Tensor& x, double std) {
  Tensor total = at::zeros({x.size(0)}, x.options().dtype(at::kDouble));
  Tensor xd = x.to(at::kDouble);
  auto mass = [&](const Tensor& v, double lo) {
    if (std <= 0) return ((v >= lo) & (v < lo + 1)).to(at::kDouble);
    const double k = 1.0 / (std * std::sqrt(2.0));
    return 0.5 * (at::erf((lo + 1 - v) * k) - at::erf((lo - v) * k));
  };
  for (int col = 0; col < 4; ++col)
    for (int row = col % 2; row < 4; row += 2)
      total += mass(xd.select(1, 0), col - 2) * mass(xd.select(1, 1), row - 2);
  return at::log(total / 8.0).to(x.scalar_type());
}

}  // namespace

int toy2d_classes(const Settings& s) {
  if (s.dataset == "8gaussians") return 8;
  if (s.dataset == "spirals" || s.dataset == "pinwheel") return s.n_classes;
  return 2;
}

Dataset make_toy2d(const Settings& s) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(s.data_seed));
  Dataset d;
  d.name = s.dataset;
  d.n_classes = toy2d_classes(s);
  Labelled train = generate(s, s.n_train, g);
  Labelled test = generate(s, s.n_test, g);
  d.x_train = train.x.to(at::kFloat).contiguous();
  d.y_train = train.y.to(at::kLong).contiguous();
  d.x_test = test.x.to(at::kFloat).contiguous();
  d.y_test = test.y.to(at::kLong).contiguous();

  Tensor lo = std::get<0>(d.x_train.min(0)), hi = std::get<0>(d.x_train.max(0));
  const float margin = 0.5f;
  d.box = Box{lo[0].item<float>() - margin, hi[0].item<float>() + margin, lo[1].item<float>() - margin,
              hi[1].item<float>() + margin};

  const double noise = s.data_noise;
  if (s.dataset == "8gaussians" && noise > 0)
    d.log_p_true = [noise](const Tensor& x) { return eight_gaussians_logp(x, noise); };
  if (s.dataset == "8gaussians") {
    Tensor c = eight_centres().contiguous();
    d.modes.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  if (s.dataset == "checkerboard")
    d.log_p_true = [noise](const Tensor& x) { return checkerboard_logp(x, noise); };
  return d;
}

}  // namespace jem
