// What window_pixels.cpp and its checks share: the screenshot, its statistics and the check log.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace window_pixels {

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

struct ColourHits {
  int pixels = 0, rows = 0;
};

extern int failures;
void check(bool ok, const std::string& what);  // prints ok/FAIL and counts failures
Stats region_stats(const Image& img, const nlohmann::json& rect);
// Pixels within 24 levels of (r, g, b) in the rectangle, below its top quarter (titles).
ColourHits colour_hits(const Image& img, const nlohmann::json& rect, int r, int g, int b);

// The newer views' checks (window_pixels_checks.cpp): the screenshot and its sidecar j.
void check_attack(const Image& img, const nlohmann::json& j);
void check_drift(const Image& img, const nlohmann::json& j);
void check_ood_split(const Image& img, const nlohmann::json& j);
void check_presenter(const Image& img, const nlohmann::json& j);
// The helper modes for the input test.
int get_value(const std::string& file, const std::string& pointer);
int compare_images(const std::string& a, const std::string& b, double tolerance);
int check_image(const std::string& file, int argc, char** argv);

}  // namespace window_pixels
