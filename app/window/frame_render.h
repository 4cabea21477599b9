// The window's frame: ImGui's draw data rasterised into a kept image, only where it changed
// (frame_damage.h). On llvmpipe a whole 1600x1000 frame costs ~16 ms of CPU; most frames change
// a plot, a few numbers and the landscape. The kept image is an offscreen framebuffer, and it
// reaches the window
// - on a software rasteriser with GLX_MESA_copy_sub_buffer (Xvfb, VMs without a GPU), as its
//   damage only: those rectangles are copied to the back buffer and from there to the window,
//   without swaps (partial_present.h), once the back buffer is checked to be the frame's size
//   (else that frame is swapped whole);
// - elsewhere, or with --swap-frames, whole: copied to the back buffer, which is then swapped (a
//   GPU copies it for free, and the swap keeps vsync).
#pragma once
#include <cstdint>
#include <vector>

#include "app/gl/render_target.h"
#include "app/window/frame_damage.h"

struct GLFWwindow;
struct ImDrawCmd;

namespace jem::window {

struct FrameOptions {
  bool full_redraw = false;  // every frame whole (--full-redraw)
  bool check = false;        // every frame also drawn whole and compared (--check-damage; slow)
  bool swap_frames = false;  // whole frames swapped even where rectangles could be copied (--swap-frames)
  int layout_delay_ms = 0;   // tests: a wait between layout and rendering (--layout-delay)
};

class FrameRenderer {
 public:
  explicit FrameRenderer(const FrameOptions& o) : o_(o) {}

  void render(GLFWwindow* window);   // ImGui::Render() included; the kept image then holds the frame
  void present(GLFWwindow* window);  // shows it in the window (what changed of it, or a swap)
  void invalidate() { damage_.invalidate(); }  // e.g. the font texture was rebuilt
  // The window lost its pixels (an expose): the next present shows the whole frame.
  void window_exposed() { present_whole_ = exposed_ = true; }
  double mean_damaged_fraction() const { return frames_ ? damaged_sum_ / frames_ : 0; }
  // --check-damage's two lines on stderr; false where a frame differed (or none was compared).
  bool report_check() const;
  int frame_width() const { return fb_w_; }  // the last frame drawn, in pixels (ImGui's layout size)
  int frame_height() const { return fb_h_; }
  std::vector<uint8_t> frame_rgba() const { return kept_.read_rgba(); }  // its pixels, top row first
 private:
  void choose_presenting();
  bool present_damage(GLFWwindow* window);  // false where the frame was swapped whole instead
  std::vector<uint8_t> whole_redraw_rgba(int fb_w, int fb_h);  // top row first
  struct FrameComparison {
    int64_t differing = 0, rounded = 0;  // pixels more than one level apart, one level apart
    int worst_level = 0;
  };
  FrameComparison compare_with_whole_redraw(int fb_w, int fb_h);
  void count(const FrameComparison& c);
  void compare_window_with_kept(GLFWwindow* window);
  int64_t window_mismatched_frames() const { return window_mismatched_ + (pending_mismatch_ ? 1 : 0); }

  gl::RenderTarget kept_, whole_;
  FrameDamage damage_;
  FrameOptions o_;
  bool chosen_ = false, copies_rects_ = false;  // copies_rects_: the damage is shown without swaps
  bool present_whole_ = true, exposed_ = false;
  bool stale_ = false;   // the window's size changed after ImGui laid this frame out
  bool pending_mismatch_ = false;  // the window differed; unless an expose explains it next frame
  std::vector<PixelRect> to_present_;  // this frame's damage
  int fb_w_ = 0, fb_h_ = 0;
  // --check-damage: frames whose kept image differed from a whole redraw by more than one level
  // of 255, the most such pixels, the largest difference (0..255), the frames with one-level
  // (rounding) differences only; frames read back from the X server and those that differed;
  // frames laid out at a size the window had left by the time they were rendered.
  int64_t frames_ = 0, checked_ = 0, mismatched_ = 0, worst_px_ = 0, rounded_frames_ = 0;
  int worst_level_ = 0;
  int64_t window_checked_ = 0, window_mismatched_ = 0, stale_frames_ = 0;
  // Copying rectangles: frames swapped whole instead, for a back buffer of another size than the
  // frame's, or a copy the X server refused.
  int64_t resized_frames_ = 0, refused_frames_ = 0;
  double damaged_sum_ = 0;
};

// For draw callbacks: the scissor ImGui's OpenGL3 backend would set for this command (the
// renderer clips callbacks to the damage too), enabled.
void scissor_as_backend(const ImDrawCmd* cmd);

}  // namespace jem::window
