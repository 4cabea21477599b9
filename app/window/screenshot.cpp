#include "app/window/screenshot.h"

#include <epoxy/gl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace jem::window {

std::vector<uint8_t> read_framebuffer(int w, int h) {
  std::vector<uint8_t> px(size_t(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // GL's first row is the bottom one; PNG's is the top.
  const size_t row = size_t(w) * 4;
  std::vector<uint8_t> flipped(px.size());
  for (int y = 0; y < h; ++y) std::memcpy(&flipped[y * row], &px[(h - 1 - y) * row], row);
  return flipped;
}

bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba, const PanelRect& crop) {
  int x0 = 0, y0 = 0, cw = w, ch = h;
  if (crop.w > 0 && crop.h > 0) {
    x0 = std::clamp(int(crop.x), 0, w - 1), y0 = std::clamp(int(crop.y), 0, h - 1);
    cw = std::min(int(crop.w), w - x0), ch = std::min(int(crop.h), h - y0);
  }
  std::vector<uint8_t> out(size_t(cw) * ch * 3);
  for (int y = 0; y < ch; ++y)
    for (int x = 0; x < cw; ++x)
      for (int c = 0; c < 3; ++c) out[(size_t(y) * cw + x) * 3 + c] = rgba[(size_t(y + y0) * w + x + x0) * 4 + c];
  if (!stbi_write_png(path.c_str(), cw, ch, 3, out.data(), cw * 3)) {
    std::fprintf(stderr, "jemlab: cannot write %s\n", path.c_str());
    return false;
  }
  std::fprintf(stderr, "jemlab: wrote %s (%dx%d)\n", path.c_str(), cw, ch);
  return true;
}

void write_sidecar(const std::string& png_path, const LabContext& ctx, float fb_scale) {
  nlohmann::json j;
  for (const auto& [name, r] : ctx.panel_rects)
    j["panels"][name] = {r.x * fb_scale, r.y * fb_scale, r.w * fb_scale, r.h * fb_scale};
  j["chain_heads"] = nlohmann::json::array();
  for (const auto& [x, y] : ctx.chain_heads_px) j["chain_heads"].push_back({x * fb_scale, y * fb_scale});
  j["class_centroids"] = nlohmann::json::array();
  for (const auto& [x, y] : ctx.class_centroids_px) j["class_centroids"].push_back({x * fb_scale, y * fb_scale});
  j["preset"] = ctx.preset_name;
  j["step"] = ctx.snap ? ctx.snap->step : 0;
  j["state"] = ctx.snap ? run_state_name(ctx.snap->state) : "";
  j["guard"] = ctx.snap && ctx.snap->guard ? ctx.snap->guard->message() : "";
  j["p_x_weight"] = ctx.snap ? ctx.snap->settings.p_x_weight : 0.0;
  j["p_y_given_x_weight"] = ctx.snap ? ctx.snap->settings.p_y_given_x_weight : 0.0;
  // -1 until published: a test of the analysis tabs knows whether they had data to draw.
  j["eval_step"] = ctx.snap && ctx.snap->eval ? ctx.snap->eval->step : -1;
  j["control_iteration"] = ctx.snap && ctx.snap->control ? ctx.snap->control->iteration : -1;
  j["fps"] = ctx.fps;
  j["iters_per_s"] = ctx.snap ? ctx.snap->iters_per_s : 0.0;
  std::ofstream(png_path + ".json") << j.dump(2) << '\n';
}

}  // namespace jem::window
