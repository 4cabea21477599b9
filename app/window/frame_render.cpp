#include "app/window/frame_render.h"

#include <epoxy/gl.h>
// epoxy first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "app/window/partial_present.h"

namespace jem::window {
namespace {

constexpr float kClear[3] = {0.09f, 0.09f, 0.11f};  // the panels' background (they draw none)

// The pixels ImGui's OpenGL3 backend (1.86 to 1.90) lets a command touch: its arithmetic exactly,
// truncations included, turned from GL's bottom-up rows into top-down ones.
PixelRect backend_scissor(const ImDrawCmd& c, const ImDrawData& dd, int fb_h) {
  const ImVec2 off = dd.DisplayPos, scale = dd.FramebufferScale;
  const ImVec2 lo((c.ClipRect.x - off.x) * scale.x, (c.ClipRect.y - off.y) * scale.y);
  const ImVec2 hi((c.ClipRect.z - off.x) * scale.x, (c.ClipRect.w - off.y) * scale.y);
  if (hi.x <= lo.x || hi.y <= lo.y) return {};
  const int x = int(lo.x), w = int(hi.x - lo.x), gl_y = int(float(fb_h) - hi.y), h = int(hi.y - lo.y);
  return {x, fb_h - gl_y - h, x + w, fb_h - gl_y};
}

// A clip rectangle for which the backend computes exactly the scissor r (the quarter pixels
// keep its truncations on the right side of every rounding error of the scale).
ImVec4 clip_for(const PixelRect& r, const ImDrawData& dd) {
  const ImVec2 off = dd.DisplayPos, scale = dd.FramebufferScale;
  return ImVec4((float(r.x0) + 0.25f) / scale.x + off.x, (float(r.y0) - 0.5f) / scale.y + off.y,
                (float(r.x1) + 0.5f) / scale.x + off.x, (float(r.y1) - 0.25f) / scale.y + off.y);
}

// Rectangles (top row first, in a frame fb_h pixels high) of one framebuffer into the same
// place of another (0: the window's back buffer).
void copy_rects(GLuint from, GLuint to, const std::vector<PixelRect>& rects, int fb_h) {
  glBindFramebuffer(GL_READ_FRAMEBUFFER, from);
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, to);
  for (const PixelRect& r : rects)
    glBlitFramebuffer(r.x0, fb_h - r.y1, r.x1, fb_h - r.y0, r.x0, fb_h - r.y1, r.x1, fb_h - r.y0, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

uint64_t pointer_bits(const void* p) { return uint64_t(reinterpret_cast<uintptr_t>(p)); }

uint64_t rect_bits(const PixelRect& r) {
  return hash_mix(hash_mix(uint64_t(uint32_t(r.x0)) << 32 | uint32_t(r.y0), uint64_t(uint32_t(r.x1))), uint32_t(r.y1));
}

// What decides how a vertex draws: its position, texture coordinates and colour (20 bytes).
uint64_t vertex_key(const ImDrawVert& v) {
  static_assert(sizeof(ImDrawVert) == 20, "ImDrawVert: pos, uv, col");
  uint64_t pos, uv;
  uint32_t col;
  std::memcpy(&pos, &v.pos, 8);
  std::memcpy(&uv, &v.uv, 8);
  std::memcpy(&col, &v.col, 4);
  return hash_mix(hash_mix(hash_mix(0, pos), uv), col);
}

// Each command's triangles (or callback) as primitives, and per command the pixels its triangles
// reach (so that a damage rectangle far from a command does not draw it again).
struct Collected {
  std::vector<PrimList> lists;
  std::vector<std::vector<PixelRect>> cmd_bounds;  // [list][command]
};

// One triangle per primitive: its key mixes the command's with its three vertices' (three
// independent chains, which the core runs side by side), its box rounded out by a pixel
// (rasterisation touches the pixels whose centres are inside) and clipped to the scissor.
void collect_triangles(const ImDrawList& list, const ImDrawCmd& c, uint64_t cmd_key, const PixelRect& scissor,
                       const ImDrawData& dd, std::vector<Prim>& prims, PixelRect& reach) {
  const ImVec2 off = dd.DisplayPos, scale = dd.FramebufferScale;
  const ImDrawIdx* idx = list.IdxBuffer.Data + c.IdxOffset;
  const ImDrawVert* vtx = list.VtxBuffer.Data + c.VtxOffset;
  for (unsigned e = 0; e + 2 < c.ElemCount; e += 3) {
    const ImDrawVert &a = vtx[idx[e]], &b = vtx[idx[e + 1]], &d = vtx[idx[e + 2]];
    const uint64_t key = hash_mix(hash_mix(hash_mix(cmd_key, vertex_key(a)), vertex_key(b)), vertex_key(d));
    const float x0 = std::min({a.pos.x, b.pos.x, d.pos.x}), x1 = std::max({a.pos.x, b.pos.x, d.pos.x});
    const float y0 = std::min({a.pos.y, b.pos.y, d.pos.y}), y1 = std::max({a.pos.y, b.pos.y, d.pos.y});
    const PixelRect box{int(std::floor((x0 - off.x) * scale.x)) - 1, int(std::floor((y0 - off.y) * scale.y)) - 1,
                        int(std::ceil((x1 - off.x) * scale.x)) + 1, int(std::ceil((y1 - off.y) * scale.y)) + 1};
    const PixelRect clipped = intersect(box, scissor);
    prims.push_back({clipped, key});
    reach = unite(reach, clipped);
  }
}

Collected collect(const ImDrawData& dd, int fb_w, int fb_h) {
  Collected out;
  out.lists.reserve(size_t(dd.CmdListsCount));
  const PixelRect screen{0, 0, fb_w, fb_h};
  for (int n = 0; n < dd.CmdListsCount; ++n) {
    const ImDrawList* list = dd.CmdLists[n];
    PrimList& pl = out.lists.emplace_back(PrimList{list, {}});
    pl.prims.reserve(size_t(list->IdxBuffer.Size / 3 + list->CmdBuffer.Size));
    std::vector<PixelRect>& bounds = out.cmd_bounds.emplace_back(size_t(list->CmdBuffer.Size));
    for (int ci = 0; ci < list->CmdBuffer.Size; ++ci) {
      const ImDrawCmd& c = list->CmdBuffer[ci];
      const PixelRect sc = intersect(backend_scissor(c, dd, fb_h), screen);
      if (c.UserCallback) {
        if (c.UserCallback == ImDrawCallback_ResetRenderState) continue;
        const uint64_t key = hash_mix(hash_mix(hash_mix(rect_bits(sc), pointer_bits(reinterpret_cast<void*>(c.UserCallback))),
                                               pointer_bits(c.UserCallbackData)),
                                      content_version(c.UserCallbackData));
        pl.prims.push_back({sc, key});
        bounds[ci] = sc;
        continue;
      }
      if (sc.empty()) continue;
      const uint64_t cmd_key = hash_mix(hash_mix(rect_bits(sc), pointer_bits(c.TextureId)), content_version(c.TextureId));
      collect_triangles(*list, c, cmd_key, sc, dd, pl.prims, bounds[ci]);
    }
  }
  return out;
}

void clear_rects(const std::vector<PixelRect>& rects, int fb_h) {
  glEnable(GL_SCISSOR_TEST);
  glClearColor(kClear[0], kClear[1], kClear[2], 1);
  for (const PixelRect& r : rects) {
    glScissor(r.x0, fb_h - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
}

// Draws the lists clipped to the rectangles: each command once per rectangle it reaches, with
// its clip rectangle cut down to it. The rectangles are disjoint, so every pixel is drawn by the
// same commands in the same order as a whole redraw would draw it.
void draw_clipped(ImDrawData& dd, const Collected& col, const std::vector<PixelRect>& rects, int fb_h) {
  std::vector<ImVector<ImDrawCmd>> whole(size_t(dd.CmdListsCount));
  for (int n = 0; n < dd.CmdListsCount; ++n) {
    ImDrawList* list = dd.CmdLists[n];
    whole[n].swap(list->CmdBuffer);
    for (int ci = 0; ci < whole[n].Size; ++ci) {
      const ImDrawCmd& c = whole[n][ci];
      if (c.UserCallback == ImDrawCallback_ResetRenderState) { list->CmdBuffer.push_back(c); continue; }
      const PixelRect sc = backend_scissor(c, dd, fb_h);
      for (const PixelRect& r : rects) {
        const PixelRect cut = intersect(sc, r);
        if (cut.empty() || intersect(col.cmd_bounds[n][ci], r).empty()) continue;
        ImDrawCmd piece = c;
        piece.ClipRect = clip_for(cut, dd);
        list->CmdBuffer.push_back(piece);
      }
    }
  }
  ImGui_ImplOpenGL3_RenderDrawData(&dd);
  for (int n = 0; n < dd.CmdListsCount; ++n) dd.CmdLists[n]->CmdBuffer.swap(whole[n]);
}

}  // namespace

void scissor_as_backend(const ImDrawCmd* cmd) {
  GLint viewport[4];
  glGetIntegerv(GL_VIEWPORT, viewport);
  const PixelRect r = backend_scissor(*cmd, *ImGui::GetDrawData(), viewport[3]);
  glEnable(GL_SCISSOR_TEST);
  glScissor(r.x0, viewport[3] - r.y1, std::max(0, r.x1 - r.x0), std::max(0, r.y1 - r.y0));
}

// The damage alone reaches the window where both hold: a copy of it needs no swap, and pixels
// cost CPU (Mesa's software rasterisers; on a GPU the swap is free and keeps vsync, which
// rectangle copies do not). The back buffer's size is read back before each copy, which needs a
// driver that clips reads to it. --swap-frames and --full-redraw swap whole frames.
void FrameRenderer::choose_presenting() {
  chosen_ = true;
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string name = renderer ? renderer : "";
  const bool software = name.rfind("llvmpipe", 0) == 0 || name.rfind("softpipe", 0) == 0;
  copies_rects_ = !o_.swap_frames && !o_.full_redraw && software && can_present_rects() && reads_clipped();
}

void FrameRenderer::render(GLFWwindow* window) {
  if (!chosen_) choose_presenting();
  ImGui::Render();
  ImDrawData& dd = *ImGui::GetDrawData();
  // The frame's size is the one ImGui laid it out at (the backend's viewport and scissors use
  // it). The window may have been resized since: such a frame is stale (below).
  const int fb_w = int(dd.DisplaySize.x * dd.FramebufferScale.x), fb_h = int(dd.DisplaySize.y * dd.FramebufferScale.y);
  if (o_.layout_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o_.layout_delay_ms));
  Collected col = collect(dd, fb_w, fb_h);
  if (o_.full_redraw) damage_.invalidate();
  const std::vector<PixelRect> rects = damage_.update(std::move(col.lists), fb_w, fb_h);  // keeps them
  ++frames_;
  damaged_sum_ += damage_.damaged_fraction();
  kept_.begin(fb_w, fb_h);
  if (!rects.empty()) {
    clear_rects(rects, fb_h);
    draw_clipped(dd, col, rects, fb_h);
  }
  kept_.end();
  if (o_.check) {
    count(compare_with_whole_redraw(fb_w, fb_h));
    // A stale frame is not the window's size: the server shows it clipped or padded until the
    // next one, so the window check skips it.
    int live_w = 0, live_h = 0;
    glfwGetFramebufferSize(window, &live_w, &live_h);
    stale_ = live_w != fb_w || live_h != fb_h;
    stale_frames_ += stale_;
  }
  if (fb_w != fb_w_ || fb_h != fb_h_) present_whole_ = true;  // a new window size: its pixels are new
  fb_w_ = fb_w, fb_h_ = fb_h;
  to_present_ = rects;
}

void FrameRenderer::present(GLFWwindow* window) {
  // A window mapped again loses its pixels before the expose that says so reaches the next
  // frame's events: a difference then is the server's, and this frame shows the window whole.
  if (pending_mismatch_ && !exposed_) ++window_mismatched_;
  pending_mismatch_ = exposed_ = false;
  bool as_drawn = true;  // the window shows the kept image exactly, where it is the frame's size
  if (copies_rects_) {
    as_drawn = present_damage(window);
  } else {
    copy_rects(kept_.framebuffer(), 0, {{0, 0, fb_w_, fb_h_}}, fb_h_);
    glfwSwapBuffers(window);
  }
  if (o_.check && as_drawn && !stale_) compare_window_with_kept(window);
}

// The damage copied into the back buffer and from there to the window. Mesa's software winsys
// sizes the back buffer by the window only after a swap, at whatever moment it then looks: it may
// not be the frame's size (always so for the first frame of a new size). Such a frame, or one whose
// copy the X server refused, is swapped whole instead, as --swap-frames does, which also has the
// back buffer sized anew; false then (the window shows it clipped or padded until the next frame).
bool FrameRenderer::present_damage(GLFWwindow* window) {
  const std::vector<PixelRect> whole{{0, 0, fb_w_, fb_h_}};
  const bool whole_copied = present_whole_;
  const std::vector<PixelRect>& rects = whole_copied ? whole : to_present_;
  if (rects.empty()) return true;
  glViewport(0, 0, fb_w_, fb_h_);  // the winsys revalidates the back buffer at a viewport
  copy_rects(kept_.framebuffer(), 0, rects, fb_h_);
  const bool sized = back_buffer_is(fb_w_, fb_h_);
  const bool copied = sized && present_rects(rects, fb_h_);
  resized_frames_ += !sized;
  refused_frames_ += sized && !copied;
  present_whole_ = !copied;
  if (copied) return true;
  if (!whole_copied) copy_rects(kept_.framebuffer(), 0, whole, fb_h_);
  glfwSwapBuffers(window);
  return false;
}

// What the user sees, read back from the X server, against the frame drawn.
void FrameRenderer::compare_window_with_kept(GLFWwindow* window) {
  const std::vector<uint8_t> shown = read_window_rgba(window, fb_w_, fb_h_);
  if (shown.empty()) return;
  const std::vector<uint8_t> kept = kept_.read_rgba();
  bool same = shown.size() == kept.size();
  for (size_t i = 0; same && i + 3 < kept.size(); i += 4) same = std::memcmp(&shown[i], &kept[i], 3) == 0;
  ++window_checked_;
  pending_mismatch_ = !same;
}

// The frame drawn whole into a framebuffer like the kept image's (a software rasteriser may
// round a blend differently in another format).
std::vector<uint8_t> FrameRenderer::whole_redraw_rgba(int fb_w, int fb_h) {
  whole_.begin(fb_w, fb_h);
  clear_rects({{0, 0, fb_w, fb_h}}, fb_h);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  whole_.end();
  return whole_.read_rgba();
}

FrameRenderer::FrameComparison FrameRenderer::compare_with_whole_redraw(int fb_w, int fb_h) {
  const std::vector<uint8_t> a = kept_.read_rgba(), b = whole_redraw_rgba(fb_w, fb_h);
  // One level of 255 is rounding: Mesa 25's llvmpipe (Debian 13) blends some pixels of a
  // primitive drawn under a scissor one level apart from the same primitive drawn whole.
  FrameComparison c;
  for (size_t i = 0; i + 3 < a.size() && a.size() == b.size(); i += 4) {
    if (std::memcmp(&a[i], &b[i], 3) == 0) continue;
    int level = 0;
    for (int k = 0; k < 3; ++k) level = std::max(level, std::abs(int(a[i + k]) - int(b[i + k])));
    c.worst_level = std::max(c.worst_level, level);
    ++(level > 1 ? c.differing : c.rounded);
  }
  return c;
}

void FrameRenderer::count(const FrameComparison& c) {
  ++checked_;
  if (c.differing > 0) ++mismatched_;
  if (c.rounded > 0) ++rounded_frames_;
  worst_px_ = std::max(worst_px_, c.differing);
  worst_level_ = std::max(worst_level_, c.worst_level);
}

// --check-damage: every frame's kept image must equal a whole redraw of it, and what the X server
// shows must equal the frame drawn.
bool FrameRenderer::report_check() const {
  std::fprintf(stderr, "jemlab: damage check: %lld frames compared with a whole redraw, %lld differed (at most %lld pixels "
               "by more than one level; the largest difference %d levels; %lld frames with one-level rounding only)\n",
               static_cast<long long>(checked_), static_cast<long long>(mismatched_), static_cast<long long>(worst_px_),
               worst_level_, static_cast<long long>(rounded_frames_));
  std::fprintf(stderr, "jemlab: window check (%s): %lld frames read back from the X server, %lld differed from the frame "
               "drawn; %lld frames laid out before a resize; %lld frames swapped whole instead of copied (%lld found "
               "a back buffer of another size, %lld copies refused by the server)\n", copies_rects_ ? "damage copied without swaps" : "whole frames swapped",
               static_cast<long long>(window_checked_), static_cast<long long>(window_mismatched_frames()),
               static_cast<long long>(stale_frames_), static_cast<long long>(resized_frames_ + refused_frames_),
               static_cast<long long>(resized_frames_), static_cast<long long>(refused_frames_));
  return checked_ > 0 && mismatched_ == 0 && window_mismatched_frames() == 0;
}

}  // namespace jem::window
