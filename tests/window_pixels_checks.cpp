// The newer views' pixel checks and the helper modes of window_pixels (see window_pixels.cpp).
#include <stb/stb_image.h>  // the implementation is compiled in window_pixels.cpp

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>

#include "tests/window_pixels.h"

namespace window_pixels {
namespace {

constexpr int kDriftWhitePixels = 5200;  // measured at 1600x1000: 3202 without the overlay, 7125 with it

}  // namespace

// The Robustness tab: A's and B's robust-accuracy curves (plain orange, refined sky blue,
// purified green, as in app/panels/panel_robustness.cpp), and on the landscape the attacked
// point's path: the eps-box's white outline and the purification path's green (attack_overlay.h).
void check_attack(const Image& img, const nlohmann::json& j) {
  check(!j.value("attack_classes", std::string()).empty(), "a point was attacked (label>adversarial>purified " +
                                                               j.value("attack_classes", std::string()) + ")");
  check(std::atoll(j.value("robustness_b_step", std::string("-1")).c_str()) >= 0, "run B's robustness was evaluated");
  const std::string acc = j.value("robustness_accuracy", std::string());
  check(acc.find("plain:") == 0 && acc.find(";refined:") != std::string::npos && acc.find(";purified:") != std::string::npos,
        "accuracy of every defence published: " + acc);
  // The curves may overlap (early on the defences change little): their colours together.
  if (j["panels"].contains("robustness")) {
    int pixels = 0, rows = 0;
    for (const auto& [r, g, b] : {std::tuple{230, 159, 0}, std::tuple{86, 180, 233}, std::tuple{0, 158, 115}}) {
      const ColourHits h = colour_hits(img, j["panels"]["robustness"], r, g, b);
      pixels += h.pixels, rows = std::max(rows, h.rows);
    }
    check(pixels >= 300 && rows >= 40, "robust accuracy curves drawn (" + std::to_string(pixels) + " px, " +
                                           std::to_string(rows) + " rows)");
  }
  if (j["panels"].contains("landscape_canvas")) {
    const ColourHits red = colour_hits(img, j["panels"]["landscape_canvas"], 255, 64, 64);
    const ColourHits green = colour_hits(img, j["panels"]["landscape_canvas"], 64, 255, 160);
    check(red.pixels + green.pixels >= 20, "attack and purification paths on the landscape (" +
                                              std::to_string(red.pixels) + " red, " + std::to_string(green.pixels) +
                                              " green px)");
  }
}

// The drift field: most of its 24x24 arrows drawn, and their white strokes on the landscape
// (without the overlay only the decision boundary and chain heads are that white).
void check_drift(const Image& img, const nlohmann::json& j) {
  const int arrows = std::atoi(j.value("drift_arrows", std::string("0")).c_str());
  check(arrows >= 300, "drift arrows drawn: " + std::to_string(arrows) + " of 576");
  if (j["panels"].contains("landscape_canvas")) {
    const auto& r = j["panels"]["landscape_canvas"];
    int white = 0;
    for (int y = int(r[1]); y < int(r[1]) + int(r[3]); ++y)
      for (int x = int(r[0]); x < int(r[0]) + int(r[2]); ++x)
        if (img.inside(x, y)) {
          const unsigned char* p = img.at(x, y);
          white += std::min({p[0], p[1], p[2]}) >= 225;
        }
    std::printf("     %d near-white px on the landscape\n", white);
    check(white >= kDriftWhitePixels, "drift arrows on the landscape (" + std::to_string(white) + " near-white px)");
  }
}

// Exercise 2: the OOD tab's test histogram split, the misclassified part in vermillion.
void check_ood_split(const Image& img, const nlohmann::json& j) {
  check(j.value("ood_split_shown", std::string()) == "1", "the OOD tab splits correct and misclassified");
  if (j["panels"].contains("ood")) {
    const ColourHits h = colour_hits(img, j["panels"]["ood"], 213, 94, 0);
    check(h.pixels >= 20, "misclassified histogram drawn (" + std::to_string(h.pixels) + " vermillion px)");
  }
}

// Presenter mode: 1.5x fonts, the controls column under a fifth of the window (its knobs folded
// away), the landscape the widest panel.
void check_presenter(const Image& img, const nlohmann::json& j) {
  check(j.value("presenter", false), "presenter mode is on");
  check(std::fabs(j.value("ui_scale", 0.0) - 1.5) < 1e-3, "ui scale 1.5 (" + std::to_string(j.value("ui_scale", 0.0)) + ")");
  if (j["panels"].contains("controls") && j["panels"].contains("landscape")) {
    const double cw = j["panels"]["controls"][2], lw = j["panels"]["landscape"][2];
    check(cw <= 0.2 * img.w, "controls column narrow (" + std::to_string(int(cw)) + " px)");
    check(lw >= 0.4 * img.w, "landscape wide (" + std::to_string(int(lw)) + " px)");
  }
}

std::string print_json(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return v.dump();
  std::string out;
  for (const auto& e : v) out += (out.empty() ? "" : " ") + print_json(e);
  return out;
}

int get_value(const std::string& file, const std::string& pointer) {
  std::ifstream in(file);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json::json_pointer ptr(pointer);
  if (j.is_discarded() || !j.contains(ptr)) return 1;
  std::printf("%s\n", print_json(j[ptr]).c_str());
  return 0;
}

// Two screenshots of the same setup (a session saved and reopened): same size, and a mean
// absolute difference per channel within `tolerance` levels (training runs on, so not 0).
int compare_images(const std::string& a, const std::string& b, double tolerance) {
  Image x, y;
  int ch = 0;
  x.px = stbi_load(a.c_str(), &x.w, &x.h, &ch, 3);
  y.px = stbi_load(b.c_str(), &y.w, &y.h, &ch, 3);
  if (!x.px || !y.px || x.w != y.w || x.h != y.h) {
    std::printf("FAIL %s and %s: unreadable or of different sizes\n", a.c_str(), b.c_str());
    return 1;
  }
  double sum = 0;
  for (size_t i = 0; i < size_t(x.w) * x.h * 3; ++i) sum += std::abs(int(x.px[i]) - int(y.px[i]));
  const double mean = sum / (double(x.w) * x.h * 3);
  const bool ok = mean <= tolerance;
  std::printf("%s screenshots differ by %.2f levels on average (tolerance %.1f)\n", ok ? "ok  " : "FAIL", mean, tolerance);
  return ok ? 0 : 1;
}

// A file the window exported: right signature, decodes, the expected size, not a flat image, and
// for a GIF several frames of which the last differs from the first (the chain moved).
int check_image(const std::string& file, int argc, char** argv) {
  int want_w = 0, want_h = 0, min_frames = 1;
  for (int i = 3; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--size") std::sscanf(argv[i + 1], "%dx%d", &want_w, &want_h);
    if (std::string(argv[i]) == "--min-frames") min_frames = std::atoi(argv[i + 1]);
  }
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool png = bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0, gif = bytes.rfind("GIF89a", 0) == 0;
  check(png || gif, file + ": PNG or GIF89a signature");
  if (!png && !gif) return 1;
  Image img;
  int frames = 1, channels = 0;
  int* delays = nullptr;
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  img.px = gif ? stbi_load_gif_from_memory(data, int(bytes.size()), &delays, &img.w, &img.h, &frames, &channels, 3)
               : stbi_load_from_memory(data, int(bytes.size()), &img.w, &img.h, &channels, 3);
  check(img.px != nullptr, file + ": decodes");
  if (!img.px) return 1;
  std::printf("%s: %s %dx%d, %d frame(s)\n", file.c_str(), png ? "PNG" : "GIF", img.w, img.h, frames);
  // +-1: panel rectangles are fractional, crops are whole pixels.
  if (want_w > 0)
    check(std::abs(img.w - want_w) <= 1 && std::abs(img.h - want_h) <= 1,
          "size " + std::to_string(want_w) + "x" + std::to_string(want_h) + " (+-1)");
  check(frames >= min_frames, "at least " + std::to_string(min_frames) + " frame(s)");
  check(region_stats(img, {0, 0, img.w, img.h}).distinct > 8, "not a flat image");
  if (gif && frames > 1) {
    const size_t frame_bytes = size_t(img.w) * img.h * 3;
    size_t changed = 0;
    for (size_t i = 0; i < frame_bytes; ++i) changed += img.px[i] != img.px[(frames - 1) * frame_bytes + i];
    check(changed > 20, "the last frame differs from the first (" + std::to_string(changed) + " bytes)");
  }
  stbi_image_free(img.px);
  std::free(delays);
  return failures ? 1 : 0;
}

}  // namespace window_pixels
