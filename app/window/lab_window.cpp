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
#include "app/cli/stop_signal.h"
#include "app/window/exit_guard.h"
#include "app/window/frame_hooks.h"
#include "app/window/frame_render.h"
#include "app/window/gl_driver_isolation.h"
#include "app/window/lab_options.h"
#include "app/panels/ab_logic.h"
#include "app/widgets/widgets.h"
#include "app/panels/panel_knobs.h"
#include "app/panels/panel_images.h"
#include "app/panels/panel_landscape.h"
#include "app/panels/panel_presets.h"
#include "app/window/analysis_tabs.h"
#include "app/window/session_file.h"
#include "core/data/points_csv.h"
#include "core/util/atomic_file.h"
#include "app/window/resource_paths.h"
#include "app/window/ui_scale.h"
#include "core/data/dataset_names.h"
#include "core/util/run_threads.h"
#include "app/window/restore_prompt.h"
#include "app/window/screenshot.h"

namespace jem::window {
namespace {


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
  float left = ctx.presenter ? std::clamp(w * 0.17f, 200 * scale, 300 * scale)  // knobs folded away
                             : std::clamp(w * 0.24f, 300 * scale, 420 * scale);
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

// Key presses since the last frame, from GLFW's callback (ImGui's backend chains to it). ImGui
// 1.86 samples key state once a frame, so a tap shorter than a frame (xdotool, a fast typist, an
// idle window woken by the press) never shows up in IsKeyPressed; the callback sees every one.
std::vector<std::pair<int, int>> g_key_presses;  // (GLFW key, modifier bits)
void key_callback(GLFWwindow*, int key, int, int action, int mods) {
  if (action == GLFW_PRESS) g_key_presses.emplace_back(key, mods);
}

// The window's pixels were lost (uncovered, say) and must be shown again whole: the renderer
// otherwise shows only what changed (frame_render.h).
bool g_window_exposed = false;
void refresh_callback(GLFWwindow*) { g_window_exposed = true; }

void handle_shortcuts(LabContext& ctx) {
  const bool typing = ImGui::GetIO().WantTextInput;
  const Snapshot& s = *ctx.snap;
  for (const auto& [key, mods] : g_key_presses) {
    if (key == GLFW_KEY_Q && (mods & GLFW_MOD_CONTROL)) ctx.quit_request = true;
    if (typing || (mods & (GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER))) continue;
    if (key == GLFW_KEY_F12) ctx.screenshot_request = export_path(ctx, "screenshot", "png");
    if (key == GLFW_KEY_P) ctx.presenter = !ctx.presenter;
    if (!ctx.restore_question.empty()) continue;  // the restore prompt comes first
    if (key == GLFW_KEY_SPACE) ctx.send(transport_command(Transport::PlayPause, s));
    if (key == GLFW_KEY_S) ctx.send(transport_command(Transport::Step, s));
    if (key == GLFW_KEY_R) ctx.send(transport_command(Transport::Reset, s));
  }
  g_key_presses.clear();
}

// GLFW, the GL 3.3 core context and ImGui; throws with what the driver offers when it cannot.
GLFWwindow* open_window(const LabOptions& o, LabContext& ctx) {
  draw_llvmpipe_on_the_context_thread();  // no rasteriser threads: their fences race (gl_driver_isolation.h)
  isolate_gl_driver_from_torch();
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) throw std::runtime_error("cannot initialise GLFW (no display? try xvfb-run -a)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  // --ui-scale stands for the monitor's scale: the window grows by it as GLFW would grow it.
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, o.ui_scale > 0 ? GLFW_FALSE : GLFW_TRUE);
  const float size_scale = o.ui_scale > 0 ? o.ui_scale : 1.0f;
  GLFWwindow* window = glfwCreateWindow(int(std::lround(o.win_w * size_scale)), int(std::lround(o.win_h * size_scale)),
                                        "JEM Lab", nullptr, nullptr);
  if (!window) {
    const std::string offered = offered_gl_version();
    glfwTerminate();
    throw std::runtime_error("the lab needs an OpenGL 3.3 core profile context, which the driver refused; it offers " +
                             offered + gl_override_note() +
                             ". Update the graphics driver, or use Mesa's software renderer: LIBGL_ALWAYS_SOFTWARE=1");
  }
  glfwMakeContextCurrent(window);
  warn_of_llvmpipe_threads();
  // The shaders are GLSL 3.30: one clear line instead of a compile log for each of them.
  std::string glsl_text;
  if (const int glsl = glsl_version(glsl_text); glsl > 0 && glsl < 330) {
    glfwDestroyWindow(window);
    glfwTerminate();
    throw std::runtime_error("the lab's shaders need GLSL 3.30 and the driver offers GLSL " + glsl_text +
                             gl_override_note() + ". Update the graphics driver");
  }
  glfwSwapInterval(1);  // vsync where there is one; the frame pacing caps the rate where there is not
  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  ctx.ui_scale = o.ui_scale > 0 ? o.ui_scale : set_content_scale(xscale);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  setup_imgui_style(ctx.ui_scale);
  glfwSetKeyCallback(window, key_callback);  // before the backend, which chains to it
  glfwSetWindowContentScaleCallback(window, content_scale_callback);
  glfwSetWindowRefreshCallback(window, refresh_callback);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  return window;
}

void close_window(GLFWwindow* window) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
}

