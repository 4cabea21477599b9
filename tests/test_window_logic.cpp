// The window's control logic without a window: knob widgets to runner commands, transport,
// presets, divergence advice, and the landscape's scalar fields.
#include <gtest/gtest.h>

#include "app/plot/flow_layout.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "app/window/autosave_logic.h"
#include "app/panels/controls_logic.h"
#include "app/panels/density_truth.h"
#include "app/window/export_logic.h"
#include "app/panels/field_scalar.h"
#include "app/panels/presets.h"
#include "app/window/resource_paths.h"
#include "core/io/metrics_io.h"
#include "core/runner/runner.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

using namespace jem;
using namespace jem::window;

namespace {

Settings tiny() {
  Settings s;
  s.n_train = 256, s.n_test = 64, s.batch_size = 32, s.width = 16, s.depth = 2, s.n_steps = 5;
  s.buffer_size = 256, s.threads = 1, s.eval_every = 0, s.record_chains = 4;
  return s;
}

// Waits until `pred` holds on a published snapshot (or fails after `timeout_s`).
template <class Pred>
std::shared_ptr<const Snapshot> wait_for(Runner& r, Pred pred, double timeout_s = 20) {
  auto snap = r.latest();
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!pred(*snap) && std::chrono::steady_clock::now() < end) snap = r.wait_newer(snap->version, 0.2);
  return snap;
}

}  // namespace

TEST(WindowControls, KnobTextMatchesTheSchema) {
  EXPECT_EQ(knob_text(*find_param("n_steps"), 19.6), "20");
  EXPECT_EQ(knob_text(*find_param("proper_langevin"), 1), "true");
  EXPECT_EQ(knob_text(*find_param("sgld_lr"), 0.05), "0.05");
  EXPECT_EQ(knob_text(*find_param("sgld_lr"), 1e9), "100");  // clamped to the range
  // Every numeric widget, at both ends of its range and inside it: the typed command stores
  // exactly the value (rounded for integers, clamped to the range), and its text reads back to it.
  for (const ParamSpec& p : schema()) {
    if (p.type == ParamType::Choice || p.type == ParamType::Text) continue;  // combo and text field
    for (double v : {p.min, p.max, p.min + (p.max - p.min) * 0.37, p.max + 1}) {
      const double want = p.type == ParamType::Bool ? double(v != 0)
                          : p.type == ParamType::Int ? std::round(std::clamp(v, p.min, p.max))
                                                     : std::clamp(v, p.min, p.max);
      Settings s;
      const Command c = knob_command(p, v);
      set_value(s, p, std::get<cmd::SetParam>(c).value);
      EXPECT_EQ(get_number(s, p), want) << p.name << " at " << v;
      Settings t;
      set_param(t, p.name, knob_text(p, v));
      EXPECT_NEAR(get_number(t, p), want, 1e-8 * std::max(1.0, std::fabs(want))) << p.name << " text at " << v;
    }
  }
}

TEST(WindowControls, GroupsCoverEveryKnob) {
  // The sections are the schema's group list; a knob in a group without a section would vanish.
  size_t n = 0;
  for (const std::string& g : knob_groups()) n += knobs_in_group(g).size();
  EXPECT_EQ(n, schema().size());
  for (const ParamSpec& p : schema()) EXPECT_STRNE(group_title(p.group), p.group.c_str()) << p.name << " has no section";
  EXPECT_TRUE(applies_on_release(*find_param("width")));
  EXPECT_FALSE(applies_on_release(*find_param("sgld_lr")));
  EXPECT_TRUE(wants_input_field(*find_param("seed")));
}

TEST(WindowControls, KnobChangeReachesTheTrainer) {
  RunnerOptions o;
  o.start_running = false;
  Runner r(tiny(), o);
  r.send(knob_command(*find_param("sgld_lr"), 0.025));
  r.send(choice_command(*find_param("sgld_init"), 1));
  r.send(knob_command(*find_param("proper_langevin"), 1));
  // The runner may take the three in separate batches: wait until the last one has arrived.
  auto s = wait_for(r, [](const Snapshot& s) { return s.settings.proper_langevin; });
  EXPECT_DOUBLE_EQ(s->settings.sgld_lr, 0.025);
  EXPECT_EQ(s->settings.sgld_init, "gaussian");
  EXPECT_TRUE(s->settings.proper_langevin);
}

