// FrameDamage: which pixels the window must draw again. Hand-built frames, then a seeded property
// test: the rectangles are few, disjoint, and cover every primitive that changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "app/window/frame_damage.h"
#include "app/window/frame_pacing.h"

namespace jem::window {
namespace {

constexpr int W = 1600, H = 1000;

Prim prim(int x, int y, int w, int h, uint64_t key) { return {{x, y, x + w, y + h}, key}; }

bool covers(const std::vector<PixelRect>& rects, const PixelRect& box) {
  // Every pixel of box lies in some rectangle (checked on a grid of its pixels' corners).
  for (int y = box.y0; y < box.y1; y += std::max(1, (box.y1 - box.y0) / 7))
    for (int x = box.x0; x < box.x1; x += std::max(1, (box.x1 - box.x0) / 7)) {
      bool in = false;
      for (const PixelRect& r : rects) in |= x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
      if (!in) return false;
    }
  return true;
}

int64_t total_area(const std::vector<PixelRect>& rects) {
  int64_t a = 0;
  for (const PixelRect& r : rects) a += r.area();
  return a;
}

// A frame: a window with text down its left side and a plot at its bottom right.
std::vector<PrimList> frame(uint64_t plot_key, int text_lines = 20) {
  PrimList win{reinterpret_cast<const void*>(1), {}};
  win.prims.push_back(prim(0, 0, 800, 1000, 1));  // background
  for (int i = 0; i < text_lines; ++i) win.prims.push_back(prim(10, 10 + 20 * i, 200, 16, 100 + i));
  win.prims.push_back(prim(600, 800, 150, 150, plot_key));
  PrimList other{reinterpret_cast<const void*>(2), {prim(900, 0, 700, 1000, 7)}};
  return {win, other};
}

TEST(FrameDamage, TheFirstFrameIsWholeAndAnUnchangedOneIsEmpty) {
  FrameDamage d;
  const auto first = d.update(frame(5), W, H);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], (PixelRect{0, 0, W, H}));
  EXPECT_DOUBLE_EQ(d.damaged_fraction(), 1.0);
  EXPECT_TRUE(d.update(frame(5), W, H).empty());
  EXPECT_DOUBLE_EQ(d.damaged_fraction(), 0.0);
}

TEST(FrameDamage, AChangedPrimitiveDamagesItsTilesOnly) {
  FrameDamage d;
  d.update(frame(5), W, H);
  const auto rects = d.update(frame(6), W, H);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_TRUE(covers(rects, {600, 800, 750, 950}));
  // Rounded out to 32-pixel tiles: 576..768 x 800..960.
  EXPECT_EQ(rects[0], (PixelRect{576, 800, 768, 960}));
}

TEST(FrameDamage, TextThatGrowsDamagesWhatChangedNotWhatItShifted) {
  FrameDamage d;
  d.update(frame(5, 20), W, H);
  auto longer = frame(5, 20);
  auto& p = longer[0].prims;
  p.insert(p.begin() + 11, prim(210, 210, 30, 16, 999));  // one more glyph after line 10
  const auto rects = d.update(longer, W, H);
  EXPECT_TRUE(covers(rects, {210, 210, 240, 226}));
  EXPECT_LE(total_area(rects), 64 * 64);  // not the lines above or below, nor the plot
}

TEST(FrameDamage, ListsThatComeAndGoDamageWhereTheyAreOrWere) {
  FrameDamage d;
  d.update(frame(5), W, H);
  auto with_tooltip = frame(5);
  with_tooltip.push_back({reinterpret_cast<const void*>(3), {prim(1000, 500, 100, 40, 42)}});
  auto rects = d.update(with_tooltip, W, H);
  EXPECT_TRUE(covers(rects, {1000, 500, 1100, 540}));
  EXPECT_LE(total_area(rects), 160 * 96);
  rects = d.update(frame(5), W, H);  // the tooltip closes
  EXPECT_TRUE(covers(rects, {1000, 500, 1100, 540}));
  EXPECT_LE(total_area(rects), 160 * 96);
}

