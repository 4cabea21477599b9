// Adversarial robustness: PGD's projections and its closed-form answer on a linear classifier,
// and robust accuracy, refinement and purification on seeded 2D runs.
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>

#include "core/eval/defences.h"
#include "core/eval/evaluate.h"
#include "core/eval/pgd.h"
#include "core/eval/robustness.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/schema.h"
#include "core/util/error.h"

using namespace jem;

namespace {

at::Generator seeded(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

// Two logits: [w.x + b, 0]. Class 0 wins where w.x + b > 0.
std::function<at::Tensor(const at::Tensor&)> linear_logits(const at::Tensor& w, double b) {
  return [w, b](const at::Tensor& x) {
    at::Tensor a = at::matmul(x, w) + b;
    return at::stack({a, at::zeros_like(a)}, 1);
  };
}

double max_violation(const at::Tensor& path, const at::Tensor& x0, double eps, AttackNorm norm, const at::Tensor& lo,
                     const at::Tensor& hi) {
  at::Tensor d = path - x0.unsqueeze(0);
  at::Tensor dist = norm == AttackNorm::Linf ? d.abs().amax(2) : d.norm(2, 2);
  const double ball = (dist - eps).max().item<double>();
  const double box = std::max((lo - path).max().item<double>(), (path - hi).max().item<double>());
  return std::max(ball, box);
}

}  // namespace

TEST(Pgd, EveryIterateStaysInTheBallAndTheBox) {
  at::Generator g = seeded(3);
  torch::nn::Sequential net(torch::nn::Linear(4, 16), torch::nn::Tanh(), torch::nn::Linear(16, 3));
  auto logits = [&](const at::Tensor& x) { return net->forward(x); };
  const at::Tensor lo = at::full({4}, -0.3), hi = at::full({4}, 0.5);
  const at::Tensor x0 = lo + (hi - lo) * at::rand({64, 4}, g);
  const at::Tensor y = at::randint(3, {64}, g);
  for (AttackNorm norm : {AttackNorm::Linf, AttackNorm::L2}) {
    PgdParams p;
    p.norm = norm, p.eps = 0.4, p.step = 0.15, p.n_steps = 30, p.lo = lo, p.hi = hi;  // the box binds before the ball
    at::Tensor path;
    p.path = &path;
    pgd_attack(cross_entropy_grad(logits), x0, y, p, g);
    ASSERT_EQ(path.size(0), 31);
    EXPECT_LE(max_violation(path, x0, p.eps, norm, lo, hi), 1e-6) << (norm == AttackNorm::Linf ? "linf" : "l2");
    EXPECT_GT((path[30] - x0).abs().max().item<double>(), 0.1) << "the attack should move";
  }
}

TEST(Pgd, TheL2ProjectionIsTheNearestPointOfBallAndBox) {
  at::Generator g = seeded(5);
  const at::Tensor lo = at::full({3}, -1.0), hi = at::full({3}, 1.0);
  const at::Tensor x0 = at::rand({16, 3}, g) * 1.6 - 0.8, x = at::randn({16, 3}, g) * 1.5;
  const double eps = 0.7;
  const at::Tensor z = project_ball_box(x, x0, eps, AttackNorm::L2, lo, hi);
  EXPECT_LE(((z - x0).norm(2, 1) - eps).max().item<double>(), 1e-6);
  EXPECT_LE(std::max((lo - z).max().item<double>(), (z - hi).max().item<double>()), 0.0);
  // No feasible point of 20000 random ones per row is nearer to x (the set is convex, so a
  // nearer one would show the projection is not exact).
  for (int i = 0; i < 16; ++i) {
    at::Tensor c = x0[i] + (at::rand({20000, 3}, g) * 2 - 1) * eps;
    c = c.index({((c - x0[i]).norm(2, 1) <= eps) & (c >= lo).all(1) & (c <= hi).all(1)});
    ASSERT_GT(c.size(0), 1000);
    const double best = (c - x[i]).norm(2, 1).min().item<double>();
    EXPECT_LE((z[i] - x[i]).norm().item<double>(), best + 1e-6) << "row " << i;
  }
  // Far from the box's walls it is the radial projection onto the sphere.
  const at::Tensor big_lo = at::full({3}, -100.0), big_hi = at::full({3}, 100.0);
  const at::Tensor radial = x0 + (x - x0) * (eps / (x - x0).norm(2, 1, true)).clamp_max(1.0);
  EXPECT_LE((project_ball_box(x, x0, eps, AttackNorm::L2, big_lo, big_hi) - radial).abs().max().item<double>(), 1e-5);
}

TEST(Pgd, OnALinearClassifierTheAttacksReachTheClosedFormMinimalPerturbation) {
  // The nearest point of the other class lies at |w.x + b| / ||w||_2 (L2) and / ||w||_1 (L-inf),
  // along -w and -sign(w): PGD must cross just above that radius, not just below, and land there.
  const at::Tensor w = at::tensor({0.6f, -0.8f, 0.3f}), x0 = at::tensor({0.4f, -0.2f, 0.1f}).view({1, 3});
  const double b = 0.05, margin = (at::matmul(x0, w) + b).item<double>();
  ASSERT_GT(margin, 0);
  const at::Tensor y = at::zeros({1}, at::kLong), lo = at::full({3}, -10.0), hi = at::full({3}, 10.0);
  at::Generator g = seeded(1);
  struct Case { AttackNorm norm; double d; at::Tensor dir; };
  const Case cases[] = {{AttackNorm::L2, margin / w.norm().item<double>(), -w / w.norm()},
                        {AttackNorm::Linf, margin / w.abs().sum().item<double>(), -w.sign()}};
  for (const Case& c : cases) {
    for (double scale : {0.98, 1.02}) {
      PgdParams p;
      p.norm = c.norm, p.eps = c.d * scale, p.step = p.eps / 8, p.n_steps = 60, p.random_start = false, p.lo = lo, p.hi = hi;
      const at::Tensor adv = pgd_attack(cross_entropy_grad(linear_logits(w, b)), x0, y, p, g);
      const int pred = linear_logits(w, b)(adv).argmax(1).item<int>();
      EXPECT_EQ(pred, scale < 1 ? 0 : 1) << "eps " << p.eps << " against the minimal " << c.d;
      EXPECT_LE((adv - (x0 + c.dir * p.eps)).abs().max().item<double>(), 1e-5) << "the attack's end point";
    }
  }
}

TEST(Pgd, BadDistancesAndRadiiAreRefusedByName) {
  EXPECT_THROW(attack_norm("l3"), Error);
  Settings s;
  EXPECT_THROW(set_param(s, "distance", "l1"), Error);
  for (const char* bad : {"0,abc", "-0.1", "", "0,,1", "nan"}) {
    s.eps = bad;
    try {
      validate(s);
      ADD_FAILURE() << "eps '" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("eps"), std::string::npos) << e.what();
    }
  }
  s.eps = "0.3,0,0.1,0.1";
  EXPECT_EQ(attack_radii(s), (std::vector<double>{0, 0.1, 0.3}));
}

