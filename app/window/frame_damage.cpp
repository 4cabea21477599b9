#include "app/window/frame_damage.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace jem::window {

PixelRect intersect(const PixelRect& a, const PixelRect& b) {
  return {std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

PixelRect unite(const PixelRect& a, const PixelRect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

namespace {

void add_all(const std::vector<Prim>& prims, size_t from, size_t to, std::vector<PixelRect>& out) {
  for (size_t i = from; i < to; ++i) out.push_back(prims[i].box);
}

// Middles of different lengths: a primitive both have keeps its pixels if all they have in common
// is drawn in the same order. Then only the added and removed primitives damage (a pixel outside
// their boxes is drawn by the same primitives in the same order as before): series grown at their
// ends in several plots of one window damage those ends, not everything between. Matched by key,
// the k-th occurrence of a key to its k-th; false where the common ones changed order.
bool diff_by_key(const std::vector<Prim>& a, size_t a0, size_t a1, const std::vector<Prim>& b, size_t b0, size_t b1,
                 std::vector<PixelRect>& out) {
  struct At {
    uint64_t key;
    size_t index;
    bool operator<(const At& o) const { return key != o.key ? key < o.key : index < o.index; }
  };
  const auto sorted = [](const std::vector<Prim>& v, size_t from, size_t to) {
    std::vector<At> s;
    s.reserve(to - from);
    for (size_t i = from; i < to; ++i) s.push_back({v[i].key, i});
    std::sort(s.begin(), s.end());
    return s;
  };
  const std::vector<At> sa = sorted(a, a0, a1), sb = sorted(b, b0, b1);
  constexpr size_t kNone = SIZE_MAX;
  std::vector<size_t> old_of(b1 - b0, kNone);  // new primitive -> the old one it is
  std::vector<bool> kept(a1 - a0, false);
  for (size_t i = 0, j = 0; i < sa.size() && j < sb.size();) {
    if (sa[i].key < sb[j].key) ++i;
    else if (sb[j].key < sa[i].key) ++j;
    else old_of[sb[j].index - b0] = sa[i].index, kept[sa[i].index - a0] = true, ++i, ++j;
  }
  size_t previous = 0;
  for (size_t o : old_of) {
    if (o == kNone) continue;
    if (o < previous) return false;
    previous = o;
  }
  for (size_t i = a0; i < a1; ++i)
    if (!kept[i - a0]) out.push_back(a[i].box);
  for (size_t j = b0; j < b1; ++j)
    if (old_of[j - b0] == kNone) out.push_back(b[j].box);
  return true;
}

// The primitives between the two lists' common prefix and suffix are the change. Where both
// middles are as long, only the pairs that differ are (a plot's line moving, a number changing);
// otherwise what one middle has and the other not (diff_by_key), or all of both middles.
void diff(const std::vector<Prim>& old_prims, const std::vector<Prim>& new_prims, std::vector<PixelRect>& out) {
  const size_t n = old_prims.size(), m = new_prims.size(), shorter = std::min(n, m);
  size_t p = 0;
  while (p < shorter && old_prims[p].key == new_prims[p].key) ++p;
  size_t s = 0;
  while (s < shorter - p && old_prims[n - 1 - s].key == new_prims[m - 1 - s].key) ++s;
  if (n == m) {
    for (size_t i = p; i < n - s; ++i)
      if (old_prims[i].key != new_prims[i].key) out.push_back(old_prims[i].box), out.push_back(new_prims[i].box);
    return;
  }
  if (diff_by_key(old_prims, p, n - s, new_prims, p, m - s, out)) return;
  add_all(old_prims, p, n - s, out);
  add_all(new_prims, p, m - s, out);
}

// Damaged tiles as rectangles: runs along each row, stacked where the next row has the same run.
std::vector<PixelRect> tile_rects(const std::vector<uint8_t>& tiles, int cols, int rows) {
  std::vector<PixelRect> rects;  // in tiles
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols;) {
      if (!tiles[size_t(y) * cols + x]) { ++x; continue; }
      int end = x;
      while (end < cols && tiles[size_t(y) * cols + end]) ++end;
      auto above = std::find_if(rects.begin(), rects.end(),
                                [&](const PixelRect& r) { return r.x0 == x && r.x1 == end && r.y1 == y; });
      if (above != rects.end()) above->y1 = y + 1;
      else rects.push_back({x, y, end, y + 1});
      x = end;
    }
  return rects;
}

// Few and disjoint: overlapping rectangles are merged (a pixel must be drawn once per frame, or
// blending would apply twice), then the pair that wastes the least area until kMaxRects remain.
void reduce(std::vector<PixelRect>& rects, size_t max_rects) {
  for (;;) {
    size_t bi = 0, bj = 0;
    int64_t best = -1;
    bool overlap = false;
    for (size_t i = 0; i < rects.size() && !overlap; ++i)
      for (size_t j = i + 1; j < rects.size(); ++j) {
        if (!intersect(rects[i], rects[j]).empty()) { bi = i, bj = j, overlap = true; break; }
        const int64_t waste = unite(rects[i], rects[j]).area() - rects[i].area() - rects[j].area();
        if (best < 0 || waste < best) best = waste, bi = i, bj = j;
      }
    if (!overlap && rects.size() <= max_rects) return;
    rects[bi] = unite(rects[bi], rects[bj]);
    rects.erase(rects.begin() + bj);
  }
}

}  // namespace

std::vector<PixelRect> FrameDamage::update(std::vector<PrimList> lists, int width, int height) {
  const PixelRect screen{0, 0, width, height};
  std::vector<PixelRect> boxes;
  bool whole = invalid_ || width != width_ || height != height_;
  std::unordered_map<const void*, size_t> old_index;
  for (size_t i = 0; i < last_.size(); ++i) old_index[last_[i].id] = i;
  std::vector<bool> old_seen(last_.size(), false);
  size_t previous = 0;  // lists that changed places damage everything between: draw it all
  for (size_t i = 0; i < lists.size() && !whole; ++i) {
    auto it = old_index.find(lists[i].id);
    if (it == old_index.end()) { add_all(lists[i].prims, 0, lists[i].prims.size(), boxes); continue; }
    if (it->second < previous) whole = true;
    previous = it->second;
    old_seen[it->second] = true;
    diff(last_[it->second].prims, lists[i].prims, boxes);
  }
  for (size_t i = 0; i < last_.size() && !whole; ++i)
    if (!old_seen[i]) add_all(last_[i].prims, 0, last_[i].prims.size(), boxes);
  last_ = std::move(lists);
  width_ = width, height_ = height, invalid_ = false;

  std::vector<PixelRect> rects;
  if (whole) {
    rects.push_back(screen);
  } else {
    const int cols = (width + kTile - 1) / kTile, rows = (height + kTile - 1) / kTile;
    std::vector<uint8_t> tiles(size_t(cols) * rows, 0);
    for (const PixelRect& raw : boxes) {
      const PixelRect b = intersect(raw, screen);
      if (b.empty()) continue;
      for (int ty = b.y0 / kTile; ty <= (b.y1 - 1) / kTile; ++ty)
        std::fill_n(&tiles[size_t(ty) * cols + b.x0 / kTile], (b.x1 - 1) / kTile - b.x0 / kTile + 1, uint8_t(1));
    }
    rects = tile_rects(tiles, cols, rows);
    // A scattered damage of many runs: pairs of neighbours first, so that reduce() stays cheap.
    while (rects.size() > 32) {
      std::vector<PixelRect> halved;
      for (size_t i = 0; i < rects.size(); i += 2)
        halved.push_back(i + 1 < rects.size() ? unite(rects[i], rects[i + 1]) : rects[i]);
      rects.swap(halved);
    }
    reduce(rects, kMaxRects);
    for (PixelRect& r : rects)
      r = intersect({r.x0 * kTile, r.y0 * kTile, r.x1 * kTile, r.y1 * kTile}, screen);
  }
  int64_t area = 0;
  for (const PixelRect& r : rects) area += r.area();
  damaged_fraction_ = screen.area() > 0 ? double(area) / double(screen.area()) : 0;
  return rects;
}

namespace {
std::unordered_map<const void*, uint64_t>& versions() {
  static std::unordered_map<const void*, uint64_t> v;
  return v;
}
}  // namespace

void note_content_changed(const void* key) { ++versions()[key]; }

uint64_t content_version(const void* key) {
  auto it = versions().find(key);
  return it == versions().end() ? 0 : it->second;
}

}  // namespace jem::window