TEST(FrameDamage, ReorderedListsASizeChangeOrInvalidateDrawTheWholeFrame) {
  FrameDamage d;
  d.update(frame(5), W, H);
  auto swapped = frame(5);
  std::swap(swapped[0], swapped[1]);  // a window came to the front
  EXPECT_DOUBLE_EQ((d.update(swapped, W, H), d.damaged_fraction()), 1.0);
  EXPECT_DOUBLE_EQ((d.update(swapped, W, H), d.damaged_fraction()), 0.0);
  EXPECT_DOUBLE_EQ((d.update(swapped, W + 1, H), d.damaged_fraction()), 1.0);
  d.invalidate();
  EXPECT_DOUBLE_EQ((d.update(swapped, W + 1, H), d.damaged_fraction()), 1.0);
}

// Random frames with random edits: whatever changed is covered, by at most kMaxRects disjoint
// rectangles inside the frame.
TEST(FrameDamage, RandomEditsAreCoveredByFewDisjointRectangles) {
  std::mt19937 rng(7);
  auto rnd = [&](int n) { return int(rng() % uint32_t(n)); };
  for (int trial = 0; trial < 200; ++trial) {
    PrimList list{reinterpret_cast<const void*>(1), {}};
    for (int i = 0; i < 300; ++i) list.prims.push_back(prim(rnd(W - 50), rnd(H - 50), 1 + rnd(50), 1 + rnd(50), rng()));
    FrameDamage d;
    d.update({list}, W, H);
    PrimList edited = list;
    for (int e = 0, n = 1 + rnd(12); e < n; ++e) {
      const size_t i = size_t(rnd(int(edited.prims.size())));
      if (rnd(3) == 0) edited.prims.erase(edited.prims.begin() + long(i));
      else edited.prims[i] = prim(rnd(W - 50), rnd(H - 50), 1 + rnd(50), 1 + rnd(50), rng());
    }
    // What changed: the primitives one frame has and the other not (an edit of an edit's result
    // never reached a frame).
    std::vector<PixelRect> changed;
    const auto has = [](const PrimList& l, uint64_t key) {
      return std::any_of(l.prims.begin(), l.prims.end(), [&](const Prim& p) { return p.key == key; });
    };
    for (const Prim& p : list.prims)
      if (!has(edited, p.key)) changed.push_back(p.box);
    for (const Prim& p : edited.prims)
      if (!has(list, p.key)) changed.push_back(p.box);
    const auto rects = d.update({edited}, W, H);
    ASSERT_LE(rects.size(), size_t(FrameDamage::kMaxRects));
    for (size_t i = 0; i < rects.size(); ++i) {
      EXPECT_TRUE(rects[i].x0 >= 0 && rects[i].y0 >= 0 && rects[i].x1 <= W && rects[i].y1 <= H);
      for (size_t j = i + 1; j < rects.size(); ++j) EXPECT_TRUE(intersect(rects[i], rects[j]).empty()) << trial;
    }
    for (const PixelRect& c : changed) EXPECT_TRUE(covers(rects, c)) << "trial " << trial;
  }
}

TEST(FrameDamage, ContentVersionsCountChanges) {
  int texture = 0;
  const uint64_t v = content_version(&texture);
  note_content_changed(&texture);
  note_content_changed(&texture);
  EXPECT_EQ(content_version(&texture), v + 2);
}

// The frame-rate cap (frame_pacing.h), simulated in milliseconds: each frame costs its entry,
// then the loop sleeps until the frame's due time. Returns when each frame started.
std::vector<double> frame_starts(const std::vector<double>& costs, double period) {
  std::vector<double> starts;
  double now = 0, due = 0;
  for (double cost : costs) {
    starts.push_back(now);
    const double start = now;
    now += cost;
    due = next_frame_due(due, start, period);
    now = std::max(now, due);
  }
  return starts;
}

constexpr double kPeriod = 1000.0 / 60;

TEST(FramePacing, CheapFramesComeExactlyOnePeriodApart) {
  const std::vector<double> s = frame_starts(std::vector<double>(120, 5.0), kPeriod);
  for (size_t i = 1; i < s.size(); ++i) EXPECT_NEAR(s[i] - s[i - 1], kPeriod, 1e-9) << "frame " << i;
}

