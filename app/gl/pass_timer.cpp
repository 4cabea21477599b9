#include "app/gl/pass_timer.h"

namespace jem::gl {

PassTimer::~PassTimer() {
  if (query_) glDeleteQueries(1, &query_);
}

void PassTimer::begin() {
  if (pending_ || open_) return;
  if (!query_) glGenQueries(1, &query_);
  glBeginQuery(GL_TIME_ELAPSED, query_);
  open_ = true;
}

void PassTimer::end() {
  if (!open_) return;
  glEndQuery(GL_TIME_ELAPSED);
  open_ = false;
  pending_ = true;
}

double PassTimer::seconds() {
  if (pending_) {
    GLint available = 0;
    glGetQueryObjectiv(query_, GL_QUERY_RESULT_AVAILABLE, &available);
    if (available) {
      GLuint64 ns = 0;
      glGetQueryObjectui64v(query_, GL_QUERY_RESULT, &ns);
      // A running mean (each pass weighs a quarter): one pass preempted on a busy core is not
      // taken for the pass's cost.
      const double s = double(ns) * 1e-9;
      mean_s_ = mean_s_ > 0 ? 0.75 * mean_s_ + 0.25 * s : s;
      pending_ = false;
    }
  }
  return mean_s_;
}

}  // namespace jem::gl
