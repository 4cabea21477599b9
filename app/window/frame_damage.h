// Which pixels of a frame can differ from the last one's, so that only those are rasterised again
// into a kept framebuffer (llvmpipe spends ~16 ms of CPU drawing a whole 1600x1000 frame; most of
// it repeats the last frame). GL- and ImGui-free: the window turns ImGui's draw lists into the
// primitives below (frame_render.cpp), and the unit tests build them by hand.
//
// Correct by construction: a pixel's colour is decided by the ordered primitives that cover it.
// Two frames' lists are aligned by their common prefix and suffix; a pixel covered by none of the
// primitives in between is covered by the same ordered primitives in both frames.
#pragma once
#include <cstdint>
#include <vector>

namespace jem::window {

// [x0, x1) x [y0, y1) in framebuffer pixels, y down.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  int64_t area() const { return empty() ? 0 : int64_t(x1 - x0) * (y1 - y0); }
  bool operator==(const PixelRect& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};
PixelRect intersect(const PixelRect& a, const PixelRect& b);
PixelRect unite(const PixelRect& a, const PixelRect& b);

// A triangle or a draw callback: the pixels it can touch, and a hash of everything that decides
// what it draws there (vertices, clip rectangle, texture and the texture's content version).
struct Prim {
  PixelRect box;
  uint64_t key = 0;
};
struct PrimList {
  const void* id = nullptr;  // the same list from frame to frame (an ImDrawList)
  std::vector<Prim> prims;
};

class FrameDamage {
 public:
  // This frame's lists in drawing order; returns disjoint rectangles that cover every pixel whose
  // colour may differ from the last frame's (empty: the kept frame is already this one).
  std::vector<PixelRect> update(std::vector<PrimList> lists, int width, int height);
  void invalidate() { invalid_ = true; }  // the next update damages the whole frame
  double damaged_fraction() const { return damaged_fraction_; }

  static constexpr int kTile = 32;     // damage is rounded out to tiles of this many pixels
  static constexpr int kMaxRects = 4;  // each rectangle draws every list that reaches it again

 private:
  std::vector<PrimList> last_;
  int width_ = 0, height_ = 0;
  bool invalid_ = true;
  double damaged_fraction_ = 1;
};

// Content versions of textures and draw-callback data: a texture drawn again with new pixels
// under the same id must damage where it is drawn. Main (GL) thread only.
void note_content_changed(const void* key);
uint64_t content_version(const void* key);

// A 64-bit hash step for the primitives' keys (not cryptographic; collisions are ~2^-64).
inline uint64_t hash_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

}  // namespace jem::window