TEST(WindowControls, PauseStopsStepsAndStepRunsOne) {
  Runner r(tiny());
  auto s = wait_for(r, [](const Snapshot& s) { return s.step >= 3; });
  ASSERT_GE(s->step, 3);
  r.send(transport_command(Transport::PlayPause, *s));  // running -> Pause
  s = wait_for(r, [](const Snapshot& s) { return s.state == RunState::Paused; });
  ASSERT_EQ(s->state, RunState::Paused);
  EXPECT_STREQ(play_pause_label(*s), "Play");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  r.send(cmd::Publish{});
  auto later = r.wait_newer(s->version, 2);
  EXPECT_EQ(later->step, s->step) << "steps ran while paused";
  r.send(transport_command(Transport::Step, *later));
  auto stepped = wait_for(r, [&](const Snapshot& x) { return x.step > later->step; });
  EXPECT_EQ(stepped->step, later->step + 1);
  EXPECT_EQ(stepped->state, RunState::Paused);
}

TEST(WindowControls, NewDataRegeneratesTheDatasetAndRestarts) {
  Runner r(tiny());
  auto s = wait_for(r, [](const Snapshot& s) { return s.step >= 3; });
  const std::vector<float> before = s->data->xy;
  r.send(transport_command(Transport::NewData, *s));
  auto after = wait_for(r, [&](const Snapshot& x) { return x.settings.data_seed == s->settings.data_seed + 1; });
  ASSERT_EQ(after->settings.data_seed, s->settings.data_seed + 1);
  EXPECT_NE(after->data->xy, before) << "the dataset was not regenerated";
  EXPECT_LT(after->step, s->step + 3) << "a new dataset starts the run again";
}

TEST(WindowControls, PendingEditShowsUntilPublished) {
  const ParamSpec& p = *find_param("lr");
  Settings published;
  PendingEdits e;
  const auto t0 = PendingEdits::Clock::now();
  e.sent("lr", 0.01, t0);
  EXPECT_DOUBLE_EQ(e.shown(p, published, t0), 0.01);  // not applied yet: the widget keeps 0.01
  published.lr = 0.01;
  EXPECT_DOUBLE_EQ(e.shown(p, published, t0), 0.01);
  EXPECT_EQ(e.size(), 0u);
  e.sent("lr", 5.0, t0);  // rejected by the runner: falls back after a second
  EXPECT_DOUBLE_EQ(e.shown(p, published, t0 + std::chrono::seconds(2)), 0.01);
}

TEST(WindowControls, StatusLineAndGuardAdvice) {
  Snapshot s;
  s.state = RunState::Diverged, s.step = 129, s.iters_per_s = 50, s.device = "cpu";
  s.settings.sgld_lr = 100;
  EXPECT_NE(status_line(s, 60).find("diverged | step 129 | 50.0 it/s | 60 fps"), std::string::npos);
  EXPECT_FALSE(guard_advice(s));
  s.guard = GuardEvent{129, "loss", -1e9, 100};
  auto a = guard_advice(s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->knob, "sgld_lr");
  EXPECT_DOUBLE_EQ(a->new_value, 50);
  EXPECT_NE(a->suggestion.find("step 100"), std::string::npos);
  // A small SGLD step: the optimiser's learning rate is halved next, down to its range's floor.
  s.settings.sgld_lr = 1e-3, s.settings.lr = 1e-4;
  a = guard_advice(s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->knob, "lr");
  EXPECT_DOUBLE_EQ(a->new_value, 5e-5);
  // At the floor no knob value is proposed (1e-7 / 2 is out of range): go back further instead.
  s.settings.lr = find_param("lr")->min;
  a = guard_advice(s);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->knob.empty());
  EXPECT_NE(a->suggestion.find("Rewind"), std::string::npos);
}

TEST(WindowPresets, AllLoadWithTitlesAndDescriptions) {
  const auto presets = load_presets(JEMLAB_SOURCE_DIR "/assets/presets", window_base_settings());
  ASSERT_GE(presets.size(), 6u);
  EXPECT_EQ(presets[0].name, "jem_default");
  for (const Preset& p : presets) {
    EXPECT_FALSE(p.title.empty()) << p.name;
    EXPECT_GT(p.description.size(), 80u) << p.name;
    EXPECT_NO_THROW(validate(p.settings)) << p.name;
  }
  EXPECT_EQ(find_preset(presets, "baseline_classifier")->settings.p_x_weight, 0);
  EXPECT_TRUE(find_preset(presets, "pure_ebm")->settings.uncond);
  EXPECT_EQ(find_preset(presets, "pure_ebm")->settings.p_y_given_x_weight, 0);
  EXPECT_EQ(find_preset(presets, "short_run_no_buffer")->settings.buffer_size, 0);
  EXPECT_TRUE(find_preset(presets, "proper_langevin")->settings.proper_langevin);
  EXPECT_GE(find_preset(presets, "step_too_large")->settings.sgld_lr, 10);
}

