// The energy view of a classifier: analytic SGLD scores against autograd, conditional chains.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "tests/seeded_generator.h"

#include <sstream>

#include "core/jem/fused_adam.h"
#include "core/jem/sampler.h"
#include "core/jem/trainer_state.h"
#include "core/model/fused_activation.h"
#include "core/model/mlp.h"
#include "core/model/mlp_kernels.h"

using namespace jem;

namespace {

using jem::test_support::make_gen;

// f(x)[k] = -|x - c_k|^2 / 2: class k's conditional is N(c_k, I). Uses EnergyNet's autograd score.
class QuadraticNet : public EnergyNet {
 public:
  explicit QuadraticNet(at::Tensor centres) : c_(std::move(centres)) {}
  NetOutput forward_all(const at::Tensor& x) override {
    at::Tensor logits = -0.5 * (x.unsqueeze(1) - c_.unsqueeze(0)).pow(2).sum(2);
    return {logits, at::logsumexp(logits, 1)};
  }
  int n_classes() const override { return static_cast<int>(c_.size(0)); }

 private:
  at::Tensor c_;
};

}  // namespace

class MlpScore : public ::testing::TestWithParam<std::tuple<std::string, bool>> {
 protected:
  // The parameter's activation and head, at this size.
  MlpOptions options(int width, int depth, int n_classes) const {
    MlpOptions o;
    o.width = width, o.depth = depth, o.n_classes = n_classes;
    o.activation = std::get<0>(GetParam());
    o.uncond = std::get<1>(GetParam());
    return o;
  }
};

