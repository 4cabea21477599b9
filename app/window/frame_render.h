// The window's frame: ImGui's draw data rasterised into a kept framebuffer, only where it changed
// (frame_damage.h), then copied to the back buffer. On llvmpipe a whole 1600x1000 frame costs
// ~16 ms of CPU; most frames change a plot, a few numbers and the landscape.
#pragma once
#include <cstdint>
#include <vector>

#include "app/gl/render_target.h"
#include "app/window/frame_damage.h"

struct GLFWwindow;
struct ImDrawCmd;

namespace jem::window {

class FrameRenderer {
 public:
  // full_redraw: every frame whole (--full-redraw). check: every frame also drawn whole into a
  // second framebuffer and compared pixel for pixel (--check-damage; slow, for tests).
  FrameRenderer(bool full_redraw, bool check) : full_redraw_(full_redraw), check_(check) {}

  void render(GLFWwindow* window);  // ImGui::Render() included
  void invalidate() { damage_.invalidate(); }  // e.g. the font texture was rebuilt
  double mean_damaged_fraction() const { return frames_ ? damaged_sum_ / frames_ : 0; }
  // --check-damage: frames whose kept image differed from a whole redraw by more than one level
  // of 255, the most such pixels, the frames with one-level (rounding) differences only.
  int64_t checked_frames() const { return checked_; }
  int64_t mismatched_frames() const { return mismatched_; }
  int64_t worst_mismatch_px() const { return worst_px_; }
  int worst_mismatch_level() const { return worst_level_; }  // the largest colour difference, 0..255
  int64_t rounded_frames() const { return rounded_frames_; }

 private:
  void compare_with_whole_redraw(int fb_w, int fb_h);

  gl::RenderTarget kept_, whole_;
  FrameDamage damage_;
  bool full_redraw_, check_;
  int64_t frames_ = 0, checked_ = 0, mismatched_ = 0, worst_px_ = 0, rounded_frames_ = 0;
  int worst_level_ = 0;
  double damaged_sum_ = 0;
};

// For draw callbacks: the scissor ImGui's OpenGL3 backend would set for this command (the
// renderer clips callbacks to the damage too), enabled.
void scissor_as_backend(const ImDrawCmd* cmd);

}  // namespace jem::window
