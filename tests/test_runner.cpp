// The runner thread: commands reach the trainer, snapshots are immutable and consistent,
// rapid knob changes while training never break it. Also built under ThreadSanitizer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/params/schema.h"
#include "core/runner/runner.h"
#include "core/util/run_threads.h"

using namespace jem;
using namespace std::chrono_literals;

namespace {

Settings small() {
  Settings s;
  s.n_train = 1000;
  s.n_test = 200;
  s.buffer_size = 1000;
  s.batch_size = 64;
  s.width = 32;
  s.n_steps = 5;
  s.record_chains = 4;
  s.threads = 1;
  return s;
}

std::shared_ptr<const Snapshot> wait_for(const Runner& r, const std::function<bool(const Snapshot&)>& pred,
                                         double timeout_s = 20) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  auto snap = r.latest();
  while (!pred(*snap) && std::chrono::steady_clock::now() < deadline) snap = r.wait_newer(snap->version, 0.2);
  return snap;
}

}  // namespace

// The automatic thread count: every core for the MLP, one fewer for image models where a window
// keeps a core for drawing, never none, and the knob itself wherever it is set.
TEST(RunThreads, AutomaticKeepsACoreForDrawingFromConvolutionalModelsOnly) {
  Settings s;
  EXPECT_EQ(run_threads(s, 2, 0), 2);
  EXPECT_EQ(run_threads(s, 2, 1), 2);
  s.model = "cnn";
  EXPECT_EQ(run_threads(s, 2, 0), 2);
  EXPECT_EQ(run_threads(s, 2, 1), 1);
  EXPECT_EQ(run_threads(s, 16, 1), 15);
  EXPECT_EQ(run_threads(s, 1, 1), 1);
  EXPECT_EQ(run_threads(s, 0, 1), 1);  // hardware_concurrency() may not know
  s.model = "wrn-16-4";
  EXPECT_EQ(run_threads(s, 4, 1), 3);
  s.threads = 3;
  EXPECT_EQ(run_threads(s, 2, 1), 3);
}

// The trainer's thread is named, for top -H, perf and gdb: a thread of this process says so.
TEST(Runner, ItsThreadIsNamed) {
  auto named_threads = [] {
    int n = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      n += name == "jemlab-trainer";
    }
    return n;
  };
  const int before = named_threads();
  Runner r(small());
  wait_for(r, [](const Snapshot& s) { return s.step >= 1; });
  EXPECT_GE(named_threads(), before + 1);
}

TEST(Runner, TrainsPausesAndSteps) {
  RunnerOptions o;
  o.start_running = true;
  Runner r(small(), o);
  auto s = wait_for(r, [](const Snapshot& s) { return s.step >= 5; });
  ASSERT_GE(s->step, 5);
  EXPECT_EQ(s->state, RunState::Running);
  ASSERT_TRUE(s->field);
  EXPECT_EQ(s->field->neg_energy.size(), size_t(s->field->res * s->field->res));
  ASSERT_TRUE(s->data);
  EXPECT_EQ(s->data->xy.size(), size_t(2 * 1000));

  r.send(cmd::Pause{});
  s = wait_for(r, [](const Snapshot& s) { return s.state == RunState::Paused; });
  const int64_t paused_at = s->step;
  std::this_thread::sleep_for(300ms);
  r.send(cmd::Publish{});
  s = r.wait_newer(s->version, 5);
  EXPECT_EQ(s->step, paused_at) << "a paused runner must not step";

  r.send(cmd::Step{3});
  s = wait_for(r, [&](const Snapshot& s) { return s.step == paused_at + 3; });
  EXPECT_EQ(s->step, paused_at + 3);
  std::this_thread::sleep_for(200ms);
  r.send(cmd::Publish{});
  s = r.wait_newer(s->version, 5);
  EXPECT_EQ(s->step, paused_at + 3);
  EXPECT_EQ(s->state, RunState::Paused);
  EXPECT_EQ(s->history.size(), size_t(s->step));
}

