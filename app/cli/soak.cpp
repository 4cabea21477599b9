#include "app/cli/soak.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "app/panels/controls_logic.h"
#include "core/params/schema.h"
#include "core/runner/runner.h"

namespace jem::cli {
namespace {

using Clock = std::chrono::steady_clock;

bool all_finite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

// What a frame of the window draws: a NaN here is a NaN on screen.
bool has_nan(const Snapshot& s) {
  if (s.field && (!all_finite(s.field->neg_energy) || !all_finite(s.field->probs))) return true;
  if (s.buffer && !all_finite(s.buffer->xy)) return true;
  if (s.chains && !all_finite(s.chains->xy)) return true;
  if (s.launched && !all_finite(s.launched->xy)) return true;
  return !s.history.empty() && !(std::isfinite(s.history.back().loss) && std::isfinite(s.history.back().gap));
}

struct Sample {
  double t = 0;
  int64_t step = 0;
  ProcFigures p;
  double history_mb = 0;   // the metrics history and the rewind timeline: memory kept by design
  double timeline_mb = 0;
  bool nan = false;
};

}  // namespace

ProcFigures read_proc_figures() {
  ProcFigures f;
  {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) f.rss_mb = std::atof(line.c_str() + 6) / 1024;  // kB
      if (line.rfind("Threads:", 0) == 0) f.threads = std::atoi(line.c_str() + 8);
    }
  }
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (const dirent* e = ::readdir(d)) f.fds += e->d_name[0] != '.';
    ::closedir(d);
    f.fds -= 1;  // the listing's own descriptor
  }
  return f;
}

namespace {

// What a soak records: one sample a second, and what happened along the way.
struct SoakRecord {
  std::vector<Sample> samples;
  bool nan_seen = false;
  int guard_trips = 0;
  RunState end_state = RunState::Running;
};

// The window's traffic: a pan every second (a new grid), a launched chain every 10 s.
void send_window_traffic(Runner& runner, const Box& home, double t, int& pans, int& chains) {
  if (t >= pans) {
    const float d = (pans++ % 2) * 0.1f * home.width();
    runner.send(cmd::SetView{Box{home.x0 + d, home.x1 + d, home.y0, home.y1}, 128});
  }
  if (t >= 10.0 * chains) {
    runner.send(cmd::LaunchChain{home.x0 + 0.3f * home.width(), home.y0 + 0.2f * home.height(), -1, 200});
    ++chains;
  }
}

// A long run can diverge (JEM does); the soak then does what the window's guard panel offers, so
// that it goes on measuring the process rather than stopping. `resuming` holds from the advice
// sent until a snapshot shows it applied.
void follow_guard_advice(Runner& runner, const Snapshot& snap, bool& resuming, int& trips) {
  if (snap.state != RunState::Diverged) resuming = false;
  if (snap.state != RunState::Diverged || !snap.guard || resuming) return;
  const auto advice = window::guard_advice(snap);
  std::printf("soak: %s; %s\n", advice->what.c_str(), advice->suggestion.c_str());
  if (!advice->knob.empty()) runner.send(window::knob_command(*find_param(advice->knob), advice->new_value));
  runner.send(cmd::Resume{});
  ++trips;
  resuming = true;
}

void report_sample(const Sample& x, RunState state, std::FILE* csv) {
  std::printf("soak %6.0f s  step %7lld  rss %7.1f MB  fds %3d  threads %3d  history %5.1f MB  timeline %5.1f MB  "
              "nan %s  %s\n",
              x.t, static_cast<long long>(x.step), x.p.rss_mb, x.p.fds, x.p.threads, x.history_mb, x.timeline_mb,
              x.nan ? "YES" : "no", run_state_name(state));
  std::fflush(stdout);
  if (!csv) return;
  std::fprintf(csv, "%.1f,%lld,%.2f,%d,%d,%.3f,%.3f,%d\n", x.t, static_cast<long long>(x.step), x.p.rss_mb, x.p.fds,
               x.p.threads, x.history_mb, x.timeline_mb, x.nan ? 1 : 0);
  std::fflush(csv);
}

SoakRecord record_soak(const Settings& s, const SoakOptions& o, double total_s, std::FILE* csv,
                       const std::string& autosave) {
  SoakRecord r;
  Runner runner(s);
  runner.send(cmd::Autosave{autosave, std::min(30.0, std::max(1.0, total_s / 10))});
  const auto t0 = Clock::now();
  auto snap = runner.latest();
  const Box home = snap->data ? snap->data->box : Box{-3, 3, -3, 3};
  uint64_t seen = 0;
  int pans = 0, chains = 0;
  bool resuming = false;
  double next_sample = 0, next_report = 0;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));  // a 60 Hz frame
    const double t = std::chrono::duration<double>(Clock::now() - t0).count();
    snap = runner.latest();
    if (snap->version != seen) {
      seen = snap->version;
      if (has_nan(*snap) && !r.nan_seen) {
        r.nan_seen = true;
        std::printf("soak: NaN in the snapshot published at step %lld\n", static_cast<long long>(snap->step));
      }
    }
    send_window_traffic(runner, home, t, pans, chains);
    r.end_state = snap->state;
    follow_guard_advice(runner, *snap, resuming, r.guard_trips);
    const bool done = t >= total_s || r.end_state == RunState::Failed;
    if (t < next_sample && !done) continue;
    next_sample += 1;
    r.samples.push_back(Sample{t, snap->step, read_proc_figures(),
                               snap->history.size() * sizeof(StepStats) / 1048576.0, snap->timeline_bytes / 1048576.0,
                               r.nan_seen});
    if (t < next_report && !done) continue;
    next_report += std::max(1.0, o.every_s);
    report_sample(r.samples.back(), r.end_state, csv);
    if (done) break;
  }
  return r;
}

