// Draws the energy landscape (field.frag) and point clouds (points.vert/frag) into the current
// framebuffer. Data-space coordinates throughout: pan and zoom only change the u_view uniform.
#pragma once
#include <epoxy/gl.h>

#include <string>
#include <vector>

#include "app/gl/shader.h"
#include "app/plot/colormap.h"
#include "core/data/box.h"

namespace jem::gl {

struct FieldStyle {
  float lo = 0, hi = 1;
  int contours = 10;
  float tint = 0.25f;
  bool boundaries = true;
  plot::Colormap colormap = plot::Colormap::Viridis;
};

class FieldRenderer {
 public:
  explicit FieldRenderer(const std::string& shader_dir);
  ~FieldRenderer();
  FieldRenderer(const FieldRenderer&) = delete;
  FieldRenderer& operator=(const FieldRenderer&) = delete;

  // The scalar (res*res) and the logits (res*res*K, class innermost), as FieldGrid lays them out.
  void upload_field(const Box& box, int res, const std::vector<float>& scalar, const std::vector<float>& logits,
                    int n_classes);
  void draw_field(const Box& view, const FieldStyle& style);

  // Points with RGBA colours in 0..1 (xy: [N*2], rgba: [N*4]); `slot` picks one of a few buffers.
  void upload_points(int slot, const std::vector<float>& xy, const std::vector<float>& rgba);
  void draw_points(int slot, const Box& view, float size_px);

  static constexpr int kPointSlots = 3;

 private:
  void set_lut(plot::Colormap c);

  ShaderProgram field_prog_, point_prog_;
  GLuint empty_vao_ = 0;
  GLuint scalar_tex_ = 0, logits_tex_ = 0, lut_tex_ = 0;
  Box field_box_;
  int n_classes_ = 0;
  bool have_field_ = false;
  int lut_ = -1;
  struct Cloud {
    GLuint vao = 0, vbo_pos = 0, vbo_col = 0;
    int n = 0;
  } clouds_[kPointSlots];
};

}  // namespace jem::gl
