// The sampler-instability tools: the flight recorder (every chain's every step, replayable
// bit-identically), the divergence guard over many seeded unstable runs, and branching from an
// in-memory snapshot.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "core/jem/state_history.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/config_file.h"
#include "core/runner/runner.h"
#include "core/util/error.h"

using namespace jem;

namespace {

Settings small_moons() {
  Settings s;
  s.n_train = 1000;
  s.batch_size = 64;
  s.threads = 2;
  s.eval_every = 0;
  return s;
}

// Trains until the guard trips, at most 600 iterations; the trip, if any.
std::optional<GuardEvent> run_step_too_large(Trainer& t) {
  std::optional<GuardEvent> guard;
  for (int i = 0; i < 600 && !guard; ++i) t.step(&guard);
  return guard;
}

Settings step_too_large() {
  return load_settings_file(JEMLAB_SOURCE_DIR "/assets/presets/step_too_large.json", small_moons());
}

bool all_finite(const std::vector<float>& v) {
  for (float x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

bool state_is_finite(Trainer& t) {
  for (const auto& p : t.state().net->parameters())
    if (!at::isfinite(p).all().item<bool>()) return false;
  return at::isfinite(t.state().buffer.x()).all().item<bool>();
}

}  // namespace

TEST(FlightRecorder, KeepsTheLastIterationsAndReplaysThemBitIdentically) {
  Settings s = small_moons();
  s.flight_recorder = 3;
  Trainer t(s);
  for (int i = 0; i < 5; ++i) t.step();
  EXPECT_EQ(t.recorded_iterations(), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_THROW(t.flight_record(2), Error);
  for (int64_t it : {3, 5}) {
    ChainTrace rec = t.flight_record(it), rep = t.replay_chains(it);
    ASSERT_TRUE(rec.replayable);
    EXPECT_EQ(rec.n_chains, 64);
    EXPECT_EQ(rec.n_steps, s.n_steps);
    ASSERT_EQ(rec.x.size(), size_t(s.n_steps + 1) * 64 * 2);
    EXPECT_EQ(rec.x, rep.x) << "iteration " << it;
    EXPECT_EQ(rec.energy, rep.energy) << "iteration " << it;
    EXPECT_EQ(rec.grad_norm, rep.grad_norm) << "iteration " << it;
    EXPECT_EQ(rec.noise_norm, rep.noise_norm) << "iteration " << it;
  }
  // Each recorded step is the Langevin update: |x[t+1] - x[t]| <= drift + noise, and the noise
  // norms are those of N(0, sgld_std^2 I) in 2D (mean sqrt(pi/2) * std).
  ChainTrace rec = t.flight_record(5);
  double noise_mean = 0;
  for (int st = 0; st < rec.n_steps; ++st)
    for (int c = 0; c < rec.n_chains; ++c) {
      const size_t a = (size_t(st) * rec.n_chains + c) * 2, b = (size_t(st + 1) * rec.n_chains + c) * 2;
      const double dx = std::hypot(rec.x[b] - rec.x[a], rec.x[b + 1] - rec.x[a + 1]);
      const size_t k = size_t(st) * rec.n_chains + c;
      EXPECT_LE(dx, rec.drift_norm(st, c) + rec.noise_norm[k] + 1e-5);
      noise_mean += rec.noise_norm[k];
    }
  noise_mean /= rec.n_steps * rec.n_chains;
  EXPECT_NEAR(noise_mean, std::sqrt(M_PI / 2) * s.sgld_std, 0.1 * s.sgld_std);
  // Replay leaves training alone: the next step is what it would have been.
  Trainer u(s);
  for (int i = 0; i < 5; ++i) u.step();
  t.replay_chains(4);
  EXPECT_EQ(t.step().loss, u.step().loss);
}

TEST(FlightRecorder, RecordsTheChainsOfTheIterationThatDiverged) {
  Settings s = step_too_large();
  s.flight_recorder = 2;
  Trainer t(s);
  const std::optional<GuardEvent> guard = run_step_too_large(t);
  ASSERT_TRUE(guard.has_value()) << "the unstable preset did not diverge";
  // The failed iteration's chains are the newest record, although training rolled back.
  ASSERT_FALSE(t.recorded_iterations().empty());
  EXPECT_EQ(t.recorded_iterations().back(), guard->step);
  ChainTrace rec = t.flight_record(guard->step);
  float worst = 0;
  for (float g : rec.grad_norm) worst = std::max(worst, std::isfinite(g) ? g : 1e30f);
  EXPECT_GT(worst * rec.step_size, 1.0) << "no chain took a large step in the diverged iteration";
}

TEST(DivergenceGuard, TwentySeededUnstableRunsAreAllCaughtAndResume) {
  const Settings base = load_settings_file(JEMLAB_SOURCE_DIR "/assets/presets/step_too_large.json", small_moons());
  int caught = 0;
  std::vector<int64_t> at_step;
  for (int seed = 1; seed <= 20; ++seed) {
    Settings s = base;
    s.seed = seed;
    s.record_chains = 0;
    Trainer t(s);
    std::optional<GuardEvent> guard;
    for (int i = 0; i < 400 && !guard; ++i) {
      const StepStats st = t.step(&guard);
      if (!guard) ASSERT_TRUE(std::isfinite(st.loss)) << "seed " << seed << ": a non-finite loss got through";
    }
    if (!guard) continue;  // a seed may stay stable for 400 iterations; the count below checks most do not
    ++caught;
    at_step.push_back(guard->step);
    EXPECT_EQ(t.iteration(), guard->rolled_back_to) << "seed " << seed;
    EXPECT_TRUE(state_is_finite(t)) << "seed " << seed << ": the rolled-back state is not finite";
    // Resume with the suggested fix (a much smaller step): training goes on, finite.
    Settings fixed = t.settings();
    fixed.sgld_lr = 0.1;
    t.apply(fixed);
    for (int i = 0; i < 20; ++i) {
      std::optional<GuardEvent> again;
      EXPECT_TRUE(std::isfinite(t.step(&again).loss)) << "seed " << seed;
      EXPECT_FALSE(again.has_value()) << "seed " << seed;
    }
    EXPECT_TRUE(all_finite(t.buffer_view().xy)) << "seed " << seed;
  }
  EXPECT_GE(caught, 18) << "the unstable preset should diverge for almost every seed";
  std::string steps;
  for (int64_t k : at_step) steps += std::to_string(k) + " ";
  std::printf("divergences caught at steps: %s\n", steps.c_str());
}

TEST(Branching, FromASnapshotWithNothingChangedContinuesExactlyAsTheOriginal) {
  Settings s = small_moons();
  Trainer original(s);
  for (int i = 0; i < 10; ++i) original.step();
  const std::string snapshot = original.serialize();
  std::vector<double> losses;
  for (int i = 0; i < 10; ++i) losses.push_back(original.step().loss);
  std::unique_ptr<Trainer> branch = Trainer::deserialize(snapshot, "snapshot");
  EXPECT_EQ(branch->iteration(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(branch->step().loss, losses[size_t(i)]) << "step " << 11 + i;
  auto a = original.state().net->parameters(), b = branch->state().net->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
  // Changing a knob on the branch makes it differ from there on.
  std::unique_ptr<Trainer> other = Trainer::deserialize(snapshot, "snapshot");
  Settings changed = other->settings();
  changed.sgld_lr = 0.05;
  other->apply(changed);
  EXPECT_NE(other->step().loss, losses[0]);
}

namespace {

// The first iteration at which some indicator reaches Alarm (-1: none), training until the guard
// trips or `iters` pass.
int64_t first_alarm(Trainer& t, int iters, std::optional<GuardEvent>& guard, std::string& which) {
  for (int i = 0; i < iters && !guard; ++i) {
    t.step(&guard);
    if (guard) break;
    for (const Indicator& ind : stability_indicators(t.stability_inputs()))
      if (ind.level == Level::Alarm) {
        which = ind.name + ": " + ind.explanation;
        return t.iteration();
      }
  }
  return -1;
}

}  // namespace

TEST(StabilityIndicators, AlarmBeforeTheGuardTripsAndNotOnAStableRun) {
  // The unstable preset: an indicator reaches its alarm level at an earlier iteration than the
  // one where the loss blows up and the guard rolls back.
  Settings s = load_settings_file(JEMLAB_SOURCE_DIR "/assets/presets/step_too_large.json", small_moons());
  s.flight_recorder = 1;
  Trainer t(s);
  std::optional<GuardEvent> guard;
  std::string which;
  const int64_t alarm = first_alarm(t, 400, guard, which);
  ASSERT_GE(alarm, 0) << "no alarm before the divergence";
  for (int i = 0; i < 400 && !guard; ++i) t.step(&guard);
  ASSERT_TRUE(guard.has_value());
  EXPECT_LT(alarm, guard->step) << which;
  std::printf("first alarm at step %lld (%s); guard tripped at step %lld\n", static_cast<long long>(alarm),
              which.c_str(), static_cast<long long>(guard->step));
  // The same model and data with the default step: no alarm in as many iterations.
  Settings calm = small_moons();
  calm.flight_recorder = 1;
  Trainer c(calm);
  std::optional<GuardEvent> none;
  std::string calm_which;
  EXPECT_EQ(first_alarm(c, static_cast<int>(guard->step), none, calm_which), -1) << calm_which;
  EXPECT_FALSE(none.has_value());
}

TEST(Timeline, RewindInTheRunnerRepeatsTheRunExactlyAndPublishesIndicators) {
  Settings s = small_moons();
  s.threads = 1;
  s.flight_recorder = 1;
  Runner r(s);
  auto wait_for = [&](const std::function<bool(const Snapshot&)>& pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto snap = r.latest();
    while (!pred(*snap) && std::chrono::steady_clock::now() < deadline) snap = r.wait_newer(snap->version, 0.2);
    return snap;
  };
  auto snap = wait_for([](const Snapshot& x) { return x.step >= 110 && x.stability; });
  r.send(cmd::Pause{});
  // A paused runner publishes indicators of the step it stopped at.
  snap = wait_for([](const Snapshot& x) {
    return x.state == RunState::Paused && x.stability && x.stability->step == x.step;
  });
  ASSERT_GE(snap->timeline.size(), 3u);
  EXPECT_EQ(snap->timeline[0], 0);
  EXPECT_EQ(snap->timeline[1], 50);
  ASSERT_TRUE(snap->stability);
  EXPECT_EQ(snap->stability->indicators.size(), 6u);
  EXPECT_FALSE(snap->stability->recorded.empty());
  std::vector<double> original;
  for (size_t i = 50; i < 60; ++i) original.push_back(snap->history[i].loss);  // steps 51..60

  r.send(cmd::Rewind{60});  // the newest kept state at or before 60 is step 50
  snap = wait_for([](const Snapshot& x) { return x.step == 50; });
  ASSERT_EQ(snap->step, 50);
  EXPECT_EQ(snap->state, RunState::Paused);
  EXPECT_EQ(snap->history.size(), 50u);
  EXPECT_EQ(snap->timeline.back(), 50);  // the old future is gone
  r.send(cmd::Step{10});
  snap = wait_for([](const Snapshot& x) { return x.step == 60; });
  ASSERT_EQ(snap->history.size(), 60u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(snap->history[50 + i].loss, original[i]) << "step " << 51 + i;
}

TEST(Timeline, OverBudgetItThinsOutDenseOldStatesAndKeepsTheStartAndTheNewest) {
  // Hand-computed: gap left behind / age. {0,50,100,150,200} at 200: 100/150, 100/100, 100/50.
  EXPECT_EQ(timeline_victim({0, 50, 100, 150, 200}, 200), 1u);
  // {0,100,150,200,250} at 250: 150/150 = 100/100 = 1, 100/50: a tie goes to the older state.
  EXPECT_EQ(timeline_victim({0, 100, 150, 200, 250}, 250), 1u);
  // {0,10,200,210,220} at 220: 200/210, 200/20, 20/10: the newest's neighbour is not dense enough.
  EXPECT_EQ(timeline_victim({0, 10, 200, 210, 220}, 220), 1u);
  // A long run kept every 50 iterations within 64 states: the start and the present stay, and
  // the spacing never widens toward the present.
  std::vector<int64_t> kept;
  for (int64_t step = 0; step <= 100000; step += 50) {
    kept.push_back(step);
    while (kept.size() > 64) kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(timeline_victim(kept, step)));
    for (size_t i = 2; i < kept.size(); ++i)
      ASSERT_LE(kept[i] - kept[i - 1], kept[i - 1] - kept[i - 2]) << "at step " << step << ", index " << i;
  }
  EXPECT_EQ(kept.front(), 0);
  EXPECT_EQ(kept.back(), 100000);
  EXPECT_EQ(kept[kept.size() - 2], 99950);
  EXPECT_GE(kept[1], 5000);  // the old part is sparse
}

TEST(DivergenceGuard, KnobsChangedAfterTheSnapshotSurviveTheRollback) {
  // A knob changed after the last good snapshot stays changed when the guard rolls back: the
  // guard's advice (halve sgld_lr) must outlive a trip before the next snapshot, or a run that
  // keeps diverging is rolled back to the old knobs each time and trips forever.
  Settings s = small_moons();
  s.guard_every = 100000;  // the only snapshot is the one at step 0
  Trainer t(s);
  for (int i = 0; i < 5; ++i) t.step();
  Settings changed = t.settings();
  changed.sgld_lr = 100;  // lesson 1's step: diverges within a few hundred iterations
  EXPECT_FALSE(t.apply(changed));
  std::optional<GuardEvent> guard;
  for (int i = 0; i < 600 && !guard; ++i) t.step(&guard);
  ASSERT_TRUE(guard.has_value()) << "sgld_lr 100 did not diverge";
  EXPECT_EQ(guard->rolled_back_to, 0);
  EXPECT_EQ(t.iteration(), 0);
  EXPECT_EQ(t.settings().sgld_lr, 100);
  EXPECT_TRUE(state_is_finite(t));
}

TEST(DivergenceGuard, TripsWithoutANewSnapshotInBetweenRollBackOneSnapshotFurther) {
  // The soak's finding: a run drifted for 80 iterations before |loss| passed the threshold, so
  // the newest snapshots were doomed and the guard rolled back onto them 4,591 times. Each trip
  // again before the next snapshot now goes one snapshot further back.
  Settings s = small_moons();
  s.guard_every = 5;
  Trainer t(s);
  for (int i = 0; i < 20; ++i) t.step();
  Settings doomed = t.settings();
  doomed.guard_threshold = 1, doomed.p_y_given_x_weight = 100;  // |loss| > 1 at once: trips every step
  t.apply(doomed);
  std::vector<int64_t> rolled_back_to;
  for (int i = 0; i < 6; ++i) {
    std::optional<GuardEvent> guard;
    t.step(&guard);
    ASSERT_TRUE(guard.has_value()) << "trip " << i;
    rolled_back_to.push_back(guard->rolled_back_to);
    EXPECT_EQ(t.iteration(), guard->rolled_back_to);
  }
  EXPECT_EQ(rolled_back_to, (std::vector<int64_t>{20, 15, 10, 5, 0, 0}));  // the first state is the floor
  // Healthy again: training goes on from there and snapshots anew, so a later trip starts over.
  Settings healthy = t.settings();
  healthy.guard_threshold = 1e8, healthy.p_y_given_x_weight = 1;
  t.apply(healthy);
  for (int i = 0; i < 12; ++i) t.step();
  t.apply(doomed);
  std::optional<GuardEvent> guard;
  t.step(&guard);
  ASSERT_TRUE(guard.has_value());
  EXPECT_EQ(guard->rolled_back_to, 10);
  EXPECT_TRUE(state_is_finite(t));
}

TEST(DivergenceGuard, AnEnergyJumpTripsBeforeTheLossThresholdAndACalmRunNever) {
  // The soak's runaway: f(x_q) went from 0.7 to -132 in eight iterations, and |loss| passed
  // guard_threshold 80 iterations later, when every snapshot kept was already doomed.
  Settings s = step_too_large();
  s.guard_threshold = 1e30;
  Trainer t(s);
  std::optional<GuardEvent> guard = run_step_too_large(t);
  ASSERT_TRUE(guard.has_value()) << "sgld_lr 100 did not diverge";
  EXPECT_EQ(guard->quantity.rfind("energy scale", 0), 0u) << guard->message();
  EXPECT_TRUE(std::isfinite(guard->value)) << guard->message();
  EXPECT_GT(guard->value, 100);
  std::printf("%s\n", guard->message().c_str());
  // The default knobs for 600 iterations: energies drift slowly, never 100x in a jump (the soak's
  // 46,800 iterations before its runaway did not trip either).
  Trainer calm(small_moons());
  for (int i = 0; i < 600; ++i) {
    calm.step(&guard);
    ASSERT_FALSE(guard.has_value()) << guard->message();
  }
}

TEST(FlightRecorder, ReplayFromTheRunnerIsBitIdenticalAndLeavesTrainingAlone) {
  Settings s = small_moons();
  s.threads = 1;
  s.flight_recorder = 2;
  RunnerOptions paused;
  paused.start_running = false;
  Runner a(s, paused), b(s, paused);  // b never replays: the reference for "training unchanged"
  auto wait_for = [](Runner& r, const std::function<bool(const Snapshot&)>& pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto snap = r.latest();
    while (!pred(*snap) && std::chrono::steady_clock::now() < deadline) snap = r.wait_newer(snap->version, 0.2);
    return snap;
  };
  a.send(cmd::Step{20});
  b.send(cmd::Step{20});
  auto snap = wait_for(a, [](const Snapshot& x) {
    return x.step == 20 && x.state == RunState::Paused && x.stability && x.stability->step == 20;
  });
  ASSERT_EQ(snap->step, 20);
  EXPECT_EQ(snap->stability->recorded, (std::vector<int64_t>{19, 20}));
  // The histograms' samples: bounded, from the same forward passes as the means.
  EXPECT_EQ(snap->stability->data_energies.size(), size_t(kEnergySamples));
  EXPECT_EQ(snap->stability->noise_energies.size(), size_t(kEnergySamples));
  EXPECT_EQ(snap->stability->buffer_energies.size(), size_t(kEnergySamples));
  EXPECT_EQ(snap->stability->buffer_age.total(), s.buffer_size);
  EXPECT_FALSE(snap->replay);

  a.send(cmd::Replay{19});
  snap = wait_for(a, [](const Snapshot& x) { return x.replay != nullptr; });
  ASSERT_TRUE(snap->replay);
  const ReplayView& r = *snap->replay;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.iteration, 19);
  EXPECT_TRUE(r.check.identical()) << "max difference " << r.check.max_abs_diff;
  EXPECT_EQ(r.check.max_abs_diff, 0);
  EXPECT_EQ(r.check.n_chains, s.batch_size);
  EXPECT_EQ(r.check.n_steps, s.n_steps);
  ASSERT_TRUE(r.trace);
  EXPECT_EQ(r.trace->iteration, 19);
  EXPECT_EQ(r.trace->energy.size(), size_t(s.n_steps) * s.batch_size);
  EXPECT_EQ(snap->state, RunState::Paused);  // a replay does not start training
  EXPECT_EQ(snap->step, 20);

  // An iteration the recorder no longer holds: an error in the result and the event list.
  a.send(cmd::Replay{3});
  snap = wait_for(a, [](const Snapshot& x) { return x.replay && x.replay->iteration == 3; });
  ASSERT_TRUE(snap->replay);
  EXPECT_NE(snap->replay->error, "");
  EXPECT_FALSE(snap->replay->check.identical());
  EXPECT_FALSE(snap->replay->trace);
  a.send(cmd::Replay{-1});  // the newest recorded
  snap = wait_for(a, [](const Snapshot& x) { return x.replay && x.replay->iteration == 20; });
  ASSERT_TRUE(snap->replay);
  EXPECT_TRUE(snap->replay->check.identical());

  // Training goes on exactly as in the runner that never replayed.
  a.send(cmd::Step{10});
  b.send(cmd::Step{10});
  auto sa = wait_for(a, [](const Snapshot& x) { return x.step == 30 && x.state == RunState::Paused; });
  auto sb = wait_for(b, [](const Snapshot& x) { return x.step == 30 && x.state == RunState::Paused; });
  ASSERT_EQ(sa->history.size(), 30u);
  ASSERT_EQ(sb->history.size(), 30u);
  for (size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(sa->history[i].loss, sb->history[i].loss) << "step " << i + 1;
    EXPECT_EQ(sa->history[i].gap, sb->history[i].gap) << "step " << i + 1;
  }
}