// Every panel, in its place in the layout.
struct Panels {
  explicit Panels(const LabOptions& o) : landscape(o.shader_dir) {  // throws ShaderError with the file and GLSL log
    landscape.set_mode(o.first_field);
    landscape.set_drift(o.show_drift);
    if (o.from_session) landscape.set_options(o.landscape);
    if (o.session_view) landscape.set_view(*o.session_view);
    analysis.ood.set_split(o.ood_split);
    analysis.ab.init(o.shader_dir);
    if (!o.ab_diffs.empty()) analysis.ab.start_with(o.ab_diffs);
    if (o.sweep) analysis.sweep.request(*o.sweep);
  }
  bool busy() const { return landscape.animating() || analysis.sweep.busy() || analysis.ab.busy(); }
  void draw(LabContext& ctx) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const Layout layout = compute_layout(display.x, display.y, ctx.ui_scale, ctx);
    controls.draw(ctx, layout.controls);
    if (ctx.snap->data && !ctx.snap->data->image_shape.empty()) images.draw(ctx, layout.landscape);
    else landscape.draw(ctx, layout.landscape);
    presets.draw(ctx, layout.presets);
    analysis.draw(ctx, layout.analysis);
    if (!ctx.session_request.empty()) {
      try {
        save_session(ctx, ctx.session_request);
        ctx.export_status = "wrote " + ctx.session_request;
        ctx.exported.push_back(ctx.session_request);
      } catch (const std::exception& e) {
        ctx.export_status = e.what();
      }
      ctx.session_request.clear();
    }
  }
  // "Save session" (and --save-session): the knobs, the data (a csv run's points embedded), the
  // view, the landscape's options, the tab shown and the lesson's text.
  void save_session(const LabContext& ctx, const std::string& path) const {
    Session s;
    s.settings = ctx.snap->settings;
    if (s.settings.dataset == "csv") {
      PointsTable p = read_points_csv(s.settings.data_file);
      s.points_xy = std::move(p.xy), s.points_label = std::move(p.label);
    }
    if (!ctx.snap->data || ctx.snap->data->image_shape.empty()) s.view = ctx.view;
    s.landscape = landscape.options();
    s.tab = ctx.current_tab;
    if (const Preset* p = find_preset(ctx.presets, ctx.preset_name)) {
      s.preset = p->name == "session" ? "" : p->name;
      s.title = p->title, s.description = p->description, s.look = p->look, s.try_this = p->try_this;
    }
    write_file_atomically(path, session_json(s));
  }
  LandscapePanel landscape;
  ImagesPanel images;  // in the landscape's place for image data
  KnobsPanel controls;
  AnalysisTabs analysis;
  PresetsPanel presets;
};

