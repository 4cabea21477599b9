// How long the device takes to draw a pass (GL_TIME_ELAPSED, core since OpenGL 3.3), read back
// a frame or more later so that nothing waits for it. On llvmpipe the device is a CPU thread, so a
// pass's time is taken from the cores the trainer uses; the landscape sizes how often it redraws
// its costly passes by it (panel_landscape.cpp).
#pragma once
#include <epoxy/gl.h>

namespace jem::gl {

class PassTimer {
 public:
  PassTimer() = default;
  ~PassTimer();
  PassTimer(const PassTimer&) = delete;
  PassTimer& operator=(const PassTimer&) = delete;

  // Around the pass's GL calls. A pass drawn while the last one's time is still pending is not
  // timed (one query in flight).
  void begin();
  void end();
  // The measured passes' time in seconds, a running mean, polled without waiting; 0 until one is
  // measured.
  double seconds();

 private:
  GLuint query_ = 0;
  bool open_ = false, pending_ = false;
  double mean_s_ = 0;
};

}  // namespace jem::gl
