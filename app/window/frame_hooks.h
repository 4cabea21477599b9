// What the frame loop does around each frame: pacing (block on events when idle, cap the rate)
// and the post-render hook that writes screenshots, the metrics CSV and the --report.
#pragma once
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "app/window/export_logic.h"
#include "app/window/frame_pacing.h"
#include "app/window/lab_context.h"
#include "app/window/lab_options.h"
#include "app/window/screenshot.h"

namespace jem::window {

using Clock = std::chrono::steady_clock;

// --metrics-csv: failures go to stderr (a full disk must not stop the lab).
inline void write_metrics_csv(const std::string& path, const Snapshot& s) {
  try {
    write_history_csv(path, s.history);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: %s\n", e.what());
  }
}

// Idle (paused, nothing moving, no input): block on events instead of drawing 60 frames a second;
// a few frames after any wake-up let ImGui settle hover and release states.
class FramePacer {
 public:
  explicit FramePacer(double frame_s)
      : period_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(frame_s))) {}
  void wait_for_events(bool busy) {
    start_ = Clock::now();
    if (busy || active_frames_ > 0) {
      glfwPollEvents();
      active_frames_ = std::max(0, active_frames_ - 1);
    } else {
      glfwWaitEventsTimeout(0.25);
      if (Clock::now() - start_ < std::chrono::milliseconds(240)) active_frames_ = 3;
    }
  }
  void wake() { active_frames_ = 3; }
  double dt() {  // seconds since the previous frame
    const auto now = Clock::now();
    const double d = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return d;
  }
  void end_frame(LabContext& ctx) {  // the measured rate, then the cap (frame_pacing.h)
    ++fps_frames_;
    const double fps_dt = std::chrono::duration<double>(Clock::now() - fps_t0_).count();
    if (fps_dt >= 0.5) ctx.fps = fps_frames_ / fps_dt, fps_frames_ = 0, fps_t0_ = Clock::now();
    due_ = next_frame_due(due_, start_, period_);
    std::this_thread::sleep_until(due_);
  }

 private:
  Clock::duration period_;
  int active_frames_ = 3, fps_frames_ = 0;
  Clock::time_point start_ = Clock::now(), last_ = start_, fps_t0_ = start_, due_ = start_;
};

// The post-render hook: screenshots (F12, exports, --screenshot, --screenshot-every), the metrics
// CSV and the --report for input tests. Returns false when the last frame's screenshot failed.
class Capture {
 public:
  explicit Capture(const LabOptions& o) : o_(o), report_at_(Clock::now()) {}
  // The frame is fb_w x fb_h pixels; read_frame gives them (RGBA, top row first).
  using FrameReader = std::function<std::vector<uint8_t>()>;
  bool after_render(LabContext& ctx, int frame, bool last_frame, int fb_w, int fb_h, float fb_scale,
                    const FrameReader& read_frame) {
    bool ok = true;
    if (last_frame && !o_.screenshot.empty()) ctx.screenshot_request = o_.screenshot;
    // --screenshot-every: a live view, rewritten in place (not an export: the list stays short).
    const bool live = o_.screenshot_every > 0 && frame % o_.screenshot_every == 0;
    const bool live_png = live && !o_.screenshot.empty() && ctx.screenshot_request.empty();
    if (live_png) ctx.screenshot_request = o_.screenshot;
    if (live && !o_.metrics_csv.empty()) write_metrics_csv(o_.metrics_csv, *ctx.snap);
    if (!ctx.screenshot_request.empty()) ok = write_requested_png(ctx, live_png, fb_w, fb_h, fb_scale, read_frame) || !last_frame;
    // Hidden tabs must not leave stale rectangles behind (the sidecar and the export list read them).
    ctx.last_panel_rects = std::move(ctx.panel_rects);
    ctx.panel_rects.clear();
    if (!o_.report.empty() && std::chrono::duration<double>(Clock::now() - report_at_).count() > 0.1) {
      write_report(o_.report, ctx, frame, false, report_last_);
      report_at_ = Clock::now();
    }
    return ok;
  }
  void minimised(LabContext& ctx, int frame) {
    if (!o_.report.empty()) write_report(o_.report, ctx, frame, false, report_last_);
  }
  void finish(LabContext& ctx, int frame) {
    if (!o_.metrics_csv.empty()) write_metrics_csv(o_.metrics_csv, *ctx.snap);
    if (!o_.report.empty()) write_report(o_.report, ctx, frame, true, report_last_);
  }

 private:
  bool write_requested_png(LabContext& ctx, bool live_png, int fb_w, int fb_h, float fb_scale, const FrameReader& read_frame) {
    // One panel's PNG: its rectangle, in framebuffer pixels.
    PanelRect crop;
    const auto it = ctx.panel_rects.find(ctx.screenshot_panel);
    if (it != ctx.panel_rects.end())
      crop = {it->second.x * fb_scale, it->second.y * fb_scale, it->second.w * fb_scale, it->second.h * fb_scale};
    const bool ok = write_png(ctx.screenshot_request, fb_w, fb_h, read_frame(), crop);
    if (ok) {
      if (crop.w <= 0) write_sidecar(ctx.screenshot_request, ctx, fb_scale);
      if (!live_png) {
        std::fprintf(stderr, "jemlab: wrote %s\n", ctx.screenshot_request.c_str());
        ctx.export_status = "wrote " + ctx.screenshot_request;
        ctx.exported.push_back(ctx.screenshot_request);
      }
    } else {
      ctx.export_status = "cannot write " + ctx.screenshot_request;
    }
    ctx.screenshot_request.clear();
    ctx.screenshot_panel.clear();
    return ok;
  }
  const LabOptions& o_;
  std::string report_last_;
  Clock::time_point report_at_;
};

}  // namespace jem::window