TEST(FramePacing, AFrameThatRanLongIsMadeUpSoTheRateReachesTheCap) {
  // The landscape's shape: every tenth frame 38 ms (field pass), the others 5 ms; on average
  // 8.3 ms, well under a period. Sleeping a period after each frame's start gave 53 fps here.
  std::vector<double> costs(600, 5.0);
  for (size_t i = 0; i < costs.size(); i += 10) costs[i] = 38.0;
  const std::vector<double> s = frame_starts(costs, kPeriod);
  const double fps = 1000.0 * double(s.size() - 1) / s.back();
  EXPECT_GT(fps, 59.5);
  EXPECT_LE(fps, 60.0 + 1e-9);
}

TEST(FramePacing, NoBurstAfterAStall) {
  // One frame of a whole second (a stall): the next three start at once (two periods made up),
  // then the frames are one period apart again.
  std::vector<double> costs(60, 2.0);
  costs[20] = 1000.0;
  const std::vector<double> s = frame_starts(costs, kPeriod);
  EXPECT_NEAR(s[22] - s[21], 2.0, 1e-9);
  EXPECT_NEAR(s[23] - s[22], 2.0, 1e-9);
  for (size_t i = 25; i < s.size(); ++i) EXPECT_NEAR(s[i] - s[i - 1], kPeriod, 1e-9) << "frame " << i;
  // Never more frames in any span than the cap allows, give or take the two made up.
  for (size_t i = 0; i < s.size(); ++i)
    for (size_t k = 3; i + k < s.size(); ++k) EXPECT_GE(s[i + k] - s[i], (double(k) - 3) * kPeriod - 1e-9);
}

TEST(FramePacing, FramesSlowerThanAPeriodRunBackToBack) {
  const std::vector<double> s = frame_starts(std::vector<double>(30, 25.0), kPeriod);
  for (size_t i = 1; i < s.size(); ++i) EXPECT_NEAR(s[i] - s[i - 1], 25.0, 1e-9);
}

}  // namespace
// Two series in one window's list, each grown at its end (the curves between rebuilds): the new
// ends are damaged, not the series between them (a prefix and suffix alone would take it all).
TEST(FrameDamage, SeriesGrownAtTheirEndsDamageTheirEndsOnly) {
  const auto plot = [](int n1, int n2) {
    PrimList w{reinterpret_cast<const void*>(1), {prim(0, 0, 1600, 1000, 1)}};
    for (int i = 0; i < n1; ++i) w.prims.push_back(prim(100 + 4 * i, 100, 4, 40, 1000 + i));
    for (int i = 0; i < n2; ++i) w.prims.push_back(prim(100 + 4 * i, 600, 4, 40, 5000 + i));
    w.prims.push_back(prim(120, 560, 80, 16, 9));  // a legend after both
    return std::vector<PrimList>{w};
  };
  FrameDamage d;
  d.update(plot(200, 200), W, H);
  const auto rects = d.update(plot(203, 205), W, H);
  EXPECT_TRUE(covers(rects, {900, 100, 912, 140})) << "series 1's new end";
  EXPECT_TRUE(covers(rects, {900, 600, 920, 640})) << "series 2's new end";
  EXPECT_FALSE(covers(rects, {100, 100, 104, 140})) << "series 1's start is unchanged";
  EXPECT_FALSE(covers(rects, {100, 600, 104, 640})) << "series 2's start is unchanged";
  EXPECT_LT(total_area(rects), 1600 * 1000 / 20);
}

// Primitives both frames have, drawn in another order: where they overlap the pixels may differ
// (blending), so they are damaged even though none of them is new.
TEST(FrameDamage, PrimitivesThatChangeOrderAreDamaged) {
  const Prim a = prim(100, 100, 200, 200, 11), b = prim(200, 200, 200, 200, 12), c = prim(1000, 800, 20, 20, 13);
  const Prim bg = prim(0, 0, 1600, 1000, 1), label = prim(1200, 50, 60, 16, 14);
  FrameDamage d;
  d.update({PrimList{reinterpret_cast<const void*>(1), {bg, a, b, label}}}, W, H);
  const auto rects = d.update({PrimList{reinterpret_cast<const void*>(1), {bg, b, a, c, label}}}, W, H);
  EXPECT_TRUE(covers(rects, {200, 200, 300, 300})) << "the overlap of the two that swapped";
  EXPECT_TRUE(covers(rects, c.box)) << "the new one";
}

}  // namespace jem::window