// Paused and left alone, the run changes nothing: the snapshots go on (the window's clock, the
// state) but the field, buffer and chains are the same objects, so the window draws nothing new.
TEST(Runner, APausedRunRecomputesNothingUntilItChanges) {
  RunnerOptions o;
  o.start_running = false;
  Runner r(small(), o);
  auto a = wait_for(r, [](const Snapshot& s) { return s.field && s.buffer; });
  ASSERT_TRUE(a->field && a->buffer);
  std::this_thread::sleep_for(200ms);
  a = r.latest();
  std::this_thread::sleep_for(500ms);
  auto b = r.latest();
  EXPECT_GT(b->version, a->version) << "a paused runner still publishes";
  EXPECT_EQ(b->field, a->field);
  EXPECT_EQ(b->buffer, a->buffer);
  EXPECT_EQ(b->chains, a->chains);

  r.send(cmd::Step{1});
  auto c = wait_for(r, [&](const Snapshot& s) { return s.step == 1 && s.field != a->field; });
  EXPECT_EQ(c->step, 1);
  EXPECT_NE(c->field, a->field) << "a step refreshes the field";
  EXPECT_NE(c->buffer, a->buffer);
}

// The window draws a new grid at most every drawn_every_s while training: the runner computes
// none faster, though a new view still gets its grid at once.
TEST(Runner, ComputesTheGridNoFasterThanTheWindowDrawsIt) {
  RunnerOptions o;
  o.start_running = true;
  const auto grids_in = [](Runner& r, double seconds) {
    std::set<const FieldGrid*> seen;
    std::vector<std::shared_ptr<const FieldGrid>> keep;  // no address reused while counting
    auto s = r.latest();
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      s = r.wait_newer(s->version, 0.05);
      if (s->field && seen.insert(s->field.get()).second) keep.push_back(s->field);
    }
    return seen.size();
  };
  Runner paced(small(), o);
  paced.send(cmd::SetView{Box{-3, 3, -3, 3}, 32, 10.0});
  auto s = wait_for(paced, [](const Snapshot& s) { return s.field && s.field->res == 32 && s.step > 0; });
  ASSERT_EQ(s->field->res, 32);
  EXPECT_GT(s->field->compute_s, 0.0);
  EXPECT_EQ(grids_in(paced, 1.5), 1u) << "one grid for the new view, then none for 10 s";
  paced.send(cmd::SetView{Box{-2, 2, -2, 2}, 32, 10.0});
  s = wait_for(paced, [](const Snapshot& s) { return s.field && s.field->box.x0 == -2; });
  EXPECT_EQ(s->field->box.x0, -2) << "a new view is drawn at once";

  Runner free_running(small(), o);
  free_running.send(cmd::SetView{Box{-3, 3, -3, 3}, 32, 0.0});
  wait_for(free_running, [](const Snapshot& s) { return s.field && s.field->res == 32 && s.step > 0; });
  EXPECT_GE(grids_in(free_running, 1.5), 3u) << "a 32^2 grid is refreshed every 0.1 s when nothing paces it";
}

TEST(Runner, RapidKnobChangesWhileTrainingKeepItConsistent) {
  Runner r(small());
  wait_for(r, [](const Snapshot& s) { return s.step >= 2; });
  // A render loop reading every snapshot it can while the commands fly.
  std::atomic<bool> done{false};
  std::atomic<int64_t> frames{0};
  std::thread ui([&] {
    uint64_t last_version = 0;
    while (!done) {
      auto snap = r.latest();
      ASSERT_GE(snap->version, last_version) << "snapshots went back in time";
      last_version = snap->version;
      if (snap->field) ASSERT_EQ(snap->field->neg_energy.size(), size_t(snap->field->res * snap->field->res));
      if (!snap->history.empty()) ASSERT_LE(snap->history.back().step, snap->step);
      ++frames;
    }
  });
  const char* names[] = {"sgld_lr", "n_steps", "buffer_size", "batch_size", "reinit_freq", "lr", "sgld_std"};
  const char* values[][2] = {{"0.05", "0.2"}, {"2", "8"}, {"500", "1000"}, {"32", "64"},
                             {"0.1", "0.0"},  {"1e-4", "1e-3"}, {"0.0", "0.02"}};
  for (int i = 0; i < 300; ++i) {
    const int k = i % 7;
    r.send(cmd::SetParam{names[k], values[k][i % 2]});
    if (i % 50 == 0) r.send(cmd::SetView{Box{-2, 2, -2, 2}, 16 + i % 32});
    if (i % 97 == 0) r.send(cmd::SetParam{"width", i % 2 ? "32" : "24"});  // resets the run
    if (i % 10 == 0) std::this_thread::sleep_for(1ms);
  }
  r.send(cmd::SetParam{"sgld_lr", "not-a-number"});  // refused, reported, harmless
  r.send(cmd::SetParam{"no_such_knob", "1"});
  r.send(cmd::LaunchChain{0.5f, 0.5f, -1, 50});
  auto s = wait_for(r, [](const Snapshot& s) { return s.launched != nullptr && s.events.size() >= 2; });
  done = true;
  ui.join();
  EXPECT_GT(frames.load(), 10);
  ASSERT_TRUE(s->launched);
  EXPECT_EQ(s->launched->xy.size(), size_t(51 * 2));
  bool saw_bad_value = false, saw_unknown = false;
  for (const auto& e : s->events) {
    saw_bad_value |= e.is_error && e.text.find("sgld_lr") != std::string::npos;
    saw_unknown |= e.is_error && e.text.find("no_such_knob") != std::string::npos;
  }
  EXPECT_TRUE(saw_bad_value);
  EXPECT_TRUE(saw_unknown);
  EXPECT_EQ(s->state, RunState::Running);
  // The last value sent for each knob is the one in force.
  for (int k = 0; k < 7; ++k) {
    Settings want = s->settings;
    set_param(want, names[k], values[k][(299 - (299 - k) % 7) % 2]);
    EXPECT_EQ(get_param(s->settings, names[k]), get_param(want, names[k])) << names[k];
  }
  for (size_t i = 0; i < s->history.size(); ++i) ASSERT_TRUE(std::isfinite(s->history[i].loss));
}

