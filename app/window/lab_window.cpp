// The frame loop, in the spirit of Dear ImGui's example_glfw_opengl3/main.cpp: GLFW window,
// OpenGL 3.3 core through libepoxy, one Runner training on its own thread, the panels.
#include "app/window/lab_window.h"

#include <epoxy/gl.h>
// epoxy first: GLFW must not pull in the system GL header.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "app/cli/args.h"
#include "app/window/ab_logic.h"
#include "app/window/panel_ab.h"
#include "app/window/panel_calibration.h"
#include "app/window/panel_common.h"
#include "app/window/panel_control.h"
#include "app/window/panel_controls.h"
#include "app/window/panel_curves.h"
#include "app/window/panel_images.h"
#include "app/window/panel_landscape.h"
#include "app/window/panel_ood.h"
#include "app/window/panel_presets.h"
#include "app/window/panel_stability.h"
#include "app/window/panel_sweep.h"
#include "app/window/resource_paths.h"
#include "app/window/ui_scale.h"
#include "core/data/dataset_names.h"
#include "app/window/restore_prompt.h"
#include "app/window/screenshot.h"

namespace jem::window {
namespace {

using Clock = std::chrono::steady_clock;

const std::vector<cli::OptionSpec>& lab_options() {
  static const std::vector<cli::OptionSpec> o = {
      {"preset", "Start from assets/presets/NAME.json (knob flags apply on top)", ""},
      {"frames", "Run this many frames, then exit (headless capture; 0: until closed)", "0"},
      {"screenshot", "With --frames: write the last frame to this PNG (plus FILE.png.json for tests)", ""},
      {"fps", "Frame-rate cap (Xvfb and llvmpipe have no vsync; the trainer needs the cores)", "60"},
      {"chain-gif", "With --frames: launch a 1000-step SGLD chain near the bottom of the data box and write it as a GIF at the end", ""},
      {"tab", "Analysis tab shown first: curves, calibration, ood, control, stability, sweep or ab", "curves"},
      {"field", "What the landscape shows first: neg_energy, energy, density, chains_density, class_prob or class_logit", "neg_energy"},
      {"ab", "Start an A/B comparison at once: run B differs from A by these knobs, e.g. \"sgld_lr=3,n_steps=5\"", ""},
      {"size", "Window size WIDTHxHEIGHT in screen units", "1600x1000"},
      {"ui-scale", "Scale of fonts, widgets and window size (0: the monitor's content scale; X11: Xft.dpi / 96)", "0"},
      {"export-dir", "Folder for F12 screenshots and the export buttons (numbered files, never overwritten)", "exports"},
      {"report", "Keep this JSON file up to date with the window's state (step, view, chains, exports, button rectangles) for input tests", ""},
      {"shaders", "Folder of the GLSL shaders (default: $JEMLAB_SHADERS, else next to the executable)", ""},
      {"assets", "Folder of presets/ (default: $JEMLAB_ASSETS, else next to the executable)", ""},
      {"autosave", "Autosave the session to this file (default: $XDG_STATE_HOME/jemlab/autosave.ckpt, else ~/.local/state/jemlab/; none with --frames)", ""},
      {"autosave-every", "Seconds between autosaves while the run changes (0: off); once more at exit", "300"},
      {"restore-autosave", "ask, yes or no: offer the autosaved session at start (default: ask; no with --frames)", ""},
      {"screenshot-every", "With --screenshot: rewrite that PNG every N frames (a live view; each write is atomic)", "0"},
      {"metrics-csv", "Keep this CSV of the curves up to date (every --screenshot-every frames, else at exit)", ""},
      {"sweep", "Start a sweep at once, from the start settings: \"KNOB=v1,v2,... [seeds=N] [iters=N]\" (with --frames: the capture waits until it finishes)", ""},
      {"replay-latest", "With the stability tab shown: replay each newest flight-recorded iteration (tests)", "", false},
  };
  return o;
}

std::string option_or_empty(const cli::Args& a, const std::string& name) { return a.has(name) ? a.get(name) : ""; }

// CPU seconds of the calling thread: what a frame costs, independent of the machine's load.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void glfw_error(int code, const char* text) { std::fprintf(stderr, "jemlab: GLFW error %d: %s\n", code, text); }

// What the driver offers when it cannot give 3.3 core: the version of a default context.
std::string offered_gl_version() {
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  GLFWwindow* probe = glfwCreateWindow(32, 32, "probe", nullptr, nullptr);
  if (!probe) return "no OpenGL context at all";
  glfwMakeContextCurrent(probe);
  const auto* v = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  const std::string text = v ? std::string("OpenGL ") + v : "an unknown OpenGL version";
  glfwMakeContextCurrent(nullptr);
  glfwDestroyWindow(probe);
  return text;
}

// Mesa's overrides are the usual reason a capable driver reports an old version.
std::string gl_override_note() {
  std::string note;
  for (const char* var : {"MESA_GL_VERSION_OVERRIDE", "MESA_GLSL_VERSION_OVERRIDE"})
    if (const char* v = std::getenv(var)) note += std::string(" (") + var + "=" + v + " is set)";
  return note;
}

// "1.30" -> 130, "3.30" -> 330; 0 when the driver does not say.
int glsl_version(std::string& text) {
  const auto* v = reinterpret_cast<const char*>(glGetString(GL_SHADING_LANGUAGE_VERSION));
  text = v ? v : "?";
  int major = 0, minor = 0;
  return v && std::sscanf(v, "%d.%d", &major, &minor) == 2 ? major * 100 + minor : 0;
}

// Fixed layout: controls left, landscape centre, presets and the analysis tabs right. The presets
// panel is as tall as its paragraph needs (up to 42% of the height); the tabs get the rest.
struct Layout {
  PanelRect controls, landscape, presets, analysis;
};
Layout compute_layout(float w, float h, float scale, const LabContext& ctx) {
  Layout l;
  float left = std::clamp(w * 0.24f, 300 * scale, 420 * scale);
  float right = std::clamp(w * 0.28f, 300 * scale, 520 * scale);
  // Narrower than the columns' minimum (a tiled or tiny window): they shrink and the landscape
  // keeps a third of the width; no panel gets a negative size.
  if (left + right > w * 2 / 3) {
    const float k = std::max(0.0f, w * 2 / 3) / (left + right);
    left *= k, right *= k;
  }
  const float cap = std::max(0.0f, h * 0.42f);
  const float presets_h = std::clamp(PresetsPanel::wanted_height(ctx, right), std::min(150 * scale, cap), cap);
  l.controls = {0, 0, left, h};
  l.landscape = {left, 0, w - left - right, h};
  l.presets = {w - right, 0, right, presets_h};
  l.analysis = {w - right, presets_h, right, h - presets_h};
  return l;
}

// --metrics-csv: failures go to stderr (a full disk must not stop the lab).
void write_metrics_csv(const std::string& path, const Snapshot& s) {
  try {
    write_history_csv(path, s.history);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: %s\n", e.what());
  }
}

// Key presses since the last frame, from GLFW's callback (ImGui's backend chains to it). ImGui
// 1.86 samples key state once a frame, so a tap shorter than a frame (xdotool, a fast typist, an
// idle window woken by the press) never shows up in IsKeyPressed; the callback sees every one.
std::vector<std::pair<int, int>> g_key_presses;  // (GLFW key, modifier bits)
void key_callback(GLFWwindow*, int key, int, int action, int mods) {
  if (action == GLFW_PRESS) g_key_presses.emplace_back(key, mods);
}

void handle_shortcuts(LabContext& ctx) {
  const bool typing = ImGui::GetIO().WantTextInput;
  const Snapshot& s = *ctx.snap;
  for (const auto& [key, mods] : g_key_presses) {
    if (key == GLFW_KEY_Q && (mods & GLFW_MOD_CONTROL)) ctx.quit_request = true;
    if (typing || (mods & (GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER))) continue;
    if (key == GLFW_KEY_F12) ctx.screenshot_request = export_path(ctx, "screenshot", "png");
    if (!ctx.restore_question.empty()) continue;  // the restore prompt comes first
    if (key == GLFW_KEY_SPACE) ctx.send(transport_command(Transport::PlayPause, s));
    if (key == GLFW_KEY_S) ctx.send(transport_command(Transport::Step, s));
    if (key == GLFW_KEY_R) ctx.send(transport_command(Transport::Reset, s));
  }
  g_key_presses.clear();
}

// The right column's tabs: curves, calibration, OOD, control dataset. They share one rectangle so
// each plot gets the full column height, readable at 1280x800.
struct AnalysisTabs {
  CurvesPanel curves;
  CalibrationPanel calibration;
  OodPanel ood;
  ControlPanel control;
  StabilityPanel stability;
  SweepPanel sweep;
  AbPanel ab;