// JEM and the baseline classifier (no p(x) term) on the default moons, 600 iterations each.
// Outside the anonymous namespace: the TEST_F classes derived from it have external linkage.
class RobustnessRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Settings s;
    s.eval_every = 0;
    s.n_test = 500;
    s.eps = "0,0.1,0.3,0.5";
    s.threads = 1;  // ctest runs two tests at once on two cores: OpenMP teams would fight
    jem_ = new Trainer(s);
    for (int i = 0; i < 600; ++i) jem_->step();
    s.p_x_weight = 0;
    base_ = new Trainer(s);
    for (int i = 0; i < 600; ++i) base_->step();
  }
  static void TearDownTestSuite() {
    delete jem_;
    delete base_;
  }
  static Trainer* jem_;
  static Trainer* base_;
};
Trainer* RobustnessRun::jem_ = nullptr;
Trainer* RobustnessRun::base_ = nullptr;

namespace {

size_t index_of(const std::vector<std::string>& v, const std::string& name) {
  return size_t(std::find(v.begin(), v.end(), name) - v.begin());
}

}  // namespace

TEST_F(RobustnessRun, AtEpsZeroEachDefenceKeepsItsCleanAccuracyAndNoneGainsWithEps) {
  const RobustnessEval e = eval_robustness(*jem_);
  ASSERT_EQ(e.defences, (std::vector<std::string>{"plain", "refined", "purified"}));
  ASSERT_EQ(e.eps, (std::vector<double>{0, 0.1, 0.3, 0.5}));
  EXPECT_EQ(e.n_points, 500);
  EXPECT_DOUBLE_EQ(e.clean[0], eval_classifier(*jem_).accuracy);
  for (size_t k = 0; k < e.defences.size(); ++k) {
    EXPECT_DOUBLE_EQ(e.accuracy[k][0], e.clean[k]) << e.defences[k];
    for (size_t j = 1; j < e.eps.size(); ++j) EXPECT_LE(e.accuracy[k][j], e.accuracy[k][j - 1]) << e.defences[k];
  }
  EXPECT_LT(e.accuracy[0].back(), 0.5 * e.clean[0]) << "eps 0.5 crosses the moons' gap: the attack must bite";
  // Seeded: the same figures again.
  EXPECT_EQ(eval_robustness(*jem_).accuracy, e.accuracy);
}