TEST(Runner, BadFilesAreReportedAndTrainingContinues) {
  Runner r(small());
  r.send(cmd::Load{"/nonexistent/run.ckpt"});
  auto s = wait_for(r, [](const Snapshot& s) { return !s.events.empty(); });
  ASSERT_FALSE(s->events.empty());
  EXPECT_TRUE(s->events.back().is_error);
  EXPECT_NE(s->events.back().text.find("/nonexistent/run.ckpt"), std::string::npos);
  const int64_t step = s->step;
  s = wait_for(r, [&](const Snapshot& s) { return s.step > step + 2; });
  EXPECT_GT(s->step, step + 2);
}

// Autosave runs in the trainer's thread between iterations, at the interval, and once more when
// the runner stops; the file is a whole checkpoint at the published step.
TEST(Runner, AutosavesAtTheIntervalAndWhenItStops) {
  const std::string path = ::testing::TempDir() + "/jemlab_autosave_" + std::to_string(::getpid()) + "/a.ckpt";
  std::remove(path.c_str());
  int64_t last_step = 0;
  {
    Runner r(small());
    r.send(cmd::Autosave{path, 0.2});
    auto s = wait_for(r, [](const Snapshot& s) { return s.autosaved_step > 0; });
    ASSERT_GT(s->autosaved_step, 0);
    EXPECT_GE(peek_checkpoint(path).step, s->autosaved_step);
    r.send(cmd::Pause{});
    s = wait_for(r, [](const Snapshot& s) { return s.state == RunState::Paused; });
    last_step = s->step;
  }
  EXPECT_EQ(peek_checkpoint(path).step, last_step) << "the runner saves once more when it stops";
  EXPECT_EQ(load_checkpoint(path)->iteration(), last_step);
  {
    Runner r(small());
    r.send(cmd::Autosave{"/proc/no/such/dir/a.ckpt", 0.1});  // reported once, training goes on
    auto s = wait_for(r, [](const Snapshot& s) { return !s.events.empty(); });
    ASSERT_FALSE(s->events.empty());
    EXPECT_NE(s->events.back().text.find("autosave stopped"), std::string::npos);
  }
  std::remove(path.c_str());
}