TEST(WindowPresets, ANonTextTitleIsAnErrorNamingTheFile) {
  // nlohmann's value() threw its own type_error here, which the window did not catch.
  try {
    parse_preset(R"({"_title": 5, "lr": 0.01})", "x", window_base_settings(), "x.json");
    FAIL() << "no Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.json: _title"), std::string::npos) << e.what();
  }
}

TEST(WindowField, DensityIntegratesToOneOnTheGrid) {
  FieldGrid g;
  g.box = Box{-4, 4, -4, 4};
  g.res = 64, g.n_classes = 2;
  for (int iy = 0; iy < g.res; ++iy)
    for (int ix = 0; ix < g.res; ++ix) {
      const float x = g.box.x0 + (ix + 0.5f) * g.box.width() / g.res, y = g.box.y0 + (iy + 0.5f) * g.box.height() / g.res;
      g.neg_energy.push_back(-(x * x + y * y) / 2 + 3.0f);  // unnormalised Gaussian
      g.logits.push_back(x), g.logits.push_back(-x);
      const float p0 = 1 / (1 + std::exp(-2 * x));
      g.probs.push_back(p0), g.probs.push_back(1 - p0);
    }
  EXPECT_NEAR(log_partition_on_grid(g), std::log(2 * M_PI) + 3.0, 1e-3);
  const ScalarField d = make_scalar_field(g, FieldMode::Density, false, 0);
  double mass = 0;
  for (float v : d.values) mass += v * (8.0 / 64) * (8.0 / 64);
  EXPECT_NEAR(mass, 1.0, 1e-3);
  const ScalarField p = make_scalar_field(g, FieldMode::ClassProb, false, 1);
  EXPECT_FLOAT_EQ(p.lo, 0);
  EXPECT_FLOAT_EQ(p.hi, 1);
  const auto arg = argmax_classes(g);
  EXPECT_EQ(arg[0], 1);                    // x < 0: class 1
  EXPECT_EQ(arg[g.res - 1], 0);            // x > 0: class 0
  const ScalarField e = make_scalar_field(g, FieldMode::Energy, false, 0);
  EXPECT_LT(e.lo, e.hi);
}

TEST(WindowExport, MetricsCsvHasAHeaderAndOneRowPerIteration) {
  MetricsHistory h;
  for (int i = 1; i <= 3; ++i) {
    StepStats s;
    s.step = i, s.loss = 0.5 / i;
    if (i == 2) s.test_nll = 1.25;  // sparse columns stay empty elsewhere
    h.push(s);
  }
  const auto path = std::filesystem::temp_directory_path() / "jemlab_test_metrics.csv";
  write_history_csv(path.string(), h);
  const std::string text = read_file(path.string());
  std::filesystem::remove(path);
  std::vector<std::string> lines;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 4u);
  std::string header = stats_csv_header();
  while (!header.empty() && header.back() == '\n') header.pop_back();
  EXPECT_EQ(lines[0], header);
  const auto columns = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(columns(lines[i]), columns(lines[0])) << lines[i];
  EXPECT_EQ(lines[2].substr(0, 2), "2,");
  EXPECT_NE(lines[2].find("1.25"), std::string::npos);
  EXPECT_EQ(lines[1].find("1.25"), std::string::npos);
  // An unwritable path is an error naming it, not a silent no-op.
  EXPECT_THROW(write_history_csv("/nonexistent-dir/x.csv", h), std::exception);
}

