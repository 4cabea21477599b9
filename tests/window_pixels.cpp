// Pixel checks on a screenshot written by `jemlab --frames N --screenshot F.png`, located with the
// F.png.json sidecar the window writes (panel rectangles, chain heads, class centres).
// usage: window_pixels F.png [--expect-boundary] [--expect-guard] [--expect-tab curves|calibration|ood|control]
//                            [--expect-scale S] [--expect-size WxH] [--expect-histograms] [--expect-replay]
//                            [--expect-ab] [--expect-sweep ROWS]
// Helpers for window_input_test.sh (no jq or python on a bare Debian):
//        window_pixels --get FILE.json /json/pointer   prints the value (arrays space-separated)
//        window_pixels --image FILE [--size WxH] [--min-frames N]   a valid PNG or animated GIF
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "tests/window_pixels.h"

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

namespace window_pixels {

int failures = 0;
void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}



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

// Pixels of one plot colour (within a small tolerance: anti-aliasing) in a rectangle's lower 3/4
// (the legend's swatches sit at the top), and on how many rows: a histogram's outline climbs over
// many rows, an empty one is a flat line on the axis.
ColourHits colour_hits(const Image& img, const nlohmann::json& r, int cr, int cg, int cb) {
  ColourHits h;
  const int x0 = int(r[0]), y1 = int(r[1]) + int(r[3]), y0 = int(r[1]) + int(r[3]) / 4, x1 = x0 + int(r[2]);
  for (int y = y0; y < y1; ++y) {
    int in_row = 0;
    for (int x = x0; x < x1; ++x) {
      if (!img.inside(x, y)) continue;
      const unsigned char* p = img.at(x, y);
      in_row += std::abs(p[0] - cr) <= 24 && std::abs(p[1] - cg) <= 24 && std::abs(p[2] - cb) <= 24;
    }
    h.pixels += in_row;
    h.rows += in_row > 0;
  }
  return h;
}

}  // namespace window_pixels