TEST(Runner, PublishesEvaluationsAndTheControlDataset) {
  Settings st = small();
  st.eval_every = 20;
  Runner r(st);
  auto s = wait_for(r, [](const Snapshot& s) { return s.eval && s.control && s.control->iteration >= 20; });
  ASSERT_TRUE(s->eval);
  EXPECT_EQ(s->eval->calibration.bins.size(), 20u);
  EXPECT_EQ(s->eval->calibration.n, st.n_test);
  ASSERT_EQ(s->eval->ood.scores.size(), 4u);
  EXPECT_EQ(s->eval->ood.ood_dataset, "uniform");
  ASSERT_TRUE(s->control);
  EXPECT_GT(s->control->iteration, 0);
  EXPECT_NEAR(s->control->result.truth.px[0] + s->control->result.truth.px[1], 1.0, 1e-12);

  r.send(cmd::SetOod{"circles", 2.0});
  s = wait_for(r, [](const Snapshot& s) { return s.eval && s.eval->ood.ood_dataset == "circles"; });
  EXPECT_EQ(s->eval->ood.ood_dataset, "circles");
  EXPECT_DOUBLE_EQ(s->eval->temperature, 2.0);

  r.send(cmd::SetControlJoint{{0.4, 0.3, 0.2, 0.1}});
  s = wait_for(r, [](const Snapshot& s) { return s.control && std::abs(s.control->result.truth.px[0] - 0.7) < 1e-9; });
  EXPECT_NEAR(s->control->result.truth.px[0], 0.7, 1e-9);

  const size_t events = s->events.size();
  r.send(cmd::SetOod{"no_such_set", 1.0});
  r.send(cmd::SetControlJoint{{0, 0, 0, 0}});
  s = wait_for(r, [&](const Snapshot& s) { return s.events.size() >= events + 2; });
  ASSERT_GE(s->events.size(), events + 2);
  bool ood_reported = false, joint_reported = false;
  for (size_t i = events; i < s->events.size(); ++i) {
    ood_reported |= s->events[i].is_error && s->events[i].text.find("no_such_set") != std::string::npos;
    joint_reported |= s->events[i].is_error && s->events[i].text.find("joint") != std::string::npos;
  }
  EXPECT_TRUE(ood_reported);
  EXPECT_TRUE(joint_reported);
  EXPECT_EQ(s->state, RunState::Running);
}

// Calibration and OOD only while a tab shows them: unwatched, the evaluation keeps its step
// while training goes on; watched again, it is brought up to the current step at once, not at
// the next eval_every (here 10,000 iterations away).
TEST(Runner, EvaluatesCalibrationAndOodOnlyWhileWatched) {
  Settings st = small();
  st.eval_every = 10;
  Runner r(st);
  r.send(cmd::WatchEvaluations{false});
  auto s = wait_for(r, [](const Snapshot& s) { return s.step >= 5; });
  const int64_t held = s->eval ? s->eval->step : -1;  // at most the start's evaluation
  EXPECT_LT(held, 5);
  s = wait_for(r, [](const Snapshot& s) { return s.step >= 45; });
  ASSERT_GE(s->step, 45);
  EXPECT_EQ(s->eval ? s->eval->step : -1, held) << "evaluated while unwatched";

  r.send(cmd::SetParam{"eval_every", KnobValue(10000)});
  r.send(cmd::Pause{});
  r.send(cmd::WatchEvaluations{true});
  s = wait_for(r, [](const Snapshot& s) { return s.state == RunState::Paused && s.eval && s.eval->step == s.step; });
  ASSERT_TRUE(s->eval);
  EXPECT_EQ(s->eval->step, s->step);
  EXPECT_EQ(s->eval->ood.scores.size(), 4u);
}

TEST(Runner, DataChangeAtStepZeroRepublishesTheData) {
  RunnerOptions o;
  o.start_running = false;
  Runner r(small(), o);
  auto s = r.latest();
  ASSERT_EQ(s->step, 0);
  const std::vector<float> moons = s->data->xy;
  r.send(cmd::SetParam{"dataset", "8gaussians"});
  s = wait_for(r, [](const Snapshot& s) { return s.settings.dataset == "8gaussians"; });
  EXPECT_EQ(s->data->n_classes, 8) << "the data view still shows the old dataset";
  EXPECT_NE(s->data->xy, moons);
}

TEST(Runner, EvaluatesRobustnessAndAttacksPointsWhileTraining) {
  Settings st = small();
  st.attack_points = 50;
  st.n_steps_pgd_attack = 5;
  st.eps = "0,0.5";
  Runner r(st);
  wait_for(r, [](const Snapshot& s) { return s.step >= 100; });
  r.send(cmd::EvaluateRobustness{});
  r.send(cmd::AttackPoint{true, 0, 0, 0.8});
  auto s = wait_for(r, [](const Snapshot& s) { return s.robustness && s.attack; });
  ASSERT_TRUE(s->robustness && s->attack);
  EXPECT_EQ(s->robustness->eval.n_points, 50);
  EXPECT_EQ(s->robustness->eval.defences.size(), 3u);
  EXPECT_EQ(s->attack->attack_xy.size(), size_t(6 * 2));
  // At eps 0.8 on moons some of the 16 points tried breaks: the one shown is broken.
  EXPECT_NE(s->attack->attack_pred.back(), s->attack->label);
  // A click attacks the test point nearest it.
  const float x = s->attack->x + 0.001f, y = s->attack->y;
  const auto before = s->attack;
  r.send(cmd::AttackPoint{false, x, y, 0.1});
  s = wait_for(r, [&](const Snapshot& s) { return s.attack != before; });
  EXPECT_EQ(s->attack->x, before->x);
  EXPECT_EQ(s->attack->eps, 0.1);
  EXPECT_GT(s->step, 100) << "training goes on";
}

