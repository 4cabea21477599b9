// What the window exports besides screenshots: the run's metrics as CSV and an SGLD chain as an
// animated GIF over the landscape image. No GL here, so both are unit-tested.
#pragma once
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "core/runner/metrics_history.h"

namespace jem::window {

// Export file names: "jemlab-<what>-YYYYMMDD-HHMMSS.<ext>", then "-2", "-3"... when that name is
// taken, so exports sort by time and never overwrite each other (or an earlier session's).
std::string export_file_name(const std::string& what, const std::string& ext, const std::tm& local_time, int n = 1);
// The first name of that sequence for which `exists(dir + "/" + name)` is false.
std::string unused_export_path(const std::string& dir, const std::string& what, const std::string& ext,
                               const std::tm& local_time, const std::function<bool(const std::string&)>& exists);
// The same, now, in `dir` made absolute (and created if missing); throws Error naming the folder.
std::string new_export_path(const std::string& dir, const std::string& what, const std::string& ext);

// Header plus one row per recorded iteration (core/io/metrics_io.h's format).
std::string history_csv(const MetricsHistory& h);
// Atomically (no half-written file on failure); throws Error naming the path.
void write_history_csv(const std::string& path, const MetricsHistory& h);

// One chain as pixel positions over the background image, one per recorded SGLD step.
struct GifChain {
  std::vector<float> xy;  // [(n_steps+1) * 2], image pixels, y down
  uint8_t rgb[3] = {235, 250, 255};
};

struct GifOptions {
  int max_frames = 80;      // the steps are spread over at most this many frames
  int delay_cs = 6;         // per frame, hundredths of a second
  int max_width = 640;      // the background is downscaled (nearest) above this width
  int hold_last_frames = 12;  // the final position stays on screen a moment before the loop restarts
};

// Writes an animated, looping GIF: the background quantised once to 248 colours, each frame the
// chains' paths up to that step with a head marker. Returns "" on success, else the reason.
std::string write_trajectory_gif(const std::string& path, const std::vector<uint8_t>& background_rgba, int w, int h,
                                 const std::vector<GifChain>& chains, const GifOptions& opt = {});

}  // namespace jem::window