TEST_F(RobustnessRun, JemsDefencesResistAtLeastAsWellAsTheBaseline) {
  const RobustnessEval j = eval_robustness(*jem_), b = eval_robustness(*base_);
  const size_t refined = index_of(j.defences, "refined"), purified = index_of(j.defences, "purified");
  // 500 points: the standard error of a difference of two accuracies near 0.7 is about 0.03.
  // Seeds 1-3 measured +0.03..+0.06 at eps 0.3 and +0.04..+0.16 at eps 0.5 for refined.
  EXPECT_GE(j.accuracy[refined][2], b.accuracy[0][2] - 0.03) << "eps 0.3";
  EXPECT_GE(j.accuracy[0][2], b.accuracy[0][2] - 0.03) << "JEM's plain classifier at eps 0.3";
  EXPECT_GT(std::max(j.accuracy[refined][3], j.accuracy[purified][3]), b.accuracy[0][3]) << "eps 0.5";
}

TEST_F(RobustnessRun, AttackingThroughTheDefenceNeverCreditsIt) {
  // The baseline's refinement masks gradients (its chains run far off into saturated logits):
  // the adaptive attack alone would make it look robust, so the transferred attack still counts.
  Settings s = base_->settings();
  s.eps = "0.5";
  s.attack_points = 100;
  base_->apply(s);
  const RobustnessEval transfer = eval_robustness(*base_);
  s.attack_through_defence = true;
  base_->apply(s);
  const RobustnessEval adaptive = eval_robustness(*base_);
  s = base_->settings();
  s.attack_through_defence = false;
  s.eps = "0,0.1,0.3,0.5";
  s.attack_points = 500;
  base_->apply(s);
  for (size_t k = 0; k < transfer.defences.size(); ++k)
    EXPECT_LE(adaptive.accuracy[k][0], transfer.accuracy[k][0]) << transfer.defences[k];
  EXPECT_DOUBLE_EQ(adaptive.accuracy[0][0], transfer.accuracy[0][0]) << "the plain classifier faces one attack";
}

TEST_F(RobustnessRun, APointsPathStaysInItsBallAndPurificationDescendsTheEnergy) {
  const LabelledPoint p = test_point(*jem_, 4);
  const AttackPath a = attack_point(*jem_, p.x, p.y, p.label, 0.3);
  const int n = jem_->settings().n_steps_pgd_attack;
  ASSERT_EQ(a.attack_xy.size(), size_t(n + 1) * 2);
  ASSERT_EQ(a.attack_pred.size(), size_t(n + 1));
  for (int k = 0; k <= n; ++k) {
    EXPECT_LE(std::abs(a.attack_xy[2 * k] - p.x), 0.3 + 1e-5);
    EXPECT_LE(std::abs(a.attack_xy[2 * k + 1] - p.y), 0.3 + 1e-5);
  }
  const int steps = jem_->settings().purify_steps;
  ASSERT_EQ(a.purify_energy.size(), size_t(steps + 1));
  EXPECT_EQ(a.purify_xy[0], a.attack_xy[2 * n]);  // purification starts at the adversarial point
  EXPECT_LT(a.purify_energy.back(), a.purify_energy.front());
  int rises = 0;
  for (int k = 0; k < steps; ++k) rises += a.purify_energy[k + 1] > a.purify_energy[k] + 1e-4f;
  EXPECT_LE(rises, steps / 10) << "noise-free descent with a small step";
  EXPECT_EQ(a.refine_xy.size(), size_t(a.refine_steps + 1) * a.refine_chains * 2);
  EXPECT_GE(a.refined_pred, 0);
  // Over the whole test set too: the purified points sit lower than the adversarial ones.
  TrainerState& t = jem_->state();
  const at::Tensor x = t.x_test.narrow(0, 0, 200);
  double before = 0, after = 0;
  {
    Settings s = jem_->settings();
    s.eps = "0.3";
    s.attack_points = 200;
    jem_->apply(s);
    Defences d(t, x);
    at::Generator g = seeded(7);
    PgdParams pp;
    pp.eps = 0.3, pp.step = 0.02, pp.lo = d.lo, pp.hi = d.hi;
    const at::Tensor adv = pgd_attack(d.loss_grad("plain", g), x, t.y_test.narrow(0, 0, 200), pp, g);
    torch::NoGradGuard no_grad;
    before = -t.net->forward_all(adv).neg_energy.mean().item<double>();
    after = -t.net->forward_all(d.purified(adv, g)).neg_energy.mean().item<double>();
    s.eps = "0,0.1,0.3,0.5";
    s.attack_points = 500;
    jem_->apply(s);
  }
  EXPECT_LT(after, before - 0.1) << "mean E(x) before " << before << ", after purification " << after;
}
