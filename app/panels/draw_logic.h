// Draw a dataset: a brush per class drops points in a disc around the pointer, an eraser removes
// them, every stroke can be undone (clear too). The points become the training data through the
// csv format (core/data/points_csv.h). No ImGui here: unit-tested.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace jem::window {

class DrawnPoints {
 public:
  int brush_class = 0;
  float radius = 0.15f;   // data units
  int density = 4;        // points dropped per brush sample
  bool erase = false;

  void begin_stroke();
  // One brush sample at (x, y): `density` points uniform in the disc, or the points inside it erased.
  void paint(float x, float y);
  void end_stroke();
  void undo();   // the last stroke (or clear) taken back
  void clear();  // undoable

  size_t size() const { return label_.size(); }
  const std::vector<float>& xy() const { return xy_; }
  const std::vector<int>& labels() const { return label_; }
  int n_classes() const;  // 1 + the largest label drawn (0 when empty)
  bool can_undo() const { return !undo_.empty(); }
  std::string csv() const;  // x0,x1,label rows with a header
  // Why these points cannot train yet ("" when they can): too few, or a class left out. The
  // reader's own check, run once per change (the toolbar asks every frame).
  const std::string& not_ready() const;

 private:
  struct Snapshot {
    std::vector<float> xy;
    std::vector<int> label;
  };
  std::vector<float> xy_;
  std::vector<int> label_;
  std::vector<Snapshot> undo_;  // the points before each stroke (bounded)
  bool in_stroke_ = false;
  uint64_t revision_ = 0;  // bumped by every change of the points
  mutable uint64_t checked_revision_ = ~uint64_t(0);
  mutable std::string not_ready_;
  std::mt19937 rng_{12345};
};

}  // namespace jem::window
