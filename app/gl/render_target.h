// An offscreen colour buffer the landscape is drawn into, then shown as an ImGui image (so ImGui
// overlays, clipping and per-panel PNG export all work on one texture).
#pragma once
#include <epoxy/gl.h>

#include <cstdint>
#include <vector>

namespace jem::gl {

class RenderTarget {
 public:
  RenderTarget() = default;
  ~RenderTarget();
  RenderTarget(const RenderTarget&) = delete;
  RenderTarget& operator=(const RenderTarget&) = delete;

  // Binds the framebuffer at w x h pixels (reallocating when the size changed) and sets the viewport.
  void begin(int w, int h);
  void end();  // back to the default framebuffer; the texture counts as changed (frame_damage.h)
  GLuint texture() const { return color_; }
  int width() const { return w_; }
  int height() const { return h_; }
  GLuint framebuffer() const { return fbo_; }
  // Copies this image into `dst` (same size), or into the bound draw framebuffer (target_h pixels
  // high) at pixel rectangle (x, y_top, w, h) measured from the top, within the scissor when it is
  // on: a blit is a memory copy on llvmpipe, where drawing the same pixels as a textured, blended
  // quad costs several milliseconds.
  void blit_to(RenderTarget& dst) const;
  void blit_to_bound(int x, int y_top, int w, int h, int target_h) const;
  // RGBA rows, top row first.
  std::vector<uint8_t> read_rgba() const;

 private:
  GLuint fbo_ = 0, color_ = 0;
  int w_ = 0, h_ = 0;
  GLint prev_viewport_[4] = {0, 0, 0, 0};
};

}  // namespace jem::gl
