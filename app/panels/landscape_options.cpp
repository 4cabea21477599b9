// The landscape's shown options and view as a session keeps them (app/window/session_file.h).
#include "app/panels/panel_landscape.h"

namespace jem::window {

LandscapeOptions LandscapePanel::options() const {
  LandscapeOptions o;
  o.field = field_mode_key(mode_);
  o.log = log_scale_;
  o.colormap = plot::colormap_name(style_.colormap);
  o.contours = style_.contours;
  o.boundary = style_.boundaries;
  o.tint = style_.tint > 0;
  o.data = show_data_, o.buffer = show_buffer_, o.drift = show_drift_;
  return o;
}

void LandscapePanel::set_options(const LandscapeOptions& o) {
  field_mode_from_key(o.field, mode_);  // an unknown key keeps the current mode
  log_scale_ = o.log;
  for (int c = 0; c < plot::kColormapCount; ++c)
    if (o.colormap == plot::colormap_name(plot::Colormap(c))) style_.colormap = plot::Colormap(c);
  style_.contours = o.contours;
  style_.boundaries = o.boundary;
  style_.tint = o.tint ? 0.25f : 0.0f;
  show_data_ = o.data, show_buffer_ = o.buffer, show_drift_ = o.drift;
}

void LandscapePanel::set_view(const Box& b) {
  cx_ = (b.x0 + b.x1) / 2, cy_ = (b.y0 + b.y1) / 2, half_h_ = b.height() / 2;
  view_init_ = true;  // the data's default view no longer applies
}

}  // namespace jem::window