TEST_P(MlpScore, AnalyticGradientMatchesAutograd) {
  at::Generator gen = make_gen(4);
  Mlp net(options(32, 3, 5), gen);
  at::Tensor x = at::randn({64, 2}, gen) * 2;
  at::Tensor y = at::randint(5, {64}, gen, at::kLong);
  // 64 chains; 37 (padded columns) and 150 (three column chunks, the last narrower) of them.
  for (int64_t rows : {64, 37, 150}) {
    at::Tensor xr = at::randn({rows, 2}, gen) * 2, yr = at::randint(5, {rows}, gen, at::kLong);
    for (bool conditional : {false, true}) {
      at::Tensor yy = conditional ? yr : at::Tensor();
      auto fast = net.score(xr, yy);
      auto slow = net.EnergyNet::score(xr, yy);
      EXPECT_TRUE(at::allclose(fast.first, slow.first, 1e-4, 1e-5)) << "grad, conditional=" << conditional << ", rows " << rows;
      EXPECT_TRUE(at::allclose(fast.second, slow.second, 1e-4, 1e-5)) << "score, conditional=" << conditional << ", rows " << rows;
    }
  }
  // The conditional score is f(x)[y], the marginal one -E(x).
  NetOutput out = net.forward_all(x);
  EXPECT_TRUE(at::allclose(net.score(x, y).second, out.logits.gather(1, y.unsqueeze(1)).squeeze(1), 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(net.score(x, at::Tensor()).second, out.neg_energy, 1e-5, 1e-6));
}

// The training step's hand-written backward pass gives autograd's parameter gradients, for a JEM
// loss that uses the logits (cross-entropy, f(x)[y]) and -E(x) (contrast, energy regulariser).
// 600 rows are three of the passes' row blocks, the last one short.
TEST_P(MlpScore, HandBackwardOfTheTrainingStepMatchesAutograd) {
  // Width 24 takes the products' plain loop for its last 8 columns; 32 is two register tiles.
  for (auto [width, depth, n] : {std::tuple{24, 1, 24}, std::tuple{24, 3, 24}, std::tuple{24, 3, 300},
                                 std::tuple{32, 2, 300}}) {
    at::Generator gen = make_gen(7);
    Mlp net(options(width, depth, 4), gen);
    at::Tensor x = at::randn({2 * n, 2}, gen) * 2;
    at::Tensor y = at::randint(4, {n}, gen, at::kLong);
    auto loss_of = [&, n = n](const NetOutput& out) {
      at::Tensor ld = out.logits.narrow(0, 0, n), fd = out.neg_energy.narrow(0, 0, n);
      at::Tensor fq = out.neg_energy.narrow(0, n, n);
      return at::cross_entropy_loss(ld, y) - (fd.mean() - fq.mean()) + 0.3 * ld.gather(1, y.unsqueeze(1)).mean() +
             0.1 * (fd.pow(2).mean() + fq.pow(2).mean());
    };
    net.zero_grad();
    net.backward_from(loss_of(net.forward_train(x, false)));
    std::vector<at::Tensor> hand;
    for (const auto& p : net.parameters()) hand.push_back(p.grad().clone());
    net.zero_grad();
    loss_of(net.forward_all(x)).backward();
    size_t i = 0;
    for (const auto& p : net.parameters()) {
      ASSERT_TRUE(p.grad().defined());
      EXPECT_TRUE(at::allclose(hand[i], p.grad(), 1e-4, 1e-6)) << "parameter " << i << ", width " << width << ", depth " << depth << ", rows " << 2 * n;
      EXPECT_GT(p.grad().abs().max().item<double>(), 0) << "parameter " << i << " got no gradient";
      ++i;
    }
  }
}

// Without autograd forward_all runs the training step's hand-written pass: the same logits and
// -E(x) as ATen's layers, over row blocks (600 rows: three, the last short) and widths that take
// the products' plain loop (24) or register tiles only (32); a NaN input row stays NaN alone.
TEST_P(MlpScore, HandForwardWithoutAutogradMatchesATen) {
  for (auto [width, depth, rows] : {std::tuple{24, 1, 5}, std::tuple{24, 3, 600}, std::tuple{32, 2, 257}}) {
    at::Generator gen = make_gen(11);
    Mlp net(options(width, depth, 3), gen);
    at::Tensor x = at::randn({rows, 2}, gen) * 3;
    x[1][0] = NAN;
    const NetOutput aten = net.forward_all(x);  // grad mode on: ATen's layers
    ASSERT_FALSE(net.takes_hand_inference(x));
    torch::NoGradGuard no_grad;
    ASSERT_TRUE(net.takes_hand_inference(x));
    ASSERT_FALSE(net.takes_hand_inference(x.to(at::kDouble)));
    const NetOutput hand = net.forward_all(x);
    for (const auto& [a, h] : {std::pair{aten.logits, hand.logits}, std::pair{aten.neg_energy, hand.neg_energy}}) {
      ASSERT_EQ(a.sizes(), h.sizes());
      EXPECT_TRUE(at::allclose(a, h, 1e-5, 1e-5, /*equal_nan=*/true)) << "width " << width << ", rows " << rows;
      EXPECT_EQ(at::isnan(h).sum().item<int64_t>(), at::isnan(a).sum().item<int64_t>());
      EXPECT_TRUE(at::isnan(h[1]).all().item<bool>());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Activations, MlpScore,
                         ::testing::Combine(::testing::Values("silu", "leaky_relu", "relu"), ::testing::Bool()));

// The product against a plain double-precision one, for W and W^T read in place, with and
// without a bias (per row or per column) and multiplier, at sizes that leave every kind of short
// tile (1 to 5 rows past a multiple of 6, 1 past one of 2, column chunks of 16 to 64, and 5 or 8
// columns past a multiple of 16 for the plain loop), on each instruction set's tiles the CPU can run.
TEST(FeatureMajorProduct, MatchesAPlainProductAtEveryTileShape) {
  at::Generator gen = make_gen(11);
  for (ProductIsa isa : {ProductIsa::best, ProductIsa::avx2, ProductIsa::sse2})
    for (auto [m, k] : {std::pair{1, 1}, std::pair{2, 3}, std::pair{3, 2}, std::pair{4, 5}, std::pair{5, 128},
                          std::pair{9, 1}, std::pair{10, 3}, std::pair{11, 7}, std::pair{13, 128}, std::pair{128, 128}})
      for (int64_t n : {5, 16, 24, 48, 80, 144})
        for (bool transposed : {false, true}) {
          at::Tensor w = transposed ? at::randn({k, m}, gen) : at::randn({m, k}, gen);
          at::Tensor b = at::randn({k, n}, gen), bias = at::randn({m}, gen), mul = at::randn({m, n}, gen);
          at::Tensor bias_col = at::randn({n}, gen);
          at::Tensor c = at::full({m, n}, std::nanf(""));
          FeatureMajorProduct p;
          p.m = m, p.k = k, p.n = n, p.a = w.data_ptr<float>();
          p.a_row = transposed ? 1 : k, p.a_col = transposed ? m : 1;
          p.b = b.data_ptr<float>(), p.ldb = n, p.c = c.data_ptr<float>(), p.ldc = n;
          const bool with_extras = (m + n) % 2 == 0, per_column = (m + k) % 2 == 0;
          if (with_extras) p.mul = mul.data_ptr<float>();
          if (with_extras && per_column) p.bias_col = bias_col.data_ptr<float>();
          else if (with_extras) p.bias = bias.data_ptr<float>();
          feature_major_product(p, isa);
          at::Tensor a = (transposed ? w.t() : w).to(at::kDouble);
          at::Tensor ref = at::mm(a, b.to(at::kDouble));
          const at::Tensor start = per_column ? bias_col.to(at::kDouble).unsqueeze(0) : bias.to(at::kDouble).unsqueeze(1);
          if (with_extras) ref = (ref + start) * mul.to(at::kDouble);
          EXPECT_TRUE(at::allclose(c.to(at::kDouble), ref, 1e-5, 1e-4))
              << "isa " << int(isa) << ", m " << m << ", k " << k << ", n " << n << ", transposed " << transposed;
        }
}

// The SiLU written by the product as it stores C against silu_and_grad on the plain product,
// on each instruction set, in the tiles and in the plain loop's columns: values within float
// rounding, and a NaN, an infinity of either sign and saturating values kept as silu_and_grad
// keeps them (rows 0-4 of C start at those biases). Each call's values land at NaN-filled places.
TEST(FeatureMajorProduct, SiluEpilogueMatchesSiluAndGrad) {
  at::Generator gen = make_gen(12);
  const float inf = std::numeric_limits<float>::infinity();
  for (ProductIsa isa : {ProductIsa::best, ProductIsa::avx2, ProductIsa::sse2})
    for (auto [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{7, 5, 16}, {13, 128, 64}, {128, 128, 48}, {9, 3, 21}}) {
      at::Tensor w = at::randn({m, k}, gen) * 3, b = at::randn({k, n}, gen), bias = at::randn({m}, gen);
      float* bp = bias.data_ptr<float>();
      bp[0] = std::nanf(""), bp[1] = inf, bp[2] = -inf, bp[3] = 95, bp[4] = -95;
      FeatureMajorProduct p;
      p.m = m, p.k = k, p.n = n, p.a = w.data_ptr<float>(), p.a_row = k, p.a_col = 1;
      p.b = b.data_ptr<float>(), p.ldb = n, p.ldc = n, p.bias = bp;
      const at::Tensor plain = at::full({m, n}, std::nanf("")), fused = plain.clone(), grad = plain.clone(),
                       ref_grad = plain.clone();
      p.c = plain.data_ptr<float>();
      feature_major_product(p, isa);
      silu_and_grad(plain.data_ptr<float>(), ref_grad.data_ptr<float>(), m * n);
      p.c = fused.data_ptr<float>(), p.silu_grad = grad.data_ptr<float>();
      feature_major_product(p, isa);
      const std::string where = "isa " + std::to_string(int(isa)) + ", m " + std::to_string(m) + ", n " + std::to_string(n);
      EXPECT_TRUE(at::allclose(fused, plain, 2e-6, 1e-6, /*equal_nan=*/true)) << where;
      // Past row 0: at a NaN the derivative is whatever the clamp made of it, there as here; the
      // NaN itself goes on in C.
      EXPECT_TRUE(at::allclose(grad.narrow(0, 1, m - 1), ref_grad.narrow(0, 1, m - 1), 2e-6, 1e-6)) << where;
      EXPECT_TRUE(at::isnan(fused[0]).all().item<bool>()) << where;
      EXPECT_TRUE((fused[1] == inf).all().item<bool>() && (fused[2] == -inf).all().item<bool>()) << where;
      EXPECT_TRUE(at::isfinite(fused.narrow(0, 3, m - 3)).all().item<bool>()) << where;
    }
}

TEST(FusedActivation, SiluMatchesATenAndSaturatesAtExtremes) {
  at::Tensor z = torch::tensor({-1e30f, -1e4f, -100.f, -88.f, -20.f, -1.f, 0.f, 1.f, 20.f, 88.f, 100.f, 1e4f, 1e30f});
  at::Tensor ref = at::silu(z.to(at::kDouble));
  at::Tensor s = at::sigmoid(z.to(at::kDouble));
  at::Tensor ref_grad = s * (1 + z.to(at::kDouble) * (1 - s));
  ref_grad = at::where(z.abs() > 1e3, (z > 0).to(at::kDouble), ref_grad);  // the limits, without 0 * inf
  at::Tensor a = z.clone(), d = at::empty_like(z);
  silu_and_grad(a.data_ptr<float>(), d.data_ptr<float>(), z.numel());
  EXPECT_TRUE(at::isfinite(a).all().item<bool>()) << a;
  EXPECT_TRUE(at::isfinite(d).all().item<bool>()) << d;
  EXPECT_TRUE(at::allclose(a.to(at::kDouble), ref, 1e-5, 1e-6)) << a << ref;
  EXPECT_TRUE(at::allclose(d.to(at::kDouble), ref_grad, 1e-5, 1e-6)) << d << ref_grad;
}

// A NaN (a poisoned weight) must reach the loss for the guard to name it: the fused kernels are
// built with fast math, whose clamps would turn it into a number. 64 values: the vector loop too.
TEST(FusedActivation, ANonFinitePreActivationStaysNonFinite) {
  std::vector<float> z(64, 0.5f), d(64);
  z[0] = z[37] = std::numeric_limits<float>::quiet_NaN();
  z[5] = -std::numeric_limits<float>::infinity();
  silu_and_grad(z.data(), d.data(), 64);
  EXPECT_TRUE(std::isnan(z[0]) && std::isnan(z[37])) << z[0] << " " << z[37];
  EXPECT_FALSE(std::isfinite(z[5]));
  EXPECT_NEAR(z[1], 0.5 / (1 + std::exp(-0.5)), 1e-6);
  std::vector<float> r(64, -0.5f);
  r[3] = std::numeric_limits<float>::quiet_NaN();
  leaky_relu_and_grad(r.data(), d.data(), 64, 0.2f);
  EXPECT_TRUE(std::isnan(r[3]));
  EXPECT_NEAR(r[0], -0.1, 1e-7);
}

TEST(Sampler, ConditionalChainsFollowTheirClassLogitAndSlots) {
  // Build the sampler's state by hand around an analytic model.
  TrainerState t;
  t.s.proper_langevin = true;
  t.s.sgld_lr = 0.05;
  t.s.n_steps = 300;
  t.s.reinit_freq = 0;
  t.rng = std::make_unique<Rng>(9, at::kCPU);
  at::Tensor centres = torch::tensor({{-4.0f, 0.0f}, {4.0f, 0.0f}, {0.0f, 4.0f}});
  t.net = std::make_shared<QuadraticNet>(centres);
  at::Tensor xd = at::randn({300, 2}, t.rng->cpu()), yd = at::arange(300) % 3;
  t.init = ChainInit(xd, yd, 3, at::tensor({-6.0f, -6.0f}), at::tensor({6.0f, 6.0f}));
  t.buffer.reset(3000, 3, t.init, "uniform", 0, t.rng->dev());

  const int64_t n = 3000;
  at::Tensor y = at::arange(n) % 3;
  const at::Tensor before = t.buffer.x().clone();
  Samples s = sample_q(t, y, n, 0);
  for (int k = 0; k < 3; ++k) {
    at::Tensor xk = s.x.index({y == k});
    // Conditional chains sample N(c_k, (1 - eps/2)^-1 I): mean c_k.
    EXPECT_TRUE(at::allclose(xk.mean(0), centres[k], 0, 0.15)) << "class " << k << " mean " << xk.mean(0);
    EXPECT_NEAR(xk.var(0).mean().item<double>(), 1.0 / (1 - 0.025), 0.15);
  }
  // Results went back to each class's own slots: every slot that changed now holds a sample
  // of the class owning it.
  at::Tensor slot_class = at::div(at::arange(3000), 1000, "floor");
  at::Tensor changed = (t.buffer.x() != before).any(1);
  for (int k = 0; k < 3; ++k) {
    at::Tensor mine = changed & (slot_class == k);
    ASSERT_GT(mine.sum().item<int64_t>(), 500) << "class " << k;
    at::Tensor d = (t.buffer.x().index({mine}) - centres[k]).norm(2, 1);
    EXPECT_GT((d < 4.0).to(at::kFloat).mean().item<double>(), 0.98) << "class " << k;
  }
  // Unconditional chains spread over all three modes.
  Samples u = sample_q(t, at::Tensor(), n, 0);
  at::Tensor nearest = (u.x.unsqueeze(1) - centres.unsqueeze(0)).norm(2, 2).argmin(1);
  for (int k = 0; k < 3; ++k) EXPECT_GT((nearest == k).sum().item<int64_t>(), n / 6) << "mode " << k;
}

// The fused Adam follows torch's Adam step for step (float rounding apart), with L2 weight decay
// and a learning rate changed between steps, and keeps its moments where torch's Adam looks for
// them: a state passed from one to the other continues the same trajectory.
TEST(FusedAdam, FollowsTorchsAdamAndSharesItsState) {
  at::Generator gen = make_gen(11);
  MlpOptions o;
  o.width = 16, o.depth = 2, o.n_classes = 3;
  Mlp fused_net(o, gen), torch_net(o, gen);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < fused_net.parameters().size(); ++i) torch_net.parameters()[i].copy_(fused_net.parameters()[i]);
  }
  const auto opts = torch::optim::AdamOptions(0.05).betas({0.9, 0.999}).weight_decay(0.01);
  FusedAdam fused(fused_net.parameters(), opts);
  torch::optim::Adam reference(torch_net.parameters(), opts);
  at::Tensor x = at::randn({64, 2}, gen), y = at::randint(3, {64}, gen, at::kLong);
  const at::Tensor start = fused_net.parameters()[0].detach().clone();
  auto step = [&](Mlp& net, torch::optim::Optimizer& opt, double lr) {
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    opt.zero_grad();
    at::cross_entropy_loss(net.forward_all(x).logits, y).backward();
    opt.step();
  };
  for (int t = 0; t < 30; ++t) {
    const double lr = t < 10 ? 0.05 : 0.01;
    step(fused_net, fused, lr), step(torch_net, reference, lr);
  }
  for (size_t i = 0; i < fused_net.parameters().size(); ++i)
    EXPECT_TRUE(at::allclose(fused_net.parameters()[i], torch_net.parameters()[i], 1e-4, 1e-6)) << "parameter " << i;
  // The parameters moved far beyond the tolerance, so a wrong update cannot pass.
  EXPECT_GT((fused_net.parameters()[0] - start).abs().max().item<double>(), 0.05);
  // torch's Adam takes over the fused one's state (saved and loaded) and steps on the same way.
  std::stringstream saved;
  {
    torch::serialize::OutputArchive ar;
    fused.save(ar);
    ar.save_to(saved);
  }
  torch::optim::Adam resumed(fused_net.parameters(), opts);
  {
    torch::serialize::InputArchive ar;
    ar.load_from(saved);
    resumed.load(ar);
  }
  ASSERT_EQ(resumed.state().size(), fused.state().size());
  step(fused_net, resumed, 0.01);
  step(torch_net, reference, 0.01);
  for (size_t i = 0; i < fused_net.parameters().size(); ++i)
    EXPECT_TRUE(at::allclose(fused_net.parameters()[i], torch_net.parameters()[i], 1e-4, 1e-6)) << "resumed " << i;
}
