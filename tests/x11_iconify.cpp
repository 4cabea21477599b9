// What a window manager does when it minimises or restores a window, for tests under Xvfb (which
// has no window manager, so `xdotool windowminimize` does nothing): unmap it and set WM_STATE to
// IconicState, or map it and set NormalState. GLFW reads WM_STATE for GLFW_ICONIFIED.
// usage: x11_iconify WINDOW_ID iconic|normal
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>  // IconicState, NormalState

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[2], "iconic") != 0 && std::strcmp(argv[2], "normal") != 0)) {
    std::fprintf(stderr, "usage: x11_iconify WINDOW_ID iconic|normal\n");
    return 2;
  }
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) {
    std::fprintf(stderr, "x11_iconify: cannot open the display\n");
    return 1;
  }
  const Window w = std::strtoul(argv[1], nullptr, 0);
  const bool iconic = std::strcmp(argv[2], "iconic") == 0;
  const Atom wm_state = XInternAtom(dpy, "WM_STATE", False);
  const long state[2] = {iconic ? IconicState : NormalState, None};
  if (iconic) XUnmapWindow(dpy, w);
  else XMapWindow(dpy, w);
  XChangeProperty(dpy, w, wm_state, wm_state, 32, PropModeReplace, reinterpret_cast<const unsigned char*>(state), 2);
  XSync(dpy, False);
  XCloseDisplay(dpy);
  return 0;
}