using namespace window_pixels;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: window_pixels F.png [--expect-boundary] [--expect-guard] [--expect-tab TAB]\n"
                         "       window_pixels --get FILE.json /pointer | --image FILE [--size WxH] [--min-frames N]\n");
    return 2;
  }
  if (std::string(argv[1]) == "--get" && argc == 4) return get_value(argv[2], argv[3]);
  if (std::string(argv[1]) == "--image" && argc >= 3) return check_image(argv[2], argc, argv);
  if (std::string(argv[1]) == "--compare" && argc == 5) return compare_images(argv[2], argv[3], std::atof(argv[4]));
  const std::string path = argv[1];
  bool expect_boundary = false, expect_guard = false, expect_images = false, expect_histograms = false,
       expect_replay = false, expect_ab = false, expect_attack = false, expect_drift = false,
       expect_presenter = false, expect_ood_split = false;
  std::string tab = "curves";
  double expect_scale = 0;
  int expect_w = 0, expect_h = 0;
  int expect_sweep = -1;  // rows of a finished sweep (--sweep): its plots show them
  for (int i = 2; i < argc; ++i) {
    expect_boundary |= std::string(argv[i]) == "--expect-boundary";
    expect_guard |= std::string(argv[i]) == "--expect-guard";
    expect_images |= std::string(argv[i]) == "--expect-images";
    expect_histograms |= std::string(argv[i]) == "--expect-histograms";
    expect_replay |= std::string(argv[i]) == "--expect-replay";
    expect_ab |= std::string(argv[i]) == "--expect-ab";
    expect_attack |= std::string(argv[i]) == "--expect-attack";
    expect_drift |= std::string(argv[i]) == "--expect-drift";
    expect_presenter |= std::string(argv[i]) == "--expect-presenter";
    expect_ood_split |= std::string(argv[i]) == "--expect-ood-split";
    if (std::string(argv[i]) == "--expect-tab" && i + 1 < argc) tab = argv[++i];
    if (std::string(argv[i]) == "--expect-sweep" && i + 1 < argc) expect_sweep = std::atoi(argv[++i]);
    if (std::string(argv[i]) == "--expect-scale" && i + 1 < argc) expect_scale = std::atof(argv[++i]);
    if (std::string(argv[i]) == "--expect-size" && i + 1 < argc) std::sscanf(argv[++i], "%dx%d", &expect_w, &expect_h);
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
  if (expect_w > 0) check(img.w == expect_w && img.h == expect_h, "window is " + std::to_string(expect_w) + "x" +
                                                                    std::to_string(expect_h) + " pixels");
  if (expect_scale > 0) {
    // HiDPI: the window scaled its fonts and widgets, and the layout grew with them: the controls
    // column is at least 300 units wide at the window's scale.
    check(std::fabs(j.value("ui_scale", 0.0) - expect_scale) < 1e-3,
          "ui scale " + std::to_string(j.value("ui_scale", 0.0)));
    if (j["panels"].contains("controls"))
      check(double(j["panels"]["controls"][2]) >= 300 * expect_scale - 1, "controls column scaled");
  }

  if (expect_ood_split) check_ood_split(img, j);
  if (expect_presenter) check_presenter(img, j);
  // Every panel is there and drew something (text, widgets, lines) on its background.
  for (const std::string& panel : {std::string("controls"), std::string("landscape"), std::string("presets"), tab}) {
    check(j["panels"].contains(panel), "panel present: " + panel);
    if (!j["panels"].contains(panel)) continue;
    const Stats s = region_stats(img, j["panels"][panel]);
    check(s.bright > 200 && s.distinct > 8, "panel has content: " + panel + " (" + std::to_string(s.bright) +
                                                " bright px)");
  }
  // Only the selected analysis tab is drawn: the others leave no rectangle behind.
  for (const char* other : {"curves", "calibration", "ood", "control", "stability", "robustness"})
    if (tab != other) check(!j["panels"].contains(other), std::string("hidden tab not on screen: ") + other);
  // The calibration, OOD and control tabs plot data (coloured bars and histograms), not only a
  // "waiting" line: the runner published what they draw.
  if (tab != "curves" && j["panels"].contains(tab)) {
    const bool published = tab == "control"     ? j.value("control_iteration", -1) > 0
                           : tab == "sweep"     ? j.value("sweep_rows", std::string("0")) != "0"
                           : tab == "stability" ? j.value("stability_step", -1LL) >= 0
                           : tab == "robustness" ? std::atoll(j.value("robustness_step", std::string("-1")).c_str()) >= 0
                                                : j.value("eval_step", -1LL) >= 0;
    check(published, tab + ": the runner published its data");
    const Stats s = region_stats(img, j["panels"][tab]);
    check(s.colored > 3000, tab + " tab plots data (" + std::to_string(s.colored) + " coloured px)");
  }
  // The stability tab's histograms: buffer, data and noise energies overlaid (colours as in
  // app/panels/stability_histograms.h), and the buffer's ages.
  if (expect_histograms) {
    struct Want {
      const char* rect;
      const char* name;
      int r, g, b;
    };
    for (const Want& w : {Want{"stability_energy_hist", "buffer energy (orange)", 230, 159, 0},
                          Want{"stability_energy_hist", "data energy (sky blue)", 86, 180, 233},
                          Want{"stability_energy_hist", "noise energy (purple)", 204, 121, 167},
                          Want{"stability_age_hist", "buffer age (green)", 0, 158, 115}}) {
      const bool there = j["panels"].contains(w.rect);
      check(there, std::string("histogram on screen: ") + w.rect);
      if (!there) continue;
      const ColourHits h = colour_hits(img, j["panels"][w.rect], w.r, w.g, w.b);
      check(h.pixels >= 30 && h.rows >= 5, std::string("histogram drawn: ") + w.name + " (" + std::to_string(h.pixels) +
                                               " px on " + std::to_string(h.rows) + " rows)");
    }
  }
  if (expect_replay)
    check(j.value("replay_iteration", -1LL) >= 0 && j.value("replay_identical", false),
          "replayed iteration " + std::to_string(j.value("replay_iteration", -1LL)) + " came out bit-identical");
  // The A/B tab: run B trains, A's and B's fields and their energy difference are drawn and are
  // fields (not flat fills), and the difference map shows both signs: blue (A lower energy) and
  // red (B lower) of the diverging map. Its data points are grey, so blue is the sign, not class 1.
  if (expect_ab) {
    check(j.value("ab_step", -1LL) > 0, "run B trains (step " + std::to_string(j.value("ab_step", -1LL)) + ", " +
                                            j.value("ab_summary", std::string()) + ")");
    check(j.value("ab_diff_shown", false), "the difference map is drawn (A's and B's grids match)");
    // In step (the default): the run ahead waits, so the two are within the slack of each other.
    const long long a_step = j.value("step", -1LL), b_step = j.value("ab_step", -1LL);
    check(std::llabs(a_step - b_step) <= 60,
          "A and B train in step (A " + std::to_string(a_step) + ", B " + std::to_string(b_step) + ")");
    for (const char* map : {"ab_map_a", "ab_map_b", "ab_map_diff"}) {
      const bool there = j["panels"].contains(map);
      check(there, std::string("map on screen: ") + map);
      if (!there) continue;
      const Stats s = region_stats(img, j["panels"][map]);
      check(s.stddev > 6 && s.distinct > 40, std::string(map) + " is not uniform (luma std " + std::to_string(s.stddev) +
                                                 ", " + std::to_string(s.distinct) + " colours)");
    }
    if (j["panels"].contains("ab_map_diff")) {
      const auto& r = j["panels"]["ab_map_diff"];
      int red = 0, blue = 0, n = 0;
      for (int y = int(r[1]); y < int(r[1]) + int(r[3]); ++y)
        for (int x = int(r[0]); x < int(r[0]) + int(r[2]); ++x) {
          if (!img.inside(x, y)) continue;
          const unsigned char* p = img.at(x, y);
          red += p[0] > p[2] + 20, blue += p[2] > p[0] + 20, ++n;  // pale tints count: the range is set by the larger side
        }
      check(red * 200 >= n && blue * 200 >= n, "difference map has both signs (" + std::to_string(red) + " red, " +
                                                  std::to_string(blue) + " blue of " + std::to_string(n) + " px)");
    }
  }
  if (expect_attack) check_attack(img, j);
  if (expect_drift) check_drift(img, j);
  // A finished sweep: every row arrived, and each metric's plot (accuracy, ECE, AUROC, exact NLL
  // in 2D) shows the runs as sky-blue dots and the per-value means as an orange line. The main
  // run was paused for it at its first steps, so the landscape checks below do not apply.
  if (expect_sweep >= 0) {
    check(j.value("sweep_state", std::string()) == "done", "sweep finished: " + j.value("sweep_state", std::string()));
    check(j.value("sweep_rows", std::string()) == std::to_string(expect_sweep),
          "sweep rows " + j.value("sweep_rows", std::string()) + " (want " + std::to_string(expect_sweep) + ")");
    for (int k = 0; k < 4; ++k) {
      const std::string rect = "sweep_plot_" + std::to_string(k);
      const bool there = j["panels"].contains(rect);
      check(there, "sweep plot on screen: " + rect);
      if (!there) continue;
      const auto& r = j["panels"][rect];
      int dots = 0, mean = 0;
      for (int y = int(r[1]); y < int(r[1]) + int(r[3]); ++y)
        for (int x = int(r[0]); x < int(r[0]) + int(r[2]); ++x) {
          if (!img.inside(x, y)) continue;
          const unsigned char* p = img.at(x, y);
          dots += std::abs(p[0] - 86) <= 20 && std::abs(p[1] - 180) <= 20 && std::abs(p[2] - 233) <= 20;
          mean += std::abs(p[0] - 230) <= 20 && std::abs(p[1] - 159) <= 20 && p[2] <= 30;
        }
      // A dot is ~35 px at scale 1; overlapping dots of close seeds count once.
      check(dots >= 25 * std::max(1, expect_sweep / 2), rect + ": run dots drawn (" + std::to_string(dots) + " px)");
      check(mean >= 40, rect + ": mean line drawn (" + std::to_string(mean) + " px)");
    }
    stbi_image_free(img.px);
    std::printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures ? 1 : 0;
  }
  // Image data: the buffer grid and the film strip show images, not flat tiles; no landscape.
  if (j["panels"].contains("buffer_grid") || expect_images) {
    check(j["panels"].contains("buffer_grid"), "replay-buffer image grid present");
    const Stats g = region_stats(img, j["panels"]["buffer_grid"]);
    check(g.stddev > 12 && g.distinct > 200, "buffer grid shows images (luma std " + std::to_string(g.stddev) + ", " +
                                                 std::to_string(g.distinct) + " colours)");
    check(j["panels"].contains("film_strip"), "SGLD film strip present");
    if (j["panels"].contains("film_strip")) {
      const Stats f = region_stats(img, j["panels"]["film_strip"]);
      check(f.distinct > 100, "film strip shows images (" + std::to_string(f.distinct) + " colours)");
    }
    stbi_image_free(img.px);
    std::printf("%s\n", failures ? "FAILED" : "all checks passed");
    return failures ? 1 : 0;
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
  // r: a sidecar rectangle [x, y, w, h], grown by margin on each side.
  auto within = [](int x, int y, const nlohmann::json& r, double margin) {
    return x >= double(r[0]) - margin && y >= double(r[1]) - margin && x < double(r[0]) + double(r[2]) + margin &&
           y < double(r[1]) + double(r[3]) + margin;
  };
  const nlohmann::json overlays = j.value("overlays", nlohmann::json::object());
  for (const auto& hpos : heads) {
    const int x = int(hpos[0]), y = int(hpos[1]);
    // Heads are clipped to the canvas: a diverged chain far outside it is not drawn anywhere.
    if (!img.inside(x, y) || !within(x, y, j["panels"]["landscape_canvas"], 0)) continue;
    // The overlays (legend, colour bar) are drawn over the chains: a head under one is hidden.
    bool covered = false;
    for (const auto& [name, r] : overlays.items()) covered |= within(x, y, r, 3);
    if (covered) continue;
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
      int crossing = -1;
      for (int i = 10; i <= 190 && crossing < 0; ++i)  // not at the centres' own markers
        if (near_white(img, int(x0 + (x1 - x0) * i / 200), int(y0 + (y1 - y0) * i / 200), 1)) crossing = i;
      check(crossing >= 0, "a decision boundary separates class 0 and class 1");
      // The tint changes across the boundary while the field under it is continuous: compare
      // small regions just either side of the crossing (at the centres the field's own colour
      // differs by as much as the tint, depending on how far training got).
      if (crossing >= 0) {
        const double len = std::hypot(x1 - x0, y1 - y0), ux = (x1 - x0) / len, uy = (y1 - y0) / len;
        const double cx = x0 + (x1 - x0) * crossing / 200, cy = y0 + (y1 - y0) * crossing / 200;
        const double off = 12;  // px: clear of the boundary line and its antialiasing
        const nlohmann::json r0 = {cx - off * ux - 4, cy - off * uy - 4, 9, 9};
        const nlohmann::json r1 = {cx + (off + 6) * ux - 4, cy + (off + 6) * uy - 4, 9, 9};  // past the line
        const Stats a = region_stats(img, r0), b = region_stats(img, r1);
        const double d = std::fabs(a.mean[0] - b.mean[0]) + std::fabs(a.mean[1] - b.mean[1]) +
                         std::fabs(a.mean[2] - b.mean[2]);
        check(d > 15, "class regions differ in tint across the boundary (RGB distance " + std::to_string(d) + ")");
      }
    }
  }
  if (expect_guard) check(j.value("state", "") == "diverged" && !j.value("guard", "").empty(),
                          "divergence guard tripped: " + j.value("guard", std::string("(none)")));
  stbi_image_free(img.px);
  std::printf("%s\n", failures ? "FAILED" : "all checks passed");
  return failures ? 1 : 0;
}
