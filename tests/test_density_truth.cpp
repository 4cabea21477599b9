// Density truth: the exact quadrature negative phase, MALA's exact target, the tempered density
// the chains sample, and a seeded run of the quadrature estimator against the analytic 8 Gaussians.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "tests/seeded_generator.h"

#include <cmath>

#include "core/eval/evaluate.h"
#include "core/eval/quadrature.h"
#include "core/jem/chain_temperature.h"
#include "core/jem/objective.h"
#include "core/jem/sgld.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/schema.h"
#include "core/util/error.h"

using namespace jem;

namespace {

using jem::test_support::make_gen;

// log pi(x) = -(x-mu)^T A (x-mu) / 2, as in test_sgld.cpp.
ScoreFn gaussian_score(const at::Tensor& A, const at::Tensor& mu) {
  return [A, mu](const at::Tensor& x, const at::Tensor&) {
    at::Tensor d = x - mu;
    return std::make_pair(-at::mm(d, A), -0.5 * (at::mm(d, A) * d).sum(1));
  };
}

Settings eight_gaussians_quadrature() {
  Settings s;
  s.dataset = "8gaussians";
  s.p_x_estimator = "quadrature";
  s.n_steps = 0;  // the chains only feed the views here: keep the test fast
  s.eval_every = 0;
  s.threads = 2;
  return s;
}

}  // namespace

TEST(ChainTemperature, BetaIsTwoStepOverNoiseSquaredAndOneForProperSamplers) {
  Settings s;  // 2D defaults: sgld_lr 0.1, sgld_std 0.01
  EXPECT_NEAR(chains_beta(s), 2000.0, 1e-9);
  EXPECT_NE(chains_density_note(s).find("exp(2000 f)"), std::string::npos) << chains_density_note(s);
  s.sgld_lr = 1, s.sgld_std = 0.01;  // the official CIFAR pair
  EXPECT_NEAR(chains_beta(s), 20000.0, 1e-6);
  s.proper_langevin = true;
  EXPECT_EQ(chains_beta(s), 1.0);
  s.proper_langevin = false, s.sampler = "mala";
  EXPECT_EQ(chains_beta(s), 1.0);
  s.sampler = "sgld", s.sgld_std = 0;
  EXPECT_TRUE(std::isinf(chains_beta(s)));
}

