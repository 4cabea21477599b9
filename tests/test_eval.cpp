// Ground truth: quadrature against closed forms, the control dataset, exact NLL of trained models.
#include <gtest/gtest.h>

#include <cmath>

#include "core/control/control.h"
#include "core/eval/evaluate.h"
#include "core/eval/quadrature.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/util/error.h"

using namespace jem;

namespace {

const auto kOpt = at::TensorOptions().dtype(at::kFloat);

// Unnormalised log N(mu, diag(s0^2, s1^2)): Z = 2 pi s0 s1.
LogDensityFn gaussian(double m0, double m1, double s0, double s1) {
  return [=](const at::Tensor& x) {
    at::Tensor a = (x.select(1, 0) - m0) / s0, b = (x.select(1, 1) - m1) / s1;
    return -0.5 * (a * a + b * b);
  };
}

}  // namespace

TEST(Quadrature, LogZOfAGaussianMatchesTheClosedForm) {
  const Box box{-6, 6, -5, 7};
  LogPartition lz = log_partition(gaussian(0.5, 1.0, 0.7, 1.2), box, 256, kOpt);
  EXPECT_NEAR(lz.log_z, std::log(2 * M_PI * 0.7 * 1.2), 1e-3);
}

TEST(Quadrature, TheReportedErrorBoundsTheTrueErrorAndRefinement) {
  // A narrow Gaussian on a coarse grid, where the midpoint rule's error is far above rounding.
  const Box box{-2, 2, -2, 2};
  LogDensityFn g = gaussian(0.05, -0.1, 0.06, 0.08);
  const double exact = std::log(2 * M_PI * 0.06 * 0.08);
  LogPartition lz = log_partition(g, box, 48, kOpt);
  ASSERT_GT(lz.error, 1e-4) << "the grid should be coarse enough to matter";
  EXPECT_LT(std::abs(lz.log_z - exact), lz.error);
  // Halving the cell size moves log Z by less than the error reported at this resolution.
  const double finer = log_partition_at(g, box, 96, kOpt);
  EXPECT_LT(std::abs(finer - lz.log_z), lz.error);
  EXPECT_LT(std::abs(finer - exact), std::abs(lz.log_z - exact));
}

TEST(Quadrature, KlOfADensityToItselfIsZeroAndToAShiftedOneMatchesTheClosedForm) {
  const Box box{-8, 8, -8, 8};
  LogDensityFn p = gaussian(0, 0, 1, 1);
  const double log_z = std::log(2 * M_PI);
  LogDensityFn p_norm = [&](const at::Tensor& x) { return p(x) - log_z; };
  DensityComparison self = compare_densities(p_norm, p, log_z, box, 256, kOpt);
  EXPECT_NEAR(self.kl, 0.0, 1e-6);  // float32 evaluation of the same density
  EXPECT_NEAR(self.entropy_true, 1 + std::log(2 * M_PI), 1e-3);  // entropy of N(0, I_2)
  EXPECT_NEAR(self.true_mass, 1.0, 1e-4);
  // KL(N(0,I) || N(m,I)) = |m|^2 / 2.
  LogDensityFn q = gaussian(1.0, 0.5, 1, 1);
  DensityComparison shifted = compare_densities(p_norm, q, log_z, box, 256, kOpt);
  EXPECT_NEAR(shifted.kl, (1.0 + 0.25) / 2, 1e-3);
}

TEST(Control, JemLearnsTheJointAndTheBaselineOnlyTheConditional) {
  // A table whose p(x) is far from what the baseline's logits imply, and one drawn from a seed.
  const double skewed[4] = {0.40, 0.30, 0.20, 0.10};
  for (const TripleTable& truth : {joint_table(skewed), random_joint(42)}) {
    ControlResult r = run_control(truth);
    for (int x = 0; x < 2; ++x) {
      EXPECT_NEAR(r.jem.px[x], truth.px[x], 0.02);
      for (int y = 0; y < 2; ++y) {
        EXPECT_NEAR(r.jem.joint[x][y], truth.joint[x][y], 0.02) << "jem joint " << x << y;
        EXPECT_NEAR(r.jem.py_given_x[x][y], truth.py_given_x[x][y], 0.02);
        EXPECT_NEAR(r.baseline.py_given_x[x][y], truth.py_given_x[x][y], 0.02) << "baseline p(y|x) " << x << y;
      }
    }
  }
  ControlResult r = run_control(joint_table(skewed));
  EXPECT_GT(std::abs(r.baseline.px[0] - r.truth.px[0]), 0.15) << "the baseline's p(x) should be wrong here";
}