  static bool is_tab(const std::string& name) {
    return name == "curves" || name == "calibration" || name == "ood" || name == "control" || name == "stability" ||
           name == "sweep" || name == "ab";
  }
  void draw(LabContext& ctx, const PanelRect& rect) {
    sweep.update(ctx);  // a sweep runs (and --sweep starts) whichever tab is shown
    if (!ctx.ab_request.empty()) ab.start_with(parse_knob_diffs(ctx.ab_request)), ctx.ab_request.clear();
    ab.update(ctx);     // run B follows A's view whichever tab is shown
    begin_panel("Analysis", "analysis", rect, ctx);
    if (ImGui::BeginTabBar("analysis_tabs")) {
      auto tab = [&](const char* label, const char* name, auto& panel) {
        const ImGuiTabItemFlags flags = ctx.tab_request == name ? ImGuiTabItemFlags_SetSelected : 0;
        if (ImGui::BeginTabItem(label, nullptr, flags)) {
          panel.draw(ctx);
          ImGui::EndTabItem();
        }
      };
      tab("Curves", "curves", curves);
      tab("Calibration", "calibration", calibration);
      tab("OOD", "ood", ood);
      tab("Control dataset", "control", control);
      tab("Stability", "stability", stability);
      tab("Sweep", "sweep", sweep);
      tab("A/B", "ab", ab);
      ImGui::EndTabBar();
    }
    ctx.tab_request.clear();
    ImGui::End();
  }
};

}  // namespace

int run_lab(const std::vector<std::string>& args) {
  cli::Args a = cli::parse_args(args, lab_options(), window_base_settings());
  if (a.help) {
    std::printf("%s", cli::usage("", "Opens the lab: live training of a JEM with its energy landscape, SGLD chains "
                                     "and curves.\nShortcuts: space play/pause, S step, R reset, F12 screenshot, Ctrl+Q quit.",
                                 lab_options())
                          .c_str());
    return 0;
  }
  const std::string shader_dir = find_resource_dir("shaders", option_or_empty(a, "shaders"), "JEMLAB_SHADERS");
  const std::string assets_dir = find_resource_dir("assets", option_or_empty(a, "assets"), "JEMLAB_ASSETS");
  const int frames = a.get_int("frames");
  FieldMode first_field = FieldMode::NegEnergy;
  if (!field_mode_from_key(a.get("field"), first_field))
    throw std::runtime_error("--field: '" + a.get("field") +
                             "' is not one of neg_energy, energy, density, chains_density, class_prob, class_logit");
  std::string first_tab = a.get("tab");
  const std::string chain_gif = option_or_empty(a, "chain-gif");
  if (!AnalysisTabs::is_tab(first_tab))
    throw std::runtime_error("--tab: '" + first_tab + "' is not one of curves, calibration, ood, control, stability, sweep, ab");
  const std::string screenshot = option_or_empty(a, "screenshot");
  // --sweep is checked before the window opens: a typo exits 2 with the reason, naming the knob.
  std::optional<SweepRequest> sweep_request;
  if (a.has("sweep")) sweep_request = parse_sweep_option(a.get("sweep"));
  const double frame_s = 1.0 / std::max(1.0, a.get_double("fps"));
  int win_w = 1600, win_h = 1000;
  std::sscanf(a.get("size").c_str(), "%dx%d", &win_w, &win_h);
  const float ui_scale_flag = float(a.get_double("ui-scale"));
  const std::string report = option_or_empty(a, "report");
  const int screenshot_every = std::max(0, a.get_int("screenshot-every"));
  const std::string metrics_csv = option_or_empty(a, "metrics-csv");
  // Headless capture writes no autosave unless --autosave names a file (tests, docs).
  std::string autosave = option_or_empty(a, "autosave");
  if (autosave.empty() && frames == 0)
    autosave = default_autosave_path(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
  const RestoreChoice restore_choice = a.has("restore-autosave") ? parse_restore_choice(a.get("restore-autosave"))
                                       : frames > 0                ? RestoreChoice::No
                                                                   : RestoreChoice::Ask;
  RestorePrompt restore(autosave, a.get_double("autosave-every"), restore_choice);

  LabContext ctx;
  ctx.export_dir = a.get("export-dir");
  ctx.presets = load_presets(assets_dir + "/presets", window_base_settings());
  Settings start = a.settings;
  if (!option_or_empty(a, "preset").empty()) {
    const Preset* p = find_preset(ctx.presets, option_or_empty(a, "preset"));
    if (!p) throw std::runtime_error("unknown preset '" + option_or_empty(a, "preset") + "' (see " + assets_dir + "/presets)");
    // Knob flags given with --preset apply on top of it.
    start = cli::parse_args(args, lab_options(), p->settings).settings;
    ctx.preset_name = p->name;
  } else if (start == window_base_settings() && find_preset(ctx.presets, "jem_default")) {
    ctx.preset_name = "jem_default";
  }
  if (sweep_request) {
    SweepPlan plan;
    std::string why;
    if (!make_sweep_plan(*sweep_request, start, plan, why)) throw std::runtime_error("--sweep: " + why);
  }
  // --ab: every difference is checked before the window opens (a bad knob exits 2 naming it).
  // A lesson preset with its own run B starts it too, on the A/B tab unless --tab names another.
  std::string ab_text = option_or_empty(a, "ab");
  if (const Preset* p = find_preset(ctx.presets, ctx.preset_name); ab_text.empty() && p && !p->ab.empty()) {
    ab_text = p->ab;
    if (first_tab == "curves") first_tab = "ab";
  }
  std::vector<KnobDiff> ab_diffs;
  if (!ab_text.empty()) {
    try {
      ab_diffs = parse_knob_diffs(ab_text);
      if (!is_toy2d(start.dataset))
        throw std::runtime_error("A/B compares 2D energy landscapes and A trains on '" + start.dataset + "'");
      settings_for_b(start, ab_diffs);
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("--ab: ") + e.what());
    }
  }

  // Mesa's software rasteriser (llvmpipe: Xvfb, VMs without a GPU) starts one thread per core,
  // and they fight the trainer's OpenMP team for the same cores: one is plenty for our panels
  // (measured: training 43-57 -> 74-76 it/s at the same frame rate). GPU drivers ignore it.
  setenv("LP_NUM_THREADS", "1", /*overwrite=*/0);
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) throw std::runtime_error("cannot initialise GLFW (no display? try xvfb-run -a)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  // --ui-scale stands for the monitor's scale: the window grows by it as GLFW would grow it.
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, ui_scale_flag > 0 ? GLFW_FALSE : GLFW_TRUE);
  const float size_scale = ui_scale_flag > 0 ? ui_scale_flag : 1.0f;
  GLFWwindow* window = glfwCreateWindow(int(std::lround(win_w * size_scale)), int(std::lround(win_h * size_scale)),
                                        "JEM Lab", nullptr, nullptr);
  if (!window) {
    const std::string offered = offered_gl_version();
    glfwTerminate();
    throw std::runtime_error("the lab needs an OpenGL 3.3 core profile context, which the driver refused; it offers " +
                             offered + gl_override_note() +
                             ". Update the graphics driver, or use Mesa's software renderer: LIBGL_ALWAYS_SOFTWARE=1");
  }
  glfwMakeContextCurrent(window);
  // The shaders are GLSL 3.30: one clear line instead of a compile log for each of them.
  std::string glsl_text;
  if (const int glsl = glsl_version(glsl_text); glsl > 0 && glsl < 330) {
    glfwDestroyWindow(window);
    glfwTerminate();
    throw std::runtime_error("the lab's shaders need GLSL 3.30 and the driver offers GLSL " + glsl_text +
                             gl_override_note() + ". Update the graphics driver");
  }
  glfwSwapInterval(1);  // vsync where there is one; the sleep below caps the rate where there is not
  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  ctx.ui_scale = ui_scale_flag > 0 ? ui_scale_flag : set_content_scale(xscale);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  setup_imgui_style(ctx.ui_scale);
  glfwSetKeyCallback(window, key_callback);  // before the backend, which chains to it
  glfwSetWindowContentScaleCallback(window, content_scale_callback);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int code = 0;
  {
    RunnerOptions runner_options;
    runner_options.start_running = !restore.runner_waits();  // a restore prompt comes first
    Runner runner(start, runner_options);
    ctx.runner = &runner;
    ctx.snap = runner.latest();
    LandscapePanel landscape(shader_dir);  // throws ShaderError with the file and GLSL log
    landscape.set_mode(first_field);
    ImagesPanel images;                    // in the landscape's place for image data
    ControlsPanel controls;
    AnalysisTabs analysis;
    analysis.ab.init(shader_dir);  // throws ShaderError like the landscape
    if (!ab_diffs.empty()) analysis.ab.start_with(ab_diffs);
    PresetsPanel presets;
    ctx.tab_request = first_tab;
    if (sweep_request) analysis.sweep.request(*sweep_request);
    ctx.replay_latest = a.has("replay-latest");
    restore.start(ctx);  // after everything that can throw: a failed start never autosaves

    int frame = 0, active_frames = 3;
    auto last = Clock::now(), fps_t0 = last;
    int fps_frames = 0;
    uint64_t seen_version = 0;
    std::string report_last;
    auto report_at = last;
    const double cpu0 = thread_cpu_s();
    while (!glfwWindowShouldClose(window)) {
      const auto frame_start = Clock::now();
      // Idle (paused, nothing moving, no input): block on events instead of drawing 60 frames a
      // second; a few frames after any wake-up let ImGui settle hover and release states.
      const bool busy = frames > 0 || ctx.snap->state == RunState::Running || landscape.animating() ||
                        ImGui::IsAnyItemActive() || ctx.snap->version != seen_version ||
                        analysis.sweep.busy() || analysis.ab.busy();
      seen_version = ctx.snap->version;
      if (busy || active_frames > 0) {
        glfwPollEvents();
        active_frames = std::max(0, active_frames - 1);
      } else {
        glfwWaitEventsTimeout(0.25);
        if (Clock::now() - frame_start < std::chrono::milliseconds(240)) active_frames = 3;
      }
      const auto now = Clock::now();
      ctx.frame_dt = std::chrono::duration<double>(now - last).count();
      last = now;
      ctx.snap = runner.latest();
      // Minimised (X11 keeps the size; other platforms report 0x0): nothing to draw, so wait for
      // events instead of spinning through frames nobody sees. Training and the report go on.
      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(window, &fb_w, &fb_h);
      glfwGetWindowSize(window, &ctx.window_w, &ctx.window_h);
      ctx.iconified = glfwGetWindowAttrib(window, GLFW_ICONIFIED) || fb_w <= 0 || fb_h <= 0;
      if (ctx.iconified) {
        if (!report.empty()) write_report(report, ctx, frame, false, report_last);
        glfwWaitEventsTimeout(0.25);
        active_frames = 3;
        continue;
      }
      ctx.chain_heads_px.clear();
      ctx.widget_rects.clear();

      // A new scale is applied between frames: the font atlas is rebuilt and uploaded again.
      if (const float scale = wanted_ui_scale(ctx.ui_scale, ui_scale_flag > 0, g_key_presses); scale > 0) {
        ctx.ui_scale = scale;
        setup_imgui_style(scale);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
      }
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      // Headless capture: Xvfb parks the pointer mid-screen; keep hover tooltips out of the image.
      if (frames > 0) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
      ImGui::NewFrame();
      handle_shortcuts(ctx);
      if (ctx.quit_request) glfwSetWindowShouldClose(window, GLFW_TRUE);
      if (frames > 0 && !chain_gif.empty()) {
        // Headless GIF: the chain starts off the data, so the animation shows it descending.
        if (frame == 0 && ctx.snap->data) {
          const Box b = ctx.snap->data->box;
          ctx.send(cmd::LaunchChain{b.x0 + 0.5f * b.width(), b.y0 + 0.1f * b.height(), -1, 1000});
        }
        if (frame == frames - 1) ctx.gif_request = chain_gif;
      }
      const ImVec2 display = ImGui::GetIO().DisplaySize;
      const Layout layout = compute_layout(display.x, display.y, ctx.ui_scale, ctx);
      controls.draw(ctx, layout.controls);
      if (ctx.snap->data && !ctx.snap->data->image_shape.empty()) images.draw(ctx, layout.landscape);
      else landscape.draw(ctx, layout.landscape);
      presets.draw(ctx, layout.presets);
      analysis.draw(ctx, layout.analysis);
      restore.draw(ctx);
      ImGui::Render();

      glfwGetFramebufferSize(window, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      glClearColor(0.09f, 0.09f, 0.11f, 1);  // the panels' background (they draw none)
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

      ++frame;
      // A --sweep capture shows the finished sweep: the frames are a minimum then.
      const bool last_frame = frames > 0 && frame >= frames && !analysis.sweep.busy();
      const float fb_scale = display.x > 0 ? fb_w / display.x : 1;
      if (last_frame && !screenshot.empty()) ctx.screenshot_request = screenshot;
      // --screenshot-every: a live view, rewritten in place (not an export: the list stays short).
      const bool live = screenshot_every > 0 && frame % screenshot_every == 0;
      const bool live_png = live && !screenshot.empty() && ctx.screenshot_request.empty();
      if (live_png) ctx.screenshot_request = screenshot;
      if (live && !metrics_csv.empty()) write_metrics_csv(metrics_csv, *ctx.snap);
      if (!ctx.screenshot_request.empty()) {
        // One panel's PNG: its rectangle, in framebuffer pixels.
        PanelRect crop;
        const auto it = ctx.panel_rects.find(ctx.screenshot_panel);
        if (it != ctx.panel_rects.end())
          crop = {it->second.x * fb_scale, it->second.y * fb_scale, it->second.w * fb_scale, it->second.h * fb_scale};
        if (write_png(ctx.screenshot_request, fb_w, fb_h, read_framebuffer(fb_w, fb_h), crop)) {
          if (crop.w <= 0) write_sidecar(ctx.screenshot_request, ctx, fb_scale);
          if (!live_png) {
            std::fprintf(stderr, "jemlab: wrote %s\n", ctx.screenshot_request.c_str());
            ctx.export_status = "wrote " + ctx.screenshot_request;
            ctx.exported.push_back(ctx.screenshot_request);
          }
        } else {
          ctx.export_status = "cannot write " + ctx.screenshot_request;
          if (last_frame) code = 1;
        }
        ctx.screenshot_request.clear();
        ctx.screenshot_panel.clear();
      }
      // Hidden tabs must not leave stale rectangles behind (the sidecar and the export list read them).
      ctx.last_panel_rects = std::move(ctx.panel_rects);
      ctx.panel_rects.clear();
      if (!report.empty() && std::chrono::duration<double>(Clock::now() - report_at).count() > 0.1) {
        write_report(report, ctx, frame, false, report_last);
        report_at = Clock::now();
      }
      glfwSwapBuffers(window);
      if (last_frame) break;

      ++fps_frames;
      const double fps_dt = std::chrono::duration<double>(Clock::now() - fps_t0).count();
      if (fps_dt >= 0.5) {
        ctx.fps = fps_frames / fps_dt;
        fps_frames = 0;
        fps_t0 = Clock::now();
      }
      std::this_thread::sleep_until(frame_start + std::chrono::duration<double>(frame_s));
    }
    if (frames > 0)
      std::fprintf(stderr, "jemlab: %d frames, %.1f fps, step %lld, %.1f it/s, %s, window thread %.1f ms CPU/frame\n",
                   frame, ctx.fps, static_cast<long long>(ctx.snap->step), ctx.snap->iters_per_s,
                   run_state_name(ctx.snap->state), (thread_cpu_s() - cpu0) * 1e3 / std::max(1, frame));
    if (!metrics_csv.empty()) write_metrics_csv(metrics_csv, *ctx.snap);
    if (!report.empty()) write_report(report, ctx, frame, true, report_last);
  }  // the runner stops (finishing its step) before the GL context goes away

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return code;
}

}  // namespace jem::window