TEST(WindowExport, TrajectoryGifIsAnAnimatedGif89) {
  const int w = 96, h = 64;
  std::vector<uint8_t> bg(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &bg[(size_t(y) * w + x) * 4];
      p[0] = uint8_t(x * 2), p[1] = uint8_t(y * 3), p[2] = 128, p[3] = 255;
    }
  GifChain chain;
  for (int s = 0; s <= 30; ++s) chain.xy.push_back(10 + s * 2.5f), chain.xy.push_back(50 - s * 1.2f);
  GifOptions o;
  o.max_frames = 10, o.hold_last_frames = 2;
  const auto path = std::filesystem::temp_directory_path() / "jemlab_test_chain.gif";
  ASSERT_EQ(write_trajectory_gif(path.string(), bg, w, h, {chain}, o), "");
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  ASSERT_GT(bytes.size(), 200u);
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  EXPECT_NE(bytes.find("NETSCAPE2.0"), std::string::npos);  // loops
  // 10 frames of motion plus 2 held: one graphics-control block (0x21 0xF9) per frame.
  size_t frames = 0;
  for (size_t i = 0; i + 1 < bytes.size(); ++i) frames += bytes[i] == '\x21' && bytes[i + 1] == '\xF9';
  EXPECT_GE(frames, 13u);
  EXPECT_NE(write_trajectory_gif(path.string(), bg, w, h, {}, o), "");  // no chain: a reason, no file
  // Written whole or not at all (encoded in memory, then atomically): the reason names the file.
  EXPECT_NE(write_trajectory_gif("/proc/no/such/x.gif", bg, w, h, {chain}, o).find("/proc/no/such/x.gif"),
            std::string::npos);
}

TEST(WindowExport, ExportNamesAreTimestampedAndNeverReused) {
  std::tm t{};
  t.tm_year = 2025 - 1900, t.tm_mon = 2, t.tm_mday = 7, t.tm_hour = 9, t.tm_min = 5, t.tm_sec = 3;
  EXPECT_EQ(export_file_name("screenshot", "png", t), "jemlab-screenshot-20250307-090503.png");
  EXPECT_EQ(export_file_name("chain", "gif", t, 3), "jemlab-chain-20250307-090503-3.gif");
  // Same second, names taken: the next free number; the folder's trailing slash does not double.
  std::set<std::string> taken;
  const auto exists = [&](const std::string& p) { return taken.count(p) > 0; };
  for (int i = 1; i <= 3; ++i) {
    const std::string p = unused_export_path("out/", "landscape_canvas", "png", t, exists);
    EXPECT_TRUE(taken.insert(p).second) << p;
  }
  EXPECT_TRUE(taken.count("out/jemlab-landscape_canvas-20250307-090503.png"));
  EXPECT_TRUE(taken.count("out/jemlab-landscape_canvas-20250307-090503-3.png"));
  // The real one creates the folder and returns an absolute path that does not exist yet.
  const auto dir = std::filesystem::temp_directory_path() / "jemlab_test_exports" / "nested";
  std::filesystem::remove_all(dir.parent_path());
  const std::string first = new_export_path(dir.string(), "metrics", "csv");
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_TRUE(std::filesystem::path(first).is_absolute());
  write_file_atomically(first, "x");
  EXPECT_NE(new_export_path(dir.string(), "metrics", "csv"), first);
  std::filesystem::remove_all(dir.parent_path());
  EXPECT_THROW(new_export_path("/proc/jemlab-no/such", "x", "png"), std::exception);
}

TEST(WindowAutosave, PathFollowsTheXdgStateFolder) {
  EXPECT_EQ(default_autosave_path("/x/state", "/home/u"), "/x/state/jemlab/autosave.ckpt");
  EXPECT_EQ(default_autosave_path(nullptr, "/home/u"), "/home/u/.local/state/jemlab/autosave.ckpt");
  EXPECT_EQ(default_autosave_path("relative/state", "/home/u"), "/home/u/.local/state/jemlab/autosave.ckpt");
  EXPECT_EQ(default_autosave_path("", nullptr), "");
}

TEST(WindowAutosave, QuestionNamesTimeStepAndDataset) {
  CheckpointInfo info;
  info.step = 1234;
  info.dataset = "circles";
  std::tm t{};
  t.tm_year = 125, t.tm_mon = 2, t.tm_mday = 7, t.tm_hour = 14, t.tm_min = 2, t.tm_isdst = -1;
  info.saved_at = std::mktime(&t);
  EXPECT_EQ(restore_question(info), "Restore the session autosaved at 2025-03-07 14:02 (step 1234, dataset circles)?");
  EXPECT_EQ(parse_restore_choice("yes"), RestoreChoice::Yes);
  EXPECT_EQ(parse_restore_choice("ask"), RestoreChoice::Ask);
  EXPECT_THROW(parse_restore_choice("maybe"), std::exception);
}

TEST(WindowResources, AFolderNamedByHandMustExist) {
  try {
    find_resource_dir("shaders", "/nonexistent", "JEMLAB_SHADERS");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "the shaders folder /nonexistent (--shaders) does not exist");
  }
  EXPECT_EQ(find_resource_dir("shaders", "/tmp", "JEMLAB_SHADERS"), "/tmp");
}

