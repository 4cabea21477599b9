// Seeded statistical tests of the sampler: Langevin on analytic energies, buffer reinit and slots.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "tests/seeded_generator.h"


#include "core/jem/chain_init.h"
#include "core/jem/replay_buffer.h"
#include "core/jem/sampler.h"
#include "core/jem/sgld.h"
#include "core/params/settings.h"

using namespace jem;

namespace {

using jem::test_support::make_gen;

// log p(x) = -(x-mu)^T A (x-mu) / 2: score = -A (x - mu).
struct Gaussian2D {
  at::Tensor A = torch::tensor({{2.0f, 0.6f}, {0.6f, 1.0f}});
  at::Tensor mu = torch::tensor({1.0f, -2.0f});
  ScoreFn score() const {
    return [this](const at::Tensor& x, const at::Tensor&) {
      at::Tensor d = x - mu;
      return std::make_pair(-at::mm(d, A), -0.5 * (at::mm(d, A) * d).sum(1));
    };
  }
};

}  // namespace

TEST(Sgld, ProperLangevinReproducesGaussianMeanAndCovariance) {
  Gaussian2D g;
  Settings s;
  s.proper_langevin = true;
  s.sgld_lr = 0.05;
  SgldParams p;
  p.step = s.sgld_lr;
  p.noise_std = langevin_noise_std(s);
  ASSERT_DOUBLE_EQ(p.noise_std, std::sqrt(2 * 0.05));
  p.n_steps = 600;  // ~20 relaxation times of the slowest direction
  const int64_t n = 20000;
  at::Generator gen = make_gen(7);
  SgldResult r = run_sgld(g.score(), at::zeros({n, 2}), at::Tensor(), p, gen);

  // The unadjusted chain's exact stationary law: N(mu, (A - eps A^2 / 2)^-1).
  at::Tensor A = g.A.to(at::kDouble);
  at::Tensor cov = at::inverse(A - 0.5 * p.step * at::mm(A, A));
  at::Tensor x = r.x.to(at::kDouble);
  at::Tensor m = x.mean(0);
  at::Tensor c = x - m;
  at::Tensor emp = at::mm(c.t(), c) / (n - 1);
  for (int i = 0; i < 2; ++i) {
    const double se = std::sqrt(cov[i][i].item<double>() / n);
    EXPECT_NEAR(m[i].item<double>(), g.mu[i].item<double>(), 5 * se) << "mean " << i;
    for (int j = 0; j < 2; ++j) {
      const double cij = cov[i][j].item<double>();
      const double se_c = std::sqrt((cov[i][i].item<double>() * cov[j][j].item<double>() + cij * cij) / n);
      EXPECT_NEAR(emp[i][j].item<double>(), cij, 5 * se_c) << "cov " << i << j;
    }
  }
  // And the official non-Langevin noise (0.01) collapses the chains far below the target spread.
  p.noise_std = 0.01;
  at::Generator gen2 = make_gen(7);
  SgldResult narrow = run_sgld(g.score(), at::zeros({2000, 2}), at::Tensor(), p, gen2);
  EXPECT_LT(narrow.x.var(0).max().item<double>(), 0.01 * cov.diag().min().item<double>());
}

TEST(Sgld, RecordsEveryStepOfTheChosenChainsOnly) {
  Gaussian2D g;
  SgldParams p;
  p.n_steps = 5;
  p.record = 3;
  at::Generator gen = make_gen(1);
  at::Tensor x0 = at::randn({8, 2}, gen);
  SgldResult r = run_sgld(g.score(), x0, at::Tensor(), p, gen);
  ASSERT_EQ(r.trajectory.sizes(), (std::vector<int64_t>{6, 3, 2}));
  EXPECT_TRUE(at::equal(r.trajectory[0], x0.narrow(0, 0, 3)));
  EXPECT_TRUE(at::equal(r.trajectory[5], r.x.narrow(0, 0, 3)));
  p.record = 0;
  EXPECT_FALSE(run_sgld(g.score(), x0, at::Tensor(), p, gen).trajectory.defined());
}

