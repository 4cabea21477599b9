// What the session tests share: a small run that trains fast, and a loop of window frames
// driven as the frame loop drives them (the newest snapshot, the session's update, the next one).
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include "core/params/settings.h"
#include "core/runner/runner.h"

namespace jem::testing_frames {

inline Settings tiny_run() {
  Settings s;
  s.n_train = 300, s.n_test = 100, s.batch_size = 16, s.n_steps = 3, s.buffer_size = 200, s.width = 16;
  s.eval_every = 0, s.threads = 1;
  return s;
}

// frame(snapshot) once a frame until done(snapshot) holds or `seconds` pass; returns the last
// snapshot of `lab`.
inline std::shared_ptr<const Snapshot> frames_until(Runner& lab, const std::function<void(const Snapshot&)>& frame,
                                                    const std::function<bool(const Snapshot&)>& done,
                                                    double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto snap = lab.latest();
  while (std::chrono::steady_clock::now() < deadline) {
    frame(*snap);
    if (done(*snap)) break;
    snap = lab.wait_newer(snap->version, 0.02);
  }
  return snap;
}

}  // namespace jem::testing_frames
