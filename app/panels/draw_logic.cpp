#include "app/panels/draw_logic.h"

#include <algorithm>
#include <cmath>

#include "core/data/points_csv.h"
#include "core/util/error.h"

namespace jem::window {
namespace {
constexpr size_t kUndoDepth = 64;
}

void DrawnPoints::begin_stroke() {
  if (in_stroke_) return;
  undo_.push_back({xy_, label_});
  if (undo_.size() > kUndoDepth) undo_.erase(undo_.begin());
  in_stroke_ = true;
}

void DrawnPoints::paint(float x, float y) {
  if (!in_stroke_) begin_stroke();
  ++revision_;
  if (erase) {
    size_t kept = 0;
    for (size_t i = 0; i < label_.size(); ++i) {
      if (std::hypot(xy_[2 * i] - x, xy_[2 * i + 1] - y) <= radius) continue;
      xy_[2 * kept] = xy_[2 * i], xy_[2 * kept + 1] = xy_[2 * i + 1], label_[kept] = label_[i];
      ++kept;
    }
    xy_.resize(2 * kept), label_.resize(kept);
    return;
  }
  std::uniform_real_distribution<float> u(0, 1);
  for (int k = 0; k < density && label_.size() < kMaxPoints; ++k) {
    const float r = radius * std::sqrt(u(rng_)), a = 6.2831853f * u(rng_);  // uniform in the disc
    xy_.push_back(x + r * std::cos(a)), xy_.push_back(y + r * std::sin(a));
    label_.push_back(brush_class);
  }
}

void DrawnPoints::end_stroke() { in_stroke_ = false; }

void DrawnPoints::undo() {
  if (undo_.empty()) return;
  xy_ = std::move(undo_.back().xy), label_ = std::move(undo_.back().label);
  ++revision_;
  undo_.pop_back();
  in_stroke_ = false;
}

void DrawnPoints::clear() {
  if (label_.empty()) return;
  begin_stroke();
  xy_.clear(), label_.clear();
  ++revision_;
  end_stroke();
}

int DrawnPoints::n_classes() const { return label_.empty() ? 0 : 1 + *std::max_element(label_.begin(), label_.end()); }

std::string DrawnPoints::csv() const { return points_csv_text(xy_, label_); }

const std::string& DrawnPoints::not_ready() const {
  if (checked_revision_ == revision_) return not_ready_;
  checked_revision_ = revision_;
  not_ready_.clear();
  try {
    parse_points_csv(csv(), "drawn points");
  } catch (const Error& e) {
    not_ready_ = e.what();
  }
  return not_ready_;
}

}  // namespace jem::window
