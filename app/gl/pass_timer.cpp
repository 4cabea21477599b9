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
      last_s_ = double(ns) * 1e-9;
      pending_ = false;
    }
  }
  return last_s_;
}

}  // namespace jem::gl
