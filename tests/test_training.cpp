// JEM end to end on 2D data: accuracy, sample coverage of every mode, the divergence guard.
#include <gtest/gtest.h>

#include "core/jem/objective.h"
#include "core/jem/replay_buffer.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"

using namespace jem;

namespace {

Settings fast(const std::string& dataset) {
  Settings s;
  s.dataset = dataset;
  s.n_train = 4000;
  s.n_test = 2000;
  s.eval_every = 0;
  return s;
}

}  // namespace

TEST(Training, JemOnTwoMoonsReachesNinetyFivePercent) {
  Trainer t(fast("moons"));
  for (int i = 0; i < 400; ++i) t.step();
  EXPECT_GE(t.test_accuracy(), 0.95);
}

TEST(Training, BaselineAndPureEbmAreSettingsNotCodePaths) {
  Settings base = fast("moons");
  base.p_x_weight = 0;  // baseline: no sampling at all
  Trainer b(base);
  StepStats st = b.step();
  EXPECT_TRUE(std::isnan(st.l_px));
  EXPECT_TRUE(std::isnan(st.f_q));
  EXPECT_FALSE(std::isnan(st.l_pyx));

  Settings ebm = fast("moons");
  ebm.p_y_given_x_weight = 0;
  ebm.uncond = true;
  Trainer e(ebm);
  st = e.step();
  EXPECT_TRUE(std::isnan(st.l_pyx));
  EXPECT_FALSE(std::isnan(st.l_px));
  EXPECT_NEAR(st.loss, st.l_px, 1e-6);
}

TEST(Training, ConditionalTermAndClassConditionalSamplingRun) {
  Settings s = fast("8gaussians");
  s.p_x_y_weight = 1;
  s.class_cond_p_x_sample = true;
  s.energy_reg_weight = 0.1;
  s.record_chains = 4;
  Trainer t(s);
  StepStats st;
  for (int i = 0; i < 5; ++i) st = t.step();
  EXPECT_FALSE(std::isnan(st.l_pxy));
  EXPECT_FALSE(std::isnan(st.l_reg));
  Trajectories tr = t.last_trajectories();
  EXPECT_EQ(tr.n_chains, 4);
  EXPECT_EQ(tr.n_steps, s.n_steps);
  EXPECT_EQ(tr.xy.size(), size_t(4 * (s.n_steps + 1) * 2));
  for (int l : tr.label) EXPECT_TRUE(l >= 0 && l < 8);
}

TEST(Guard, NonFiniteLossRollsBackToTheLastGoodSnapshot) {
  Settings s = fast("moons");
  s.guard_every = 10;
  Trainer t(s);
  for (int i = 0; i < 10; ++i) t.step();
  const std::unique_ptr<Trainer> good = Trainer::deserialize(t.serialize(), "step 10");  // what the guard keeps
  for (int i = 0; i < 5; ++i) t.step();
  // Poison one weight: the next loss is NaN.
  {
    torch::NoGradGuard ng;
    t.state().net->parameters()[0].view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
  }
  std::optional<GuardEvent> ev;
  t.step(&ev);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->quantity, "loss");
  EXPECT_EQ(ev->rolled_back_to, 10);
  EXPECT_EQ(t.iteration(), 10);
  // Exactly the state of step 10: every parameter, the buffer and the next step's loss.
  const auto pa = t.state().net->parameters(), pb = good->state().net->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i], pb[i])) << "parameter " << i;
  EXPECT_TRUE(at::equal(t.state().buffer.x(), good->state().buffer.x()));
  EXPECT_EQ(good->step().loss, Trainer::deserialize(t.serialize(), "rolled back")->step().loss);
  // Training goes on from the rollback.
  std::optional<GuardEvent> ok;
  StepStats st = t.step(&ok);
  EXPECT_FALSE(ok.has_value());
  EXPECT_TRUE(std::isfinite(st.loss));
  EXPECT_EQ(t.iteration(), 11);
}

TEST(Training, EveryLossWeightAtZeroKeepsTheModelAndGoesOn) {
  // Each weight may be 0, so all of them may: nothing to learn, but no throw (found by fuzzing).
  Settings s = fast("moons");
  s.p_x_weight = 0, s.p_y_given_x_weight = 0, s.p_x_y_weight = 0, s.energy_reg_weight = 0;
  Trainer t(s);
  const at::Tensor before = t.state().net->parameters()[0].clone();
  std::optional<GuardEvent> guard;
  const StepStats st = t.step(&guard);
  EXPECT_FALSE(guard.has_value());
  EXPECT_EQ(t.iteration(), 1);
  EXPECT_EQ(st.grad_norm, 0);
  EXPECT_TRUE(at::equal(before, t.state().net->parameters()[0]));
  Settings learn = t.settings();
  learn.p_y_given_x_weight = 1;
  t.apply(learn);
  EXPECT_GT(t.step().grad_norm, 0);
}

TEST(Guard, ExplodingSamplerIsCaughtNotFatal) {
  Settings s = fast("moons");
  s.sgld_lr = 100;  // the "step size too large" lesson
  s.lr = 0.05;
  s.guard_threshold = 1e4;
  Trainer t(s);
  int trips = 0;
  for (int i = 0; i < 300 && trips == 0; ++i) {
    std::optional<GuardEvent> ev;
    t.step(&ev);
    if (ev) ++trips;
  }
  ASSERT_GT(trips, 0) << "the unstable setting never diverged";
  for (const auto& p : t.state().net->parameters()) EXPECT_TRUE(at::isfinite(p).all().item<bool>());
  EXPECT_TRUE(at::isfinite(t.state().buffer.x()).all().item<bool>());
}