// Headless capture's scripted input: a chain launched off the data (the GIF shows it descending).
void headless_input(const LabOptions& o, LabContext& ctx, int frame) {
  if (o.frames <= 0) return;
  ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // Xvfb parks the pointer mid-screen: no tooltips
  if (o.chain_gif.empty()) return;
  if (frame == 0 && ctx.snap->data) {
    const Box b = ctx.snap->data->box;
    ctx.send(cmd::LaunchChain{b.x0 + 0.5f * b.width(), b.y0 + 0.1f * b.height(), -1, 1000});
  }
  if (frame == o.frames - 1) ctx.gif_request = o.chain_gif;
}

// Minimised (X11 keeps the size; other platforms report 0x0): nothing to draw.
bool minimised(GLFWwindow* window, LabContext& ctx) {
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  glfwGetWindowSize(window, &ctx.window_w, &ctx.window_h);
  ctx.iconified = glfwGetWindowAttrib(window, GLFW_ICONIFIED) || fb_w <= 0 || fb_h <= 0;
  return ctx.iconified;
}

constexpr float kPresenterScale = 1.5f;

// A new scale is applied between frames: the font atlas is rebuilt and uploaded again.
bool apply_ui_scale(const LabOptions& o, LabContext& ctx) {
  float scale = wanted_ui_scale(ctx.ui_scale, o.ui_scale > 0, g_key_presses);
  if (ctx.presenter != ctx.presenter_scaled) {  // presenter mode on or off: fonts 1.5x or back
    scale = (scale > 0 ? scale : ctx.ui_scale) * (ctx.presenter ? kPresenterScale : 1 / kPresenterScale);
    ctx.presenter_scaled = ctx.presenter;
  }
  if (scale > 0) {
    ctx.ui_scale = scale;
    setup_imgui_style(scale);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  return scale > 0;
}

// The lab's frames until the window closes or a headless capture is done: poll, update, draw,
// render, capture, present. Returns the exit code.
int frame_loop(GLFWwindow* window, const LabOptions& o, LabContext& ctx, Runner& runner, Panels& panels,
               RestorePrompt& restore) {
  FramePacer pacer(o.frame_s);
  FrameRenderer renderer({o.full_redraw, o.check_damage, o.swap_frames, o.layout_delay_ms});
  Capture capture(o);
  restore.start(ctx);  // after everything that can throw: a failed start never autosaves
  int frame = 0, code = 0;
  uint64_t seen_version = 0;
  cli::StopSignals signals;  // SIGTERM, Ctrl-C: closed as by Ctrl+Q (the autosave is written)
  const double cpu0 = thread_cpu_s();
  constexpr int kSettled = 60;  // whole-run means count from this frame on (start-up left out)
  Clock::time_point settled_at;
  int64_t settled_step = 0;
  while (!glfwWindowShouldClose(window)) {
    const bool busy = o.frames > 0 || ctx.snap->state == RunState::Running || panels.busy() ||
                      ImGui::IsAnyItemActive() || ctx.snap->version != seen_version;
    seen_version = ctx.snap->version;
    pacer.wait_for_events(busy);
    ctx.frame_dt = pacer.dt();
    ctx.snap = runner.latest();
    if (signals.caught()) break;
    if (minimised(window, ctx)) {  // training and the report go on
      capture.minimised(ctx, frame);
      glfwWaitEventsTimeout(0.25);
      pacer.wake();
      continue;
    }
    ctx.chain_heads_px.clear();
    ctx.widget_rects.clear();
    ctx.overlay_rects.clear();
    if (apply_ui_scale(o, ctx)) renderer.invalidate();  // a new font texture
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    headless_input(o, ctx, frame);
    ImGui::NewFrame();
    handle_shortcuts(ctx);
    if (ctx.quit_request) glfwSetWindowShouldClose(window, GLFW_TRUE);
    panels.draw(ctx);
    restore.draw(ctx);
    renderer.render(window);
    if (++frame == kSettled) settled_at = Clock::now(), settled_step = ctx.snap->step;
    // A --sweep capture shows the finished sweep: the frames are a minimum then.
    const bool last_frame = o.frames > 0 && frame >= o.frames && !panels.analysis.sweep.busy();
    const int fb_w = renderer.frame_width(), fb_h = renderer.frame_height();
    const float display_w = ImGui::GetIO().DisplaySize.x, fb_scale = display_w > 0 ? fb_w / display_w : 1;
    if (!capture.after_render(ctx, frame, last_frame, fb_w, fb_h, fb_scale, [&] { return renderer.frame_rgba(); })) code = 1;
    if (last_frame && !o.save_session.empty()) panels.save_session(ctx, o.save_session);
    if (g_window_exposed) renderer.window_exposed(), g_window_exposed = false;
    renderer.present(window);
    if (last_frame) break;
    pacer.end_frame(ctx);
  }
  const double settled_s = frame > kSettled ? std::chrono::duration<double>(Clock::now() - settled_at).count() : 0;
  const int trainer_threads = run_threads(ctx.snap->settings);
  if (o.frames > 0)
    std::fprintf(stderr, "jemlab: %d frames, %.1f fps, step %lld, %.1f it/s, %s, %d trainer thread%s, window thread %.1f ms "
                 "CPU/frame, %.0f %% of the frame redrawn; from frame %d on: %.1f fps, %.1f it/s\n", frame, ctx.fps,
                 static_cast<long long>(ctx.snap->step), ctx.snap->iters_per_s, run_state_name(ctx.snap->state),
                 trainer_threads, trainer_threads == 1 ? "" : "s",
                 (thread_cpu_s() - cpu0) * 1e3 / std::max(1, frame), 100 * renderer.mean_damaged_fraction(), kSettled,
                 settled_s > 0 ? (frame - kSettled) / settled_s : 0.0,
                 settled_s > 0 ? double(ctx.snap->step - settled_step) / settled_s : 0.0);
  if (o.check_damage && !renderer.report_check()) code = 1;
  if (signals.caught()) std::fprintf(stderr, "jemlab: %s: the window closes\n", signals.what()), code = signals.exit_code();
  capture.finish(ctx, frame);
  return code;
}

}  // namespace

