// Pixel checks on a screenshot written by `jemlab --frames N --screenshot F.png`, located with the
// F.png.json sidecar the window writes (panel rectangles, chain heads, class centres).
// usage: window_pixels F.png [--expect-boundary] [--expect-guard] [--expect-tab curves|calibration|ood|control]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

struct Image {
  int w = 0, h = 0;
  unsigned char* px = nullptr;
  const unsigned char* at(int x, int y) const { return px + (size_t(y) * w + x) * 3; }
  bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < w && y < h; }
};

struct Stats {
  double mean[3] = {0, 0, 0}, stddev = 0;
  size_t distinct = 0, bright = 0, colored = 0, n = 0;
};

Stats region_stats(const Image& img, const nlohmann::json& r) {
  Stats s;
  const int x0 = int(r[0]), y0 = int(r[1]), x1 = x0 + int(r[2]), y1 = y0 + int(r[3]);
  std::set<int> colors;
  double sum2 = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      if (!img.inside(x, y)) continue;
      const unsigned char* p = img.at(x, y);
      for (int c = 0; c < 3; ++c) s.mean[c] += p[c];
      const double luma = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
      sum2 += luma * luma;
      s.bright += luma > 170;
      // The UI's chrome and text are greys; plots' bars and curves are saturated.
      s.colored += std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]}) > 70;
      colors.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
      ++s.n;
    }
  if (s.n == 0) return s;
  for (double& m : s.mean) m /= s.n;
  const double luma_mean = 0.2126 * s.mean[0] + 0.7152 * s.mean[1] + 0.0722 * s.mean[2];
  s.stddev = std::sqrt(std::max(0.0, sum2 / s.n - luma_mean * luma_mean));
  s.distinct = colors.size();
  return s;
}

bool near_white(const Image& img, int cx, int cy, int radius) {
  for (int y = cy - radius; y <= cy + radius; ++y)
    for (int x = cx - radius; x <= cx + radius; ++x)
      if (img.inside(x, y) && img.at(x, y)[0] > 200 && img.at(x, y)[1] > 200 && img.at(x, y)[2] > 200) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: window_pixels F.png [--expect-boundary] [--expect-guard]\n");
    return 2;
  }
  const std::string path = argv[1];
  bool expect_boundary = false, expect_guard = false;
  std::string tab = "curves";
  for (int i = 2; i < argc; ++i) {
    expect_boundary |= std::string(argv[i]) == "--expect-boundary";
    expect_guard |= std::string(argv[i]) == "--expect-guard";
    if (std::string(argv[i]) == "--expect-tab" && i + 1 < argc) tab = argv[++i];
  }
  Image img;
  int channels = 0;
  img.px = stbi_load(path.c_str(), &img.w, &img.h, &channels, 3);
  if (!img.px) {
    std::printf("FAIL cannot read %s\n", path.c_str());
    return 1;
  }
  std::ifstream side(path + ".json");
  nlohmann::json j;
  side >> j;
  std::printf("%s: %dx%d, preset %s, step %lld, %s\n", path.c_str(), img.w, img.h,
              j.value("preset", "").c_str(), j.value("step", 0LL), j.value("state", "").c_str());

  // Every panel is there and drew something (text, widgets, lines) on its background.
  for (const std::string& panel : {std::string("controls"), std::string("landscape"), std::string("presets"), tab}) {
    check(j["panels"].contains(panel), "panel present: " + panel);
    if (!j["panels"].contains(panel)) continue;
    const Stats s = region_stats(img, j["panels"][panel]);
    check(s.bright > 200 && s.distinct > 8, "panel has content: " + panel + " (" + std::to_string(s.bright) +
                                                " bright px)");
  }
  // Only the selected analysis tab is drawn: the others leave no rectangle behind.
  for (const char* other : {"curves", "calibration", "ood", "control"})
    if (tab != other) check(!j["panels"].contains(other), std::string("hidden tab not on screen: ") + other);
  // The calibration, OOD and control tabs plot data (coloured bars and histograms), not only a
  // "waiting" line: the runner published what they draw.
  if (tab != "curves" && j["panels"].contains(tab)) {
    const bool published = tab == "control" ? j.value("control_iteration", -1) > 0 : j.value("eval_step", -1LL) >= 0;
    check(published, tab + ": the runner published its data");
    const Stats s = region_stats(img, j["panels"][tab]);
    check(s.colored > 3000, tab + " tab plots data (" + std::to_string(s.colored) + " coloured px)");
  }
  // The colour field is a field, not a flat fill.
  const Stats field = region_stats(img, j["panels"]["landscape_canvas"]);
  check(field.stddev > 12 && field.distinct > 60,
        "colour field not uniform (luma std " + std::to_string(field.stddev) + ", " + std::to_string(field.distinct) +
            " colours)");
  // Chain heads are drawn where the window says they are.
  // (The baseline classifier, p_x_weight 0, runs no sampler: no chains to draw.)
  const auto& heads = j["chain_heads"];
  if (j.value("p_x_weight", 0.0) > 0) check(!heads.empty(), "SGLD chains drawn (" + std::to_string(heads.size()) + " heads)");
  int visible = 0, white = 0;
  for (const auto& hpos : heads) {
    const int x = int(hpos[0]), y = int(hpos[1]);
    // Heads are clipped to the canvas: a diverged chain far outside it is not drawn anywhere.
    const auto& canvas = j["panels"]["landscape_canvas"];
    const bool on_canvas = x >= double(canvas[0]) && y >= double(canvas[1]) &&
                           x < double(canvas[0]) + double(canvas[2]) && y < double(canvas[1]) + double(canvas[3]);
    if (!img.inside(x, y) || !on_canvas) continue;
    ++visible;
    white += near_white(img, x, y, 2);
  }
  check(visible == 0 || white * 2 >= visible,
        "chain head markers visible (" + std::to_string(white) + "/" + std::to_string(visible) + ")");
  if (expect_boundary) {
    const auto& c = j["class_centroids"];
    check(c.size() >= 2, "class centres known");
    if (c.size() >= 2) {
      // A decision boundary (white line) crosses the segment between two class centres, and the
      // tint around the two centres differs.
      const double x0 = c[0][0], y0 = c[0][1], x1 = c[1][0], y1 = c[1][1];
      bool crossed = false;
      for (int i = 0; i <= 200 && !crossed; ++i)
        crossed = near_white(img, int(x0 + (x1 - x0) * i / 200), int(y0 + (y1 - y0) * i / 200), 1);
      check(crossed, "a decision boundary separates class 0 and class 1");
      const nlohmann::json r0 = {x0 - 6, y0 - 6, 13, 13}, r1 = {x1 - 6, y1 - 6, 13, 13};
      const Stats a = region_stats(img, r0), b = region_stats(img, r1);
      const double d = std::fabs(a.mean[0] - b.mean[0]) + std::fabs(a.mean[1] - b.mean[1]) +
                       std::fabs(a.mean[2] - b.mean[2]);
      check(d > 15, "class regions differ in tint (RGB distance " + std::to_string(d) + ")");
    }
  }
  if (expect_guard) check(j.value("state", "") == "diverged" && !j.value("guard", "").empty(),
                          "divergence guard tripped: " + j.value("guard", std::string("(none)")));
  stbi_image_free(img.px);
  std::printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
