// Showing part of the back buffer without a swap. GLX_MESA_copy_sub_buffer copies a rectangle of
// it to the window, so on Mesa's software rasteriser (Xvfb, VMs without a GPU) a frame shows only
// its damage (frame_render.h), where copying and swapping all 1600x1000 pixels costs ~7 ms of CPU.
// Mesa's winsys sizes the back buffer by the window when it looks, not when the frame was laid
// out: before a copy, the back buffer's size is checked, and a copy the X server refuses (a window
// resized in between) is an answer, not an error that ends the process.
// Its own translation unit: X11's macros (Bool, Status, None) stay out of the others.
#pragma once
#include <cstdint>
#include <vector>

#include "app/window/frame_damage.h"

struct GLFWwindow;

namespace jem::window {

// Whether present_rects works for the current context: GLX with GLX_MESA_copy_sub_buffer.
bool can_present_rects();
// Whether reads of the back buffer are clipped to its size (Mesa's are): back_buffer_is needs it.
bool reads_clipped();
// Whether the back buffer is w x h pixels: of a read of the 2x2 pixels at its corner (w - 1, h - 1),
// only the first lands inside it.
bool back_buffer_is(int w, int h);
// Shows the rectangles (top row first, in a frame fb_h pixels high) of the back buffer in the
// window; false where the X server refused a copy.
bool present_rects(const std::vector<PixelRect>& rects, int fb_h);
// What the X server shows in the window (w x h pixels, RGBA, top row first): what the user sees,
// for --check-damage. Empty where the window is not an X11 one.
std::vector<uint8_t> read_window_rgba(GLFWwindow* window, int w, int h);

}  // namespace jem::window