// As Dear ImGui's example: options, then set-up, the frame loop, clean-up.
int run_lab(const std::vector<std::string>& args) {
  const std::optional<LabOptions> o = parse_lab_options(args);
  if (!o) return 0;  // --help
  LabContext ctx;
  ctx.export_dir = o->export_dir;
  ctx.presets = o->presets;
  ctx.preset_name = o->preset_name;
  ctx.tab_request = o->first_tab;
  ctx.replay_latest = o->replay_latest;
  ctx.presenter = o->presenter;
  RestorePrompt restore(o->autosave, o->autosave_every_s, o->restore);  // peeks at the autosave
  GLFWwindow* window = open_window(*o, ctx);
  int code = 0;
  {
    reserve_cores_for_drawing(1);  // image models leave a core to the frames (run_threads.h)
    RunnerOptions runner_options;
    runner_options.start_running = !restore.runner_waits();  // a restore prompt comes first
    Runner runner(o->start, runner_options);
    ExitGuard exit_guard(runner);
    ctx.runner = &runner;
    ctx.snap = runner.latest();
    Panels panels(*o);
    code = frame_loop(window, *o, ctx, runner, panels, restore);
  }  // the runner stops (finishing its step) before the GL context goes away
  close_window(window);
  return code;
}

}  // namespace jem::window
