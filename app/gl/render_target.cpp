#include "app/gl/render_target.h"

#include <cstdint>
#include <cstring>

#include "app/window/frame_damage.h"

namespace jem::gl {

RenderTarget::~RenderTarget() {
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (color_) glDeleteTextures(1, &color_);
}

void RenderTarget::begin(int w, int h) {
  w = w < 1 ? 1 : w;
  h = h < 1 ? 1 : h;
  if (!fbo_) {
    glGenFramebuffers(1, &fbo_);
    glGenTextures(1, &color_);
  }
  if (w != w_ || h != h_) {
    glBindTexture(GL_TEXTURE_2D, color_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_, 0);
    w_ = w, h_ = h;
  }
  glGetIntegerv(GL_VIEWPORT, prev_viewport_);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, w_, h_);
}

void RenderTarget::end() {
  // Its pixels changed: wherever the window shows this texture is damaged (frame_damage.h).
  window::note_content_changed(reinterpret_cast<const void*>(static_cast<intptr_t>(color_)));
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(prev_viewport_[0], prev_viewport_[1], prev_viewport_[2], prev_viewport_[3]);
}

void RenderTarget::blit_to(RenderTarget& dst) const {
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, dst.fbo_);
  glBlitFramebuffer(0, 0, w_, h_, 0, 0, dst.w_, dst.h_, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, dst.fbo_);
}

void RenderTarget::blit_to_bound(int x, int y_top, int w, int h, int target_h) const {
  if (!fbo_) return;
  GLint draw_fbo = 0, read_fbo = 0;
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw_fbo);
  glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read_fbo);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
  const int y0 = target_h - (y_top + h);
  glBlitFramebuffer(0, 0, w_, h_, x, y0, x + w, y0 + h, GL_COLOR_BUFFER_BIT, w == w_ && h == h_ ? GL_NEAREST : GL_LINEAR);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(read_fbo));
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(draw_fbo));
}

std::vector<uint8_t> RenderTarget::read_rgba() const {
  std::vector<uint8_t> px(size_t(w_) * h_ * 4);
  if (!fbo_) return px;
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w_, h_, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  // GL's first row is the bottom one.
  const size_t row = size_t(w_) * 4;
  std::vector<uint8_t> tmp(row);
  for (int y = 0; y < h_ / 2; ++y) {
    std::memcpy(tmp.data(), &px[y * row], row);
    std::memcpy(&px[y * row], &px[(h_ - 1 - y) * row], row);
    std::memcpy(&px[(h_ - 1 - y) * row], tmp.data(), row);
  }
  return px;
}

}  // namespace jem::gl
