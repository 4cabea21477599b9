// What every panel of one frame sees: the runner (to send commands), the snapshot being drawn,
// and window-wide facts. Panels never touch the trainer; they read `snap` and call runner.send().
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/panels/presets.h"
#include "core/runner/runner.h"

namespace jem::window {

struct PanelRect {
  float x = 0, y = 0, w = 0, h = 0;
};

struct LabContext {
  Runner* runner = nullptr;
  std::shared_ptr<const Snapshot> snap;  // one snapshot per frame, so all panels agree
  float ui_scale = 1;                    // HiDPI content scale
  double fps = 0;
  double frame_dt = 1.0 / 60;            // seconds since the previous frame
  std::vector<Preset> presets;
  std::string preset_name;
  std::string screenshot_request;        // set by F12 or the export button; the frame loop writes it
  std::string screenshot_panel;          // with screenshot_request: crop to this panel ("" = the window)
  std::string gif_request;               // path: the landscape panel writes the clicked chain's GIF
  std::string export_status;             // the last export's outcome, shown under the export buttons
  std::string export_dir = "exports";    // where F12 and the export buttons write (--export-dir)
  std::vector<std::string> exported;     // every file written this session, for the --report
  bool quit_request = false;             // Ctrl+Q
  // Presenter mode (P, --presenter): fonts 1.5x for a projector, the controls column narrow with
  // its knobs folded away; the landscape and the lesson text get the room.
  bool presenter = false;
  bool presenter_scaled = false;         // the UI scale carries presenter mode's factor
  std::string restore_question;          // the open "restore the autosaved session?" prompt ("" = none)
  bool iconified = false;                // minimised: the frame loop draws nothing
  int window_w = 0, window_h = 0;        // screen units, for the report
  int launch_clicks = 0;                 // chains launched by clicking the landscape
  Box view;                              // the landscape's visible data box
  std::string tab_request;               // analysis tab to bring to front this frame (--tab, tests)
  std::string current_tab = "curves";    // the analysis tab shown (a saved session keeps it)
  std::string session_request;           // path: "Save session" writes the session there this frame
  std::string ab_request;                // a lesson's run B ("k=v,..."): the A/B panel starts it next frame
  std::string sweep_request;             // a preset's sweep ("KNOB=v1,v2,..."): the Sweep panel starts it next frame
  // The flight chain picked in the stability tab, by rank (0: the largest step, as numbered on
  // the landscape); -1: none. The landscape overlay and the traces both highlight it.
  int flight_pick = -1;
  bool replay_latest = false;            // --replay-latest: replay each newest recorded iteration (tests)
  // Filled by panels for the capture's sidecar (tests locate what they check on the PNG).
  std::map<std::string, PanelRect> panel_rects;       // this frame's, cleared after each frame
  std::map<std::string, PanelRect> last_panel_rects;  // the previous frame's (the export combo lists them)
  std::map<std::string, PanelRect> overlay_rects;     // boxes drawn over the chains (legend, colour bar), this frame's
  std::map<std::string, PanelRect> widget_rects;      // buttons a test clicks (--report), this frame's
  std::vector<std::pair<float, float>> chain_heads_px;  // screen positions of drawn chain heads
  std::vector<std::pair<float, float>> class_centroids_px;  // mean data point of each class, on screen
  std::map<std::string, std::string> facts;  // panels' state for the sidecar and report (e.g. sweep_rows)

  // The Robustness tab was drawn last frame: a click on the landscape attacks the nearest test
  // point at attack_eps (instead of launching a chain), and the landscape draws the attack's path.
  bool attack_mode = false;
  double attack_eps = 0.3;
  // A/B's run B, while one runs (the Robustness tab plots both runs): its snapshot this frame and
  // its command queue; null otherwise.
  std::shared_ptr<const Snapshot> snap_b;
  std::function<void(Command)> send_b;

  // The landscape's last SetView: the A/B panel sends run B the same box and resolution.
  std::optional<cmd::SetView> view_sent;
  int view_sends = 0;
  // Run B of the A/B tab, for the capture's sidecar: its step (-1: no B), the difference map shown.
  int64_t ab_step = -1;
  bool ab_diff_shown = false;
  std::string ab_summary;

  void send(Command c) {
    if (const auto* v = std::get_if<cmd::SetView>(&c)) view_sent = *v, ++view_sends;
    runner->send(std::move(c));
  }
};

}  // namespace jem::window