TEST(Sgld, ClampKeepsChainsInTheBoxAndClipBoundsTheDrift) {
  Gaussian2D g;
  SgldParams p;
  p.n_steps = 50;
  p.step = 10;  // wildly unstable without the clamp
  p.lo = torch::tensor({-1.0f, -1.0f});
  p.hi = torch::tensor({1.0f, 1.0f});
  at::Generator gen = make_gen(3);
  SgldResult r = run_sgld(g.score(), at::zeros({100, 2}), at::Tensor(), p, gen);
  EXPECT_LE(r.x.abs().max().item<float>(), 1.0f);
  SgldParams q;
  q.n_steps = 1;
  q.step = 1;
  q.noise_std = 0;
  q.clip_grad = 0.5;
  at::Tensor far = torch::full({4, 2}, 100.0f);
  SgldResult c = run_sgld(g.score(), far, at::Tensor(), q, gen);
  EXPECT_LE((c.x - far).abs().max().item<float>(), 0.5f + 1e-6f);
}

TEST(ReplayBuffer, ReinitFractionMatchesReinitFreq) {
  at::Tensor x = torch::randn({400, 2}), y = torch::arange(400) % 4;
  ChainInit init(x, y, 4, torch::tensor({-3.0f, -3.0f}), torch::tensor({3.0f, 3.0f}));
  ReplayBuffer buf;
  const int64_t n = 4000;
  buf.restore(torch::full({n, 2}, 100.0f), torch::full({n}, 7, torch::kLong), init, 4);
  at::Generator gen = make_gen(11);
  const int64_t batch = 40000;
  for (double f : {0.05, 0.3}) {
    ChainStart s = buf.draw(batch, at::Tensor(), f, init, "uniform", 0, gen);
    at::Tensor fresh = s.x0.select(1, 0) != 100.0f;
    const double k = fresh.sum().item<double>();
    const double sd = std::sqrt(batch * f * (1 - f));
    EXPECT_NEAR(k, batch * f, 5 * sd) << "reinit_freq " << f;
    // Fresh chains start at age 0, the others keep their age.
    EXPECT_TRUE(at::equal(s.age0 == 0, fresh));
  }
}

TEST(ReplayBuffer, ClassConditionalDrawsStayInTheirClassSlots) {
  at::Tensor x = torch::randn({400, 2}), y = torch::arange(400) % 4;
  ChainInit init(x, y, 4, torch::tensor({-3.0f, -3.0f}), torch::tensor({3.0f, 3.0f}));
  ReplayBuffer buf;
  at::Generator gen = make_gen(5);
  buf.reset(1002, 4, init, "gaussian", 0, gen);
  ASSERT_EQ(buf.size(), 1000);  // rounded down to a multiple of K
  at::Tensor labels = at::randint(4, {5000}, gen, at::kLong);
  ChainStart s = buf.draw(5000, labels, 0.0, init, "uniform", 0, gen);
  EXPECT_TRUE(at::equal(at::div(s.idx, 250, "floor"), labels));
}

TEST(ChainInit, GaussianModeMatchesEachClassMeanAndCovariance) {
  at::Generator gen = make_gen(2);
  at::Tensor y = torch::arange(3000) % 2;
  at::Tensor x = at::randn({3000, 2}, gen) * torch::tensor({0.5f, 2.0f}) + (y.unsqueeze(1) * 4.0f);
  ChainInit init(x, y, 2, torch::tensor({-3.0f, -3.0f}), torch::tensor({3.0f, 3.0f}));
  at::Tensor want = torch::ones({20000}, torch::kLong);
  at::Tensor s = init.sample(20000, want, "gaussian", 0, gen);
  EXPECT_NEAR(s.mean(0)[0].item<double>(), 4.0, 0.05);
  EXPECT_NEAR(s.std(0)[0].item<double>(), 0.5, 0.03);
  EXPECT_NEAR(s.std(0)[1].item<double>(), 2.0, 0.1);
}
