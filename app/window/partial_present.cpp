#include "app/window/partial_present.h"

#include <epoxy/egl.h>
#include <epoxy/glx.h>

#include <X11/Xutil.h>

#include <algorithm>

// From GLFW's glfw3native.h, declared here because Debian's copy of that header includes
// Xrandr's, a package the lab has no other use for. Both exist in every X11 build of GLFW 3.3+.
extern "C" Display* glfwGetX11Display(void);
extern "C" Window glfwGetX11Window(GLFWwindow* window);

namespace jem::window {

bool can_present_rects() {
  // GLFW makes an EGL context on Wayland and a GLX one on X11 (libGL, linked, has GLX). Asking
  // EGL first is safe where there is no EGL; asking GLX for its display where there is none is not.
  if (epoxy_has_egl() && eglGetCurrentContext() != EGL_NO_CONTEXT) return false;
  Display* display = glXGetCurrentDisplay();
  return display && glXGetCurrentDrawable() &&
         epoxy_has_glx_extension(display, DefaultScreen(display), "GLX_MESA_copy_sub_buffer");
}

namespace {

bool x_error_seen = false;
int note_x_error(Display*, XErrorEvent*) {
  x_error_seen = true;
  return 0;
}

// Which of the 2x2 back-buffer pixels from (x, y) up a read wrote: bit i for pixel (x + i % 2,
// y + i / 2). A pixel outside the buffer keeps the impossible value -1.
unsigned pixels_read(int x, int y) {
  float px[16];
  std::fill(px, px + 16, -1.0f);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glReadPixels(x, y, 2, 2, GL_RGBA, GL_FLOAT, px);
  unsigned written = 0;
  for (int i = 0; i < 4; ++i) written |= px[4 * i] >= 0 ? 1u << i : 0u;
  return written;
}

// X can read a window's pixels only while all of them are on the screen, at the size asked for.
bool fully_on_screen(Display* display, Window window, int w, int h) {
  XWindowAttributes a;
  if (!XGetWindowAttributes(display, window, &a) || a.map_state != IsViewable || a.width != w || a.height != h)
    return false;
  int x = 0, y = 0;
  Window child;
  XTranslateCoordinates(display, window, a.root, 0, 0, &x, &y, &child);
  return x >= 0 && y >= 0 && x + w <= WidthOfScreen(a.screen) && y + h <= HeightOfScreen(a.screen);
}

}  // namespace

// Of the pixels around the origin only (0, 0) is inside any buffer.
bool reads_clipped() { return pixels_read(-1, -1) == 0b1000u; }

bool back_buffer_is(int w, int h) { return pixels_read(w - 1, h - 1) == 0b0001u; }

bool present_rects(const std::vector<PixelRect>& rects, int fb_h) {
  Display* display = glXGetCurrentDisplay();
  const GLXDrawable drawable = glXGetCurrentDrawable();
  x_error_seen = false;
  XErrorHandler previous = XSetErrorHandler(note_x_error);
  for (const PixelRect& r : rects)
    glXCopySubBufferMESA(display, drawable, r.x0, fb_h - r.y1, r.x1 - r.x0, r.y1 - r.y0);
  XSync(display, False);  // Mesa syncs after each copy; this makes sure of it
  XSetErrorHandler(previous);
  return !x_error_seen;
}

std::vector<uint8_t> read_window_rgba(GLFWwindow* window, int w, int h) {
  if (!can_present_rects() || w <= 0 || h <= 0) return {};
  Display* display = glfwGetX11Display();
  const Window x_window = glfwGetX11Window(window);
  XSync(display, False);  // the copies above reach the server first
  if (!fully_on_screen(display, x_window, w, h)) return {};
  // A window resized or moved between the question and the read: an error to note, not to die of.
  x_error_seen = false;
  XErrorHandler previous = XSetErrorHandler(note_x_error);
  XImage* image = XGetImage(display, x_window, 0, 0, unsigned(w), unsigned(h), AllPlanes, ZPixmap);
  XSync(display, False);
  XSetErrorHandler(previous);
  // A visual without three colour masks (a palette) is not what the lab draws to: no answer.
  if (!image || x_error_seen || !image->red_mask || !image->green_mask || !image->blue_mask) {
    if (image) XDestroyImage(image);
    return {};
  }
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const unsigned long p = XGetPixel(image, x, y);
      uint8_t* out = &rgba[(size_t(y) * w + x) * 4];
      out[0] = uint8_t((p & image->red_mask) >> __builtin_ctzl(image->red_mask));
      out[1] = uint8_t((p & image->green_mask) >> __builtin_ctzl(image->green_mask));
      out[2] = uint8_t((p & image->blue_mask) >> __builtin_ctzl(image->blue_mask));
      out[3] = 255;
    }
  XDestroyImage(image);
  return rgba;
}

}  // namespace jem::window
