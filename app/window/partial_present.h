// Showing part of the back buffer without a swap. GLX_MESA_copy_sub_buffer copies a rectangle of
// it to the window and leaves the back buffer as it was, so on Mesa's software rasteriser (Xvfb,
// VMs without a GPU) the back buffer can be the kept image itself (frame_render.h): a frame draws
// and shows only its damage, where copying and swapping all 1600x1000 pixels costs ~7 ms of CPU.
// Its own translation unit: X11's macros (Bool, Status, None) stay out of the others.
#pragma once
#include <cstdint>
#include <vector>

struct GLFWwindow;

namespace jem::window {

// Whether present_rect works for the current context: GLX with GLX_MESA_copy_sub_buffer.
bool can_present_rects();
// Shows [x, x + w) x [y, y + h) of the back buffer in the window, y counted from the bottom as in GL.
void present_rect(int x, int y, int w, int h);
// Whether the X server's size of the current drawable differs from w x h. Mesa's software winsys
// sizes the back buffer by it whenever it looks (at any glViewport), a frame before GLFW reports it.
bool server_size_differs(int w, int h);
// What the X server shows in the window (w x h pixels, RGBA, top row first): what the user sees,
// for --check-damage. Empty where the window is not an X11 one.
std::vector<uint8_t> read_window_rgba(GLFWwindow* window, int w, int h);

}  // namespace jem::window