TEST(MetricsHistory, SharesChunksAndTruncates) {
  MetricsHistory h;
  for (int i = 1; i <= 3000; ++i) {
    StepStats st;
    st.step = i;
    h.push(st);
  }
  MetricsHistory copy = h;
  EXPECT_EQ(copy.size(), 3000u);
  EXPECT_EQ(copy[2047].step, 2048);
  h.truncate_after(1500);
  EXPECT_EQ(h.size(), 1500u);
  EXPECT_EQ(h.back().step, 1500);
  EXPECT_EQ(copy.size(), 3000u);  // snapshots already taken are untouched
}

// An evaluation that finishes after its step was pushed: merged into that row, in a copy of a
// shared chunk (a snapshot already taken keeps its row), with a new revision each time.
TEST(MetricsHistory, MergesALateEvaluationIntoItsRow) {
  MetricsHistory h;
  for (int i = 1; i <= 2100; ++i) {
    StepStats st;
    st.step = 2 * i;  // steps 2, 4, ..., 4200: rows 0-1023 and 1024-2047 are sealed chunks
    h.push(st);
  }
  const MetricsHistory before = h;
  StepStats eval;
  eval.step = 1000;  // row 499, in the first sealed chunk
  eval.test_acc = 0.75, eval.probe_kl = 0.5;
  ASSERT_TRUE(h.merge_evaluation(eval));
  EXPECT_EQ(h[499].test_acc, 0.75);
  EXPECT_EQ(h[499].probe_kl, 0.5);
  EXPECT_TRUE(std::isnan(before[499].test_acc)) << "a snapshot's chunk was written";
  EXPECT_NE(h.revision(), before.revision());
  eval.step = 4200, eval.test_acc = 0.9;  // the newest row, in the open tail
  const uint64_t revision = h.revision();
  ASSERT_TRUE(h.merge_evaluation(eval));
  EXPECT_EQ(h.back().test_acc, 0.9);
  EXPECT_NE(h.revision(), revision);
  eval.step = 1001;  // no such row (odd), nor past the end
  EXPECT_FALSE(h.merge_evaluation(eval));
  eval.step = 5000;
  EXPECT_FALSE(h.merge_evaluation(eval));
  EXPECT_TRUE(std::isnan(h[500].test_acc));
}

// The periodic evaluations of a 2D run go to a copy of the run on a thread of its own: every
// eval_every row gets them, the same figures the trainer computes inline at that step, and no
// other row; training itself is the same as without them.
TEST(Runner, EvaluatesInTheBackgroundAsTheTrainerDoesInline) {
  Settings st = small();
  st.dataset = "8gaussians";  // a true density (kl_true) and modes (their shares)
  st.eval_every = 10;
  st.probe_steps = 20;
  RunnerOptions o;
  o.start_running = false;
  Runner r(st, o);
  r.send(cmd::Step{30});
  auto s = wait_for(r, [](const Snapshot& s) {
    return s.history.size() == 30 && std::isfinite(s.history[9].test_nll) && std::isfinite(s.history[19].test_nll) &&
           std::isfinite(s.history[29].test_nll);
  });
  ASSERT_EQ(s->history.size(), 30u);
  Trainer inline_run(st);
  for (size_t i = 0; i < 30; ++i) {
    const StepStats want = inline_run.step(), &got = s->history[i];
    ASSERT_EQ(got.step, want.step);
    EXPECT_EQ(got.loss, want.loss) << "step " << got.step;
    if (want.step % 10 != 0) {
      EXPECT_TRUE(std::isnan(got.test_acc) && std::isnan(got.test_nll)) << "step " << got.step;
      continue;
    }
    EXPECT_EQ(got.test_acc, want.test_acc) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.test_nll, want.test_nll) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.kl_true, want.kl_true) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.mmd2, want.mmd2) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.mode_share_min, want.mode_share_min) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.buffer_kl, want.buffer_kl) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.probe_kl, want.probe_kl) << "step " << got.step;
    EXPECT_DOUBLE_EQ(got.probe_kl_floor, want.probe_kl_floor) << "step " << got.step;
  }
}