// A leak is a rising floor: the least RSS of each window is compared, and the fds and threads
// over it (a save in flight holds a descriptor for a moment: the end window's least count counts).
int judge_soak(const SoakRecord& r, const SoakOptions& o, double warm_s, double window_s) {
  const Sample& first = r.samples.front();
  const Sample& last = r.samples.back();
  const Sample* warm = nullptr;
  const Sample* end = nullptr;
  int warm_fds = 0, warm_threads = 0, end_fds = 1 << 30, end_threads = 1 << 30, max_fds = 0, max_threads = 0;
  double max_rss = 0;
  for (const Sample& x : r.samples) {
    max_rss = std::max(max_rss, x.p.rss_mb);
    max_fds = std::max(max_fds, x.p.fds), max_threads = std::max(max_threads, x.p.threads);
    if (x.t >= warm_s && x.t <= warm_s + window_s) {
      if (!warm || x.p.rss_mb < warm->p.rss_mb) warm = &x;
      warm_fds = std::max(warm_fds, x.p.fds), warm_threads = std::max(warm_threads, x.p.threads);
    }
    if (x.t >= last.t - window_s && x.t > warm_s + window_s) {
      if (!end || x.p.rss_mb < end->p.rss_mb) end = &x;
      end_fds = std::min(end_fds, x.p.fds), end_threads = std::min(end_threads, x.p.threads);
    }
  }
  std::printf("soak summary: %.1f min, step %lld -> %lld (%.1f it/s), state %s\n", last.t / 60,
              static_cast<long long>(first.step), static_cast<long long>(last.step),
              (last.step - first.step) / std::max(1e-9, last.t - first.t), run_state_name(r.end_state));
  if (!warm || !end) {
    std::printf("soak: FAIL: too short to judge (warm-up %.0f s, windows of %.0f s)\n", warm_s, window_s);
    return 1;
  }
  const double growth = end->p.rss_mb - warm->p.rss_mb;
  const double history = end->history_mb - warm->history_mb, timeline = end->timeline_mb - warm->timeline_mb;
  std::printf("  RSS MB: start %.1f, end %.1f, max %.1f; least after warm-up %.1f (at %.0f s), least at the end %.1f "
              "(at %.0f s): growth %.1f = metrics history %.1f + rewind timeline %.1f (%.1f kept, bounded) + other %.1f "
              "(limit %.0f)\n",
              first.p.rss_mb, last.p.rss_mb, max_rss, warm->p.rss_mb, warm->t, end->p.rss_mb, end->t, growth, history,
              timeline, last.timeline_mb, growth - history - timeline, o.max_growth_mb);
  std::printf("  fds: start %d, after warm-up %d, end %d, max %d; threads: start %d, after warm-up %d, end %d, max %d\n",
              first.p.fds, warm_fds, end_fds, max_fds, first.p.threads, warm_threads, end_threads, max_threads);
  std::printf("  NaN in published snapshots: %s; divergence guard trips (resumed as the window advises): %d\n",
              r.nan_seen ? "YES" : "none", r.guard_trips);
  std::string why;
  if (growth - history - timeline > o.max_growth_mb) why += " RSS grew;";
  if (end_fds > warm_fds) why += " file descriptors grew;";
  if (end_threads > warm_threads) why += " threads grew;";
  if (r.nan_seen) why += " NaN published;";
  if (r.end_state == RunState::Failed) why += " training stopped;";
  std::printf("soak: %s%s\n", why.empty() ? "PASS" : "FAIL:", why.c_str());
  return why.empty() ? 0 : 1;
}

}  // namespace

int run_soak(const Settings& s, const SoakOptions& o) {
  const double total_s = o.minutes * 60;
  // Allocator pools, OpenMP teams and the first evaluations settle in the first minute.
  const double warm_s = std::min(60.0, 0.25 * total_s);
  // RSS swings by tens of MB around an evaluation: each end of the run is judged over a window
  // of 10% of the run.
  const double window_s = std::max(2.0, 0.1 * total_s);
  std::FILE* csv = o.csv.empty() ? nullptr : std::fopen(o.csv.c_str(), "w");
  if (!o.csv.empty() && !csv) {
    std::fprintf(stderr, "jemlab bench --soak: cannot write %s\n", o.csv.c_str());
    return 2;
  }
  if (csv) std::fprintf(csv, "t_s,step,rss_mb,fds,threads,history_mb,timeline_mb,nan\n");
  const std::string autosave = "/tmp/jemlab-soak-" + std::to_string(::getpid()) + ".ckpt";
  const SoakRecord record = record_soak(s, o, total_s, csv, autosave);
  if (csv) std::fclose(csv);
  std::remove(autosave.c_str());
  return judge_soak(record, o, warm_s, window_s);
}

}  // namespace jem::cli