TEST(DensityTruth, ChainDensityIsExpBetaFNormalisedOnTheGrid) {
  FieldGrid g;
  g.box = Box{0, 2, 0, 1};
  g.res = 2;
  g.n_classes = 1;
  g.neg_energy = {0.0f, 1.0f, 0.5f, 0.0f};
  g.beta = 3;
  const ScalarField d = make_scalar_field(g, FieldMode::ChainDensity, false, 0);
  // Cells of area 0.5: p_i = exp(3 f_i) / (0.5 * sum_j exp(3 f_j)).
  const double z = 0.5 * (1 + std::exp(3.0) + std::exp(1.5) + 1);
  EXPECT_NEAR(d.values[1], std::exp(3.0) / z, 1e-5);
  EXPECT_NEAR(d.values[0], 1 / z, 1e-6);
  EXPECT_NE(d.label.find("exp(3 f)"), std::string::npos) << d.label;
  g.beta = INFINITY;  // no noise: all the mass on the best cell
  const ScalarField point = make_scalar_field(g, FieldMode::ChainDensity, false, 0);
  EXPECT_NEAR(point.values[1], 2.0, 1e-6);
  EXPECT_EQ(point.values[0], 0.0f);
  FieldMode m;
  ASSERT_TRUE(field_mode_from_key("chains_density", m));
  EXPECT_EQ(m, FieldMode::ChainDensity);
  EXPECT_FALSE(field_mode_from_key("chain_density", m));
}

TEST(DensityTruth, StabilityLinesNameTheDensityAndJudgeConvergence) {
  Settings s;  // official pair: exp(2000 f)
  MetricsHistory h;
  StepStats r;
  r.step = 100, r.kl_true = 3.5, r.kl_chains = 3700, r.buffer_kl = 2.0, r.probe_kl = 1.5, r.probe_kl_floor = 0.05;
  h.push(r);
  std::vector<window::TruthLine> lines = window::density_truth_lines(s, h);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_NE(lines[0].text.find("exp(2000 f)"), std::string::npos) << lines[0].text;
  EXPECT_EQ(lines[0].level, window::TruthLevel::Warn);
  EXPECT_NE(lines[1].text.find("3.5"), std::string::npos) << lines[1].text;
  EXPECT_NE(lines.back().text.find("not converged"), std::string::npos) << lines.back().text;
  EXPECT_EQ(lines.back().level, window::TruthLevel::Warn);
  s.sampler = "mala";
  r.step = 200, r.accept_rate = 0.6, r.sampler_step = 0.01, r.buffer_kl = 0.1;
  h.push(r);
  lines = window::density_truth_lines(s, h);
  EXPECT_EQ(lines[0].level, window::TruthLevel::Ok);
  EXPECT_NE(lines[1].text.find("acceptance 0.60"), std::string::npos) << lines[1].text;
  EXPECT_NE(lines.back().text.find("have converged"), std::string::npos) << lines.back().text;
}

// A plot's title and legend entries wrap inside its frame (app/plot/flow_layout.h).
TEST(PlotLegend, EntriesWrapBeforeTheFramesEdgeAndAnOverwideOneGetsItsOwnLine) {
  using jem::plot::flow_left_to_right;
  // 40 + 10 + 30 + 10 = 90: the third (25 wide) would end at 115 > 100 and starts line 1.
  auto p = flow_left_to_right({40, 30, 25, 60}, {10, 10, 10, 10}, 100);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].line, 0);
  EXPECT_FLOAT_EQ(p[0].x, 0);
  EXPECT_EQ(p[1].line, 0);
  EXPECT_FLOAT_EQ(p[1].x, 50);
  EXPECT_EQ(p[2].line, 1);
  EXPECT_FLOAT_EQ(p[2].x, 0);
  EXPECT_EQ(p[3].line, 1);
  EXPECT_FLOAT_EQ(p[3].x, 35);  // 35 + 60 = 95 fits
  // Wider than a line: alone on its line, and the next item after it on a new one.
  p = flow_left_to_right({20, 150, 20}, {5, 5, 5}, 100);
  EXPECT_EQ(p[0].line, 0);
  EXPECT_EQ(p[1].line, 1);
  EXPECT_FLOAT_EQ(p[1].x, 0);
  EXPECT_EQ(p[2].line, 2);
  // Everything fits: one line.
  p = flow_left_to_right({10, 10, 10}, {1, 1, 1}, 100);
  EXPECT_EQ(p.back().line, 0);
  EXPECT_FLOAT_EQ(p.back().x, 22);
}