TEST(Knobs, LiveChangesApplyWithoutARebuildAndShapeChangesReset) {
  Trainer t(fast("moons"));
  for (int i = 0; i < 3; ++i) t.step();
  Settings s = t.settings();
  s.sgld_lr = 0.5;
  s.n_steps = 3;
  s.batch_size = 32;
  s.lr = 1e-4;
  auto* net_before = t.state().net.get();
  t.apply(s);
  EXPECT_EQ(t.state().net.get(), net_before);
  EXPECT_EQ(t.iteration(), 3);
  StepStats st = t.step();
  EXPECT_DOUBLE_EQ(st.lr, 1e-4);
  s.buffer_size = 500;
  t.apply(s);
  EXPECT_EQ(t.state().buffer.size(), 500);
  EXPECT_EQ(t.iteration(), 4);
  s.width = 16;
  t.apply(s);
  EXPECT_EQ(t.iteration(), 0);
  EXPECT_NE(t.state().net.get(), net_before);
  t.step();
}

// The chains run in blocks of a fixed size that the threads take as they come free, and the
// training step's row blocks are a fixed size too: one thread or two, the same numbers, to the bit
// (the sampler's mean gradient norm included, which the old per-thread split summed in finishing
// order), for both samplers.
TEST(Training, TheThreadCountChangesNoNumber) {
  for (const std::string sampler : {"sgld", "mala"}) {
    SCOPED_TRACE(sampler);
    auto run = [&](int threads) {
      Settings s = fast("moons");
      s.sampler = sampler;
      s.threads = threads;
      s.batch_size = 200;  // four blocks of chains, the last one short
      auto t = std::make_unique<Trainer>(s);
      std::vector<StepStats> stats;
      for (int i = 0; i < 4; ++i) stats.push_back(t->step());
      return std::make_pair(std::move(t), stats);
    };
    auto [one, stats_one] = run(1);
    auto [two, stats_two] = run(2);
    for (size_t i = 0; i < stats_one.size(); ++i) {
      EXPECT_EQ(stats_one[i].loss, stats_two[i].loss) << "step " << i + 1;
      EXPECT_EQ(stats_one[i].sgld_grad_norm, stats_two[i].sgld_grad_norm) << "step " << i + 1;
      EXPECT_EQ(stats_one[i].grad_norm, stats_two[i].grad_norm) << "step " << i + 1;
    }
    EXPECT_TRUE(at::equal(one->state().buffer.x(), two->state().buffer.x()));
    const auto pa = one->state().net->parameters(), pb = two->state().net->parameters();
    for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i], pb[i])) << "parameter " << i;
  }
}

// The official objective computed by hand (terms and d loss / d logits in one pass, the CPU
// MLP) against the same loss through autograd: every reported term and every parameter's
// gradient, for each term on and off, on a batch of data and buffer samples (8 classes).
TEST(Objective, TheHandWrittenLossAndItsGradientMatchAutograd) {
  struct Weights { double pyx, px, reg; };
  for (Weights w : {Weights{1, 1, 0}, Weights{0.5, 2, 0.1}, Weights{0, 1, 0}, Weights{1, 0, 0}, Weights{0, 0, 0.3}}) {
    Settings s = fast("8gaussians");
    s.p_y_given_x_weight = w.pyx, s.p_x_weight = w.px, s.energy_reg_weight = w.reg;
    Trainer t(s);
    TrainerState& st = t.state();
    JemBatch b;
    b.x = st.x_train.narrow(0, 0, 300), b.y = st.y_train.narrow(0, 0, 300);
    if (w.px > 0) b.x_q = st.buffer.x().narrow(0, 0, 260);
    auto run = [&](bool by_hand) {
      st.net->zero_grad();
      JemLoss L = jem_loss(*st.net, b, s, by_hand);
      EXPECT_EQ(L.d_logits.defined(), by_hand) << "by_hand " << by_hand;
      backward(*st.net, L);
      std::vector<at::Tensor> grads;
      for (const at::Tensor& p : st.net->parameters()) grads.push_back(p.grad().clone());
      return std::pair{L, grads};
    };
    const auto [hand, hand_grads] = run(true);
    const auto [autograd, auto_grads] = run(false);
    const std::string at_w = "weights " + std::to_string(w.pyx) + " " + std::to_string(w.px) + " " + std::to_string(w.reg);
    auto same = [&](const at::Tensor& a, const at::Tensor& c, const char* what) {
      ASSERT_EQ(a.defined(), c.defined()) << what << ", " << at_w;
      if (a.defined()) EXPECT_NEAR(a.item<double>(), c.item<double>(), 1e-5 * std::max(1.0, std::abs(c.item<double>()))) << what << ", " << at_w;
    };
    same(hand.total, autograd.total, "total");
    same(hand.l_pyx, autograd.l_pyx, "l_pyx");
    same(hand.l_px, autograd.l_px, "l_px");
    same(hand.l_reg, autograd.l_reg, "l_reg");
    same(hand.f_data, autograd.f_data, "f_data");
    same(hand.f_q, autograd.f_q, "f_q");
    same(hand.acc, autograd.acc, "acc");
    ASSERT_EQ(hand_grads.size(), auto_grads.size());
    for (size_t i = 0; i < hand_grads.size(); ++i) {
      const double scale = std::max(1e-6, auto_grads[i].abs().max().item<double>());
      // Plus float rounding of sums whose terms nearly cancel (the head's bias under the p(x) term).
      EXPECT_LT((hand_grads[i] - auto_grads[i]).abs().max().item<double>(), 1e-4 * scale + 1e-7) << "parameter " << i << ", " << at_w;
      EXPECT_GT(scale, 1e-6) << "parameter " << i << " got no gradient, " << at_w;
    }
  }
}