TEST(Control, BadTablesAreRefused) {
  EXPECT_THROW(parse_joint("0.5,0.5"), Error);
  EXPECT_THROW(parse_joint("0.5,0.5,x,0"), Error);
  EXPECT_THROW(parse_joint("-1,1,1,1"), Error);
  EXPECT_THROW(parse_joint("0,0,0.5,0.5"), Error);  // x = 0 never happens: p(y|x=0) undefined
  TripleTable t = parse_joint("1,1,1,1");
  EXPECT_DOUBLE_EQ(t.joint[1][0], 0.25);
}

// One JEM training on 8 Gaussians serves every claim about it (CI trains it once).
TEST(EightGaussians, JemClassifiesCoversEveryModeAndBeatsTheBaselineLikelihood) {
  Settings s;
  s.dataset = "8gaussians";
  s.n_train = 4000;
  s.eval_every = 0;
  Trainer jem(s);
  for (int i = 0; i < 1500; ++i) ASSERT_TRUE(std::isfinite(jem.step().loss)) << "step " << i;
  s.p_x_weight = 0;
  Trainer baseline(s);
  for (int i = 0; i < 1500; ++i) baseline.step();

  EXPECT_GE(jem.test_accuracy(), 0.95);
  // Every one of the 8 modes holds a fair share of the replay buffer (uniform chance would give
  // each ~1% within this radius), and most of the buffer sits near some mode.
  at::Tensor x = jem.state().buffer.x();
  at::Tensor k = at::arange(8, at::kFloat) * (2 * M_PI / 8);
  at::Tensor centres = at::stack({2 * at::cos(k), 2 * at::sin(k)}, 1);
  at::Tensor near = (x.unsqueeze(1) - centres.unsqueeze(0)).norm(2, 2) < 0.5;  // [N,8]
  for (int m = 0; m < 8; ++m) {
    const double share = near.select(1, m).to(at::kFloat).mean().item<double>();
    EXPECT_GT(share, 0.04) << "mode " << m << " holds only " << share << " of the buffer";
  }
  EXPECT_GT(near.any(1).to(at::kFloat).mean().item<double>(), 0.6);

  // Exact NLL by quadrature: the baseline's logits read as an energy are a terrible density.
  LikelihoodEval lj = eval_likelihood(jem, 256), lb = eval_likelihood(baseline, 256);
  ASSERT_TRUE(lj.has_truth);
  EXPECT_LT(lj.log_z_error, 0.05);
  EXPECT_LT(lj.test_nll, lb.test_nll - 5.0) << "JEM " << lj.test_nll << " vs baseline " << lb.test_nll;
  EXPECT_LT(lj.kl, lb.kl);
  // Nobody beats the truth (up to quadrature error), and the truth's NLL is its entropy.
  EXPECT_GT(lj.test_nll, lj.true_nll - 0.1);
  EXPECT_NEAR(lj.true_nll, lj.entropy_true, 0.1);

  // Calibration and OOD detection on the same models.
  Calibration c = eval_calibration(jem, 20);
  EXPECT_EQ(c.n, s.n_test);
  EXPECT_GE(c.accuracy, 0.95);
  OodEval ood = eval_ood(jem, "uniform"), ood_base = eval_ood(baseline, "uniform");
  ASSERT_EQ(ood.scores.size(), 4u);
  for (const auto& sc : ood.scores) {
    EXPECT_EQ(sc.hist.counts.size(), 2u);
    // Exercise 2's split: correct + misclassified is the test histogram, bin by bin.
    ASSERT_EQ(sc.split.counts.size(), 3u);
    ASSERT_EQ(sc.split.n_bins, sc.hist.n_bins);
    for (int b = 0; b < sc.hist.n_bins; ++b)
      EXPECT_EQ(sc.split.counts[0][size_t(b)] + sc.split.counts[1][size_t(b)], sc.hist.counts[0][size_t(b)]) << sc.score;
    EXPECT_EQ(sc.split.counts[2], sc.hist.counts[1]);
    EXPECT_EQ(sc.n_misclassified, std::llround((1 - c.accuracy) * double(c.n)));
  }
  // The classifier is less sure of what it gets wrong.
  if (ood.scores[1].n_misclassified > 0) EXPECT_LT(ood.scores[1].mean_misclassified, ood.scores[1].mean_correct);
  EXPECT_EQ(ood.scores[0].score, "px");
  EXPECT_GT(ood.scores[0].auroc, 0.5);
  EXPECT_GT(ood.scores[0].auroc, ood_base.scores[0].auroc + 0.2) << "JEM's log p(x) should flag noise far better";
  EXPECT_THROW(eval_ood(jem, "no_such_set"), Error);
}
