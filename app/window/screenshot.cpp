#include "app/window/screenshot.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <fstream>
#include <nlohmann/json.hpp>

#include <stb/stb_image_write.h>  // the implementation is compiled in app/cli/image_png.cpp

#include "core/util/atomic_file.h"

namespace jem::window {

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
  // Encoded in memory, then written atomically: a crash or a full disk never leaves half a PNG
  // (a live --screenshot-every file is read while the window rewrites it).
  std::string png;
  auto append = [](void* to, void* data, int n) { static_cast<std::string*>(to)->append(static_cast<char*>(data), size_t(n)); };
  try {
    if (!stbi_write_png_to_func(append, &png, cw, ch, 3, out.data(), cw * 3)) throw std::runtime_error("PNG encoder failed");
    write_file_atomically(path, png);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: cannot write %s: %s\n", path.c_str(), e.what());
    return false;
  }
  return true;
}

namespace {

// What both the sidecar and the report say about the run.
nlohmann::json run_json(const LabContext& ctx) {
  nlohmann::json j;
  j["preset"] = ctx.preset_name;
  j["step"] = ctx.snap ? ctx.snap->step : 0;
  j["state"] = ctx.snap ? run_state_name(ctx.snap->state) : "";
  j["guard"] = ctx.snap && ctx.snap->guard ? ctx.snap->guard->message() : "";
  j["p_x_weight"] = ctx.snap ? ctx.snap->settings.p_x_weight : 0.0;
  j["p_y_given_x_weight"] = ctx.snap ? ctx.snap->settings.p_y_given_x_weight : 0.0;
  // -1 until published: a test of the analysis tabs knows whether they had data to draw.
  j["eval_step"] = ctx.snap && ctx.snap->eval ? ctx.snap->eval->step : -1;
  j["control_iteration"] = ctx.snap && ctx.snap->control ? ctx.snap->control->iteration : -1;
  j["stability_step"] = ctx.snap && ctx.snap->stability ? ctx.snap->stability->step : -1;
  const ReplayView* replay = ctx.snap ? ctx.snap->replay.get() : nullptr;  // cmd::Replay's last result
  j["replay_iteration"] = replay ? replay->iteration : -1;
  j["replay_identical"] = replay && replay->error.empty() && replay->check.identical();
  j["ui_scale"] = ctx.ui_scale;
  j["presenter"] = ctx.presenter;
  j["dataset"] = ctx.snap ? ctx.snap->settings.dataset : "";
  j["train_points"] = ctx.snap && ctx.snap->data ? ctx.snap->data->xy.size() / 2 : 0;
  j["autosaved_step"] = ctx.snap ? ctx.snap->autosaved_step : -1;
  j["restore_prompt"] = ctx.restore_question;
  j["ab_step"] = ctx.ab_step;  // run B of the A/B tab: -1 when there is none
  j["ab_diff_shown"] = ctx.ab_diff_shown;
  j["ab_summary"] = ctx.ab_summary;
  for (const auto& [key, value] : ctx.facts) j[key] = value;  // panels' own state (the sweep's rows)
  return j;
}

nlohmann::json rects_json(const std::map<std::string, PanelRect>& rects, float scale) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, r] : rects) j[name] = {r.x * scale, r.y * scale, r.w * scale, r.h * scale};
  return j;
}

}  // namespace

void write_report(const std::string& path, const LabContext& ctx, int frame, bool exiting, std::string& last) {
  nlohmann::json j = run_json(ctx);
  j["panels"] = rects_json(ctx.last_panel_rects, 1);  // window coordinates, as X input uses them
  j["widgets"] = rects_json(ctx.widget_rects, 1);
  j["view"] = {ctx.view.x0, ctx.view.x1, ctx.view.y0, ctx.view.y1};
  j["launch_clicks"] = ctx.launch_clicks;
  const Trajectories* tr = ctx.snap ? ctx.snap->launched.get() : nullptr;
  j["launched_chains"] = tr ? tr->n_chains : 0;
  j["launched_start"] = tr && tr->xy.size() >= 2 ? nlohmann::json{tr->xy[0], tr->xy[1]} : nlohmann::json::array();
  j["exports"] = ctx.exported;
  j["export_status"] = ctx.export_status;
  j["exiting"] = exiting;
  j["iconified"] = ctx.iconified;
  j["window_size"] = {ctx.window_w, ctx.window_h};
  const std::string text = j.dump(1);
  if (text == last) return;  // the frame counter is left out so that an idle window writes nothing
  last = text;
  j["frame"] = frame;
  // Readers poll the file: a rename never shows them half of it.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!(out << j.dump(1) << '\n')) return;
  }
  std::rename(tmp.c_str(), path.c_str());
}

void write_sidecar(const std::string& png_path, const LabContext& ctx, float fb_scale) {
  nlohmann::json j = run_json(ctx);
  j["panels"] = rects_json(ctx.panel_rects, fb_scale);
  j["overlays"] = rects_json(ctx.overlay_rects, fb_scale);
  j["chain_heads"] = nlohmann::json::array();
  for (const auto& [x, y] : ctx.chain_heads_px) j["chain_heads"].push_back({x * fb_scale, y * fb_scale});
  j["class_centroids"] = nlohmann::json::array();
  for (const auto& [x, y] : ctx.class_centroids_px) j["class_centroids"].push_back({x * fb_scale, y * fb_scale});
  j["fps"] = ctx.fps;
  j["iters_per_s"] = ctx.snap ? ctx.snap->iters_per_s : 0.0;
  try {
    write_file_atomically(png_path + ".json", j.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: %s\n", e.what());
  }
}

}  // namespace jem::window