TEST(Quadrature, GradientOfLogZIsTheExactExpectationAndMatchesFiniteDifferences) {
  Trainer t(eight_gaussians_quadrature());
  EnergyNet& net = *t.state().net;
  const Box box = likelihood_box(t.state().data.box);
  const int res = 48;
  at::Tensor grid = grid_centres(box, res, at::TensorOptions().dtype(at::kFloat));
  const double log_area = log_cell_area(box, res);
  auto log_z = [&]() { return at::logsumexp(net.forward_all(grid).neg_energy.to(at::kDouble), 0) + log_area; };
  at::Tensor w = net.parameters()[0];  // first layer weights [width, 2]
  net.zero_grad();
  log_z().backward();
  at::Tensor autograd = w.grad().clone();
  // E_p[grad f]: the softmax over cells of f, weighting each cell's gradient.
  net.zero_grad();
  at::Tensor f = net.forward_all(grid).neg_energy;
  (at::softmax(f.detach().to(at::kDouble), 0) * f.to(at::kDouble)).sum().backward();
  at::Tensor expectation = w.grad().clone();
  EXPECT_TRUE(at::allclose(autograd, expectation, 1e-5, 1e-7));
  torch::NoGradGuard no_grad;
  int checked = 0;
  for (int64_t i = 0; i < 6; ++i) {
    float* wi = w.data_ptr<float>() + i * 7 % w.numel();
    const float h = 1e-2f, keep = *wi;
    *wi = keep + h;
    const double up = log_z().item<double>();
    *wi = keep - h;
    const double down = log_z().item<double>();
    *wi = keep;
    const double fd = (up - down) / (2 * h), g = autograd.view(-1)[i * 7 % w.numel()].item<double>();
    EXPECT_NEAR(fd, g, 2e-3 + 2e-2 * std::abs(g)) << "weight " << i * 7;
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(Quadrature, TheQuadratureLossIsTheExactNllOfTheBatch) {
  Trainer t(eight_gaussians_quadrature());
  TrainerState& st = t.state();
  const Box box = likelihood_box(st.data.box);
  JemBatch b;
  b.x = st.x_train.narrow(0, 0, 64), b.y = st.y_train.narrow(0, 0, 64);
  b.grid = grid_centres(box, 64, b.x.options());
  b.log_cell_area = log_cell_area(box, 64);
  Settings s = st.s;
  s.p_y_given_x_weight = 0;
  JemLoss L = jem_loss(*st.net, b, s);
  torch::NoGradGuard no_grad;
  const double log_z = log_partition_at([&](const at::Tensor& x) { return st.net->forward_all(x).neg_energy; }, box, 64,
                                        b.x.options());
  const double nll = log_z - st.net->forward_all(b.x).neg_energy.mean().item<double>();
  EXPECT_NEAR(L.l_px.item<double>(), nll, 1e-4);
}

TEST(Quadrature, TemperedKlOfAGaussianEnergyMatchesTheClosedForm) {
  // f = -|x|^2 / 2: exp(beta f) is N(0, I / beta). p_true = N(0, v I) in 2D:
  // KL(p_true || N(0, I / beta)) = log(1 / (beta v)) + beta v - 1.
  const Box box{-8, 8, -8, 8};
  const int res = 256;
  auto opt = at::TensorOptions().dtype(at::kFloat);
  LogDensityFn f = [](const at::Tensor& x) { return -0.5 * x.pow(2).sum(1); };
  const double v = 0.5;
  LogDensityFn truth = [v](const at::Tensor& x) { return -0.5 * x.pow(2).sum(1) / v - std::log(2 * M_PI * v); };
  const at::Tensor fg = eval_on_grid(f, box, res, opt), fh = eval_on_grid(f, box, res / 2, opt);
  const at::Tensor lt = eval_on_grid(truth, box, res, opt);
  for (double beta : {1.0, 2.0, 4.0}) {
    const TemperedDensity d = tempered_density(beta, fg, fh, lt, box, res);
    EXPECT_NEAR(d.log_z, std::log(2 * M_PI / beta), 1e-3) << "beta " << beta;
    EXPECT_NEAR(d.kl, std::log(1 / (beta * v)) + beta * v - 1, 2e-3) << "beta " << beta;
  }
  EXPECT_NEAR(tempered_density(2.0, fg, fh, lt, box, res).kl, 0.0, 1e-4);  // beta v = 1: the truth itself
  EXPECT_TRUE(std::isnan(tempered_density(INFINITY, fg, fh, lt, box, res).kl));
}

TEST(Mala, ReachesTheExactGaussianMomentsWhereTheUnadjustedChainIsBiased) {
  const at::Tensor A = torch::tensor({{2.0f, 0.6f}, {0.6f, 1.0f}}), mu = torch::tensor({1.0f, -2.0f});
  SgldParams p;
  p.step = 0.5;  // large: the unadjusted chain's covariance (A - step A^2 / 2)^-1 is far off
  p.noise_std = 1.0;  // proper noise sqrt(2 * 0.5) for the unadjusted chain
  p.n_steps = 400;
  const int64_t n = 20000;
  at::Generator gen = make_gen(21);
  p.mala = true;
  SgldResult m = run_mala(gaussian_score(A, mu), at::zeros({n, 2}), at::Tensor(), p, gen);
  p.mala = false;
  at::Generator gen2 = make_gen(21);
  SgldResult ula = run_sgld(gaussian_score(A, mu), at::zeros({n, 2}), at::Tensor(), p, gen2);

  const at::Tensor exact = at::inverse(A.to(at::kDouble));
  auto moments = [](const at::Tensor& x) {
    at::Tensor xd = x.to(at::kDouble), c = xd - xd.mean(0);
    return std::make_pair(xd.mean(0), at::mm(c.t(), c) / (x.size(0) - 1));
  };
  auto [mean, cov] = moments(m.x);
  for (int i = 0; i < 2; ++i) {
    const double se = std::sqrt(exact[i][i].item<double>() / n);
    // MALA chains are correlated across steps, not across chains: chain ends are independent draws.
    EXPECT_NEAR(mean[i].item<double>(), mu[i].item<double>(), 5 * se) << "mean " << i;
    for (int j = 0; j < 2; ++j) {
      const double cij = exact[i][j].item<double>();
      const double se_c = std::sqrt((exact[i][i].item<double>() * exact[j][j].item<double>() + cij * cij) / n);
      EXPECT_NEAR(cov[i][j].item<double>(), cij, 5 * se_c) << "cov " << i << j;
    }
  }
  EXPECT_GT(m.accept_rate, 0.2);
  EXPECT_LT(m.accept_rate, 0.95);
  // The unadjusted chain at the same step is off by many standard errors.
  auto [mean_u, cov_u] = moments(ula.x);
  EXPECT_GT(cov_u[0][0].item<double>(), 1.5 * exact[0][0].item<double>());
}

TEST(Mala, AcceptanceTendsToOneAsTheStepGoesToZeroAndProposalsLeavingTheBoxAreRejected) {
  const at::Tensor A = torch::tensor({{2.0f, 0.6f}, {0.6f, 1.0f}}), mu = torch::tensor({1.0f, -2.0f});
  double last = 0;
  for (double step : {0.3, 0.03, 0.003, 0.0003}) {
    SgldParams p;
    p.mala = true, p.step = step, p.n_steps = 20;
    at::Generator gen = make_gen(5);
    const double acc = run_mala(gaussian_score(A, mu), at::randn({4000, 2}, gen) + mu, at::Tensor(), p, gen).accept_rate;
    EXPECT_GT(acc, last) << "step " << step;
    last = acc;
  }
  EXPECT_GT(last, 0.995);
  SgldParams p;
  p.mala = true, p.step = 0.5, p.n_steps = 50;
  p.lo = torch::tensor({0.0f, -3.0f}), p.hi = torch::tensor({1.5f, -1.0f});
  at::Generator gen = make_gen(9);
  SgldResult r = run_sgld(gaussian_score(A, mu), at::full({500, 2}, 0.0f) + torch::tensor({1.0f, -2.0f}), at::Tensor(),
                          p, gen);
  EXPECT_GE(r.x.select(1, 0).min().item<float>(), 0.0f);
  EXPECT_LE(r.x.select(1, 0).max().item<float>(), 1.5f);
  EXPECT_GE(r.x.select(1, 1).min().item<float>(), -3.0f);
  EXPECT_LE(r.x.select(1, 1).max().item<float>(), -1.0f);
}

TEST(Trainer, MalaStepAdaptsTowardTheTargetAndSurvivesASaveAndLoad) {
  Settings s;
  s.dataset = "moons", s.sampler = "mala", s.sgld_lr = 0.002, s.mala_target_accept = 0.57, s.eval_every = 0;
  s.threads = 2;
  Trainer t(s);
  StepStats st = t.step();
  EXPECT_GT(st.accept_rate, 0.9);  // so small a step accepts nearly every proposal
  for (int i = 0; i < 40; ++i) st = t.step();
  EXPECT_GT(st.sampler_step, 0.004);  // the step grew toward 57% acceptance
  EXPECT_NEAR(st.accept_rate, 0.57, 0.15);
  std::unique_ptr<Trainer> back = Trainer::deserialize(t.serialize(), "test");
  EXPECT_EQ(back->state().mala_step, t.state().mala_step);
  EXPECT_EQ(back->step().loss, t.step().loss);  // bit-identical continuation
}

TEST(Trainer, QuadratureOnImagesIsRefusedWithAMessage) {
  Settings s;
  s.dataset = "shapes", s.model = "cnn", s.p_x_estimator = "quadrature";
  try {
    Trainer t(s);
    FAIL() << "quadrature on images was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p_x_estimator"), std::string::npos) << e.what();
  }
}

TEST(EightGaussians, TheQuadratureEstimatorLearnsTheTrueDensity) {
  // JEM with a perfect sampler, seeded and bounded: well below the official sampler's 3.5 nats.
  Settings s = eight_gaussians_quadrature();
  Trainer t(s);
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(std::isfinite(t.step().loss)) << "step " << i;
  const LikelihoodEval e = eval_likelihood(t, 128);
  ASSERT_TRUE(e.has_truth);
  EXPECT_LT(e.kl, 0.15) << "KL(p_true || p_model) after 600 quadrature iterations";
  EXPECT_GE(t.test_accuracy(), 0.98);
}
