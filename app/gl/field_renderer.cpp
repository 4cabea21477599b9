#include "app/gl/field_renderer.h"

#include <algorithm>

namespace jem::gl {
namespace {

void set_texture_params(GLenum target, GLint filter) {
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

}  // namespace

FieldRenderer::FieldRenderer(const std::string& shader_dir)
    : field_prog_(shader_dir, "view_quad.vert", "field.frag"), point_prog_(shader_dir, "points.vert", "points.frag") {
  glGenVertexArrays(1, &empty_vao_);  // core profile: a draw needs a bound VAO even without attributes
  glGenTextures(1, &scalar_tex_);
  glGenTextures(1, &logits_tex_);
  glGenTextures(1, &lut_tex_);
  glBindTexture(GL_TEXTURE_2D, scalar_tex_);
  set_texture_params(GL_TEXTURE_2D, GL_LINEAR);
  glBindTexture(GL_TEXTURE_2D_ARRAY, logits_tex_);
  set_texture_params(GL_TEXTURE_2D_ARRAY, GL_LINEAR);
  glBindTexture(GL_TEXTURE_2D, lut_tex_);
  set_texture_params(GL_TEXTURE_2D, GL_LINEAR);
  for (Cloud& c : clouds_) {
    glGenVertexArrays(1, &c.vao);
    glGenBuffers(1, &c.vbo_pos);
    glGenBuffers(1, &c.vbo_col);
    glBindVertexArray(c.vao);
    glBindBuffer(GL_ARRAY_BUFFER, c.vbo_pos);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glBindBuffer(GL_ARRAY_BUFFER, c.vbo_col);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, 0, nullptr);
  }
  glBindVertexArray(0);
}

FieldRenderer::~FieldRenderer() {
  for (Cloud& c : clouds_) {
    glDeleteVertexArrays(1, &c.vao);
    glDeleteBuffers(1, &c.vbo_pos);
    glDeleteBuffers(1, &c.vbo_col);
  }
  glDeleteVertexArrays(1, &empty_vao_);
  GLuint tex[] = {scalar_tex_, logits_tex_, lut_tex_};
  glDeleteTextures(3, tex);
}

void FieldRenderer::upload_field(const Box& box, int res, const std::vector<float>& scalar,
                                 const std::vector<float>& logits, int n_classes) {
  const size_t cells = size_t(res) * res;
  if (res <= 0 || scalar.size() < cells) return;
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glBindTexture(GL_TEXTURE_2D, scalar_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, res, res, 0, GL_RED, GL_FLOAT, scalar.data());
  // Logits regrouped 4 classes per layer; missing channels stay at -inf-like so they never win.
  n_classes_ = logits.size() >= cells * n_classes ? std::min(n_classes, 16) : 0;
  const int layers = std::max(1, (n_classes_ + 3) / 4);
  std::vector<float> packed(size_t(layers) * cells * 4, -1e30f);
  for (size_t i = 0; i < cells && n_classes_ > 0; ++i)
    for (int k = 0; k < n_classes_; ++k) packed[(size_t(k / 4) * cells + i) * 4 + k % 4] = logits[i * n_classes + k];
  glBindTexture(GL_TEXTURE_2D_ARRAY, logits_tex_);
  glTexImage3D(GL_TEXTURE_2D_ARRAY, 0, GL_RGBA32F, res, res, layers, 0, GL_RGBA, GL_FLOAT, packed.data());
  field_box_ = box;
  have_field_ = true;
}

void FieldRenderer::set_lut(plot::Colormap c) {
  if (lut_ == static_cast<int>(c)) return;
  const plot::ColorLut& lut = plot::colormap_lut(c);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glBindTexture(GL_TEXTURE_2D, lut_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, 256, 1, 0, GL_RGB, GL_UNSIGNED_BYTE, lut.data());
  lut_ = static_cast<int>(c);
}

void FieldRenderer::draw_field(const Box& view, const FieldStyle& style) {
  const float bg[3] = {0.13f, 0.13f, 0.15f};
  glClearColor(bg[0], bg[1], bg[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (!have_field_) return;
  set_lut(style.colormap);
  glDisable(GL_BLEND);
  field_prog_.use();
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, scalar_tex_);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D_ARRAY, logits_tex_);
  glActiveTexture(GL_TEXTURE2);
  glBindTexture(GL_TEXTURE_2D, lut_tex_);
  glActiveTexture(GL_TEXTURE0);
  glUniform1i(field_prog_.uniform("u_scalar"), 0);
  glUniform1i(field_prog_.uniform("u_logits"), 1);
  glUniform1i(field_prog_.uniform("u_lut"), 2);
  glUniform4f(field_prog_.uniform("u_view"), view.x0, view.y0, view.x1, view.y1);
  glUniform4f(field_prog_.uniform("u_field_box"), field_box_.x0, field_box_.y0, field_box_.x1, field_box_.y1);
  glUniform2f(field_prog_.uniform("u_range"), style.lo, style.hi > style.lo ? style.hi : style.lo + 1e-6f);
  glUniform1i(field_prog_.uniform("u_contours"), style.contours);
  glUniform1i(field_prog_.uniform("u_n_classes"), n_classes_);
  glUniform1f(field_prog_.uniform("u_tint"), style.tint);
  glUniform1i(field_prog_.uniform("u_boundaries"), style.boundaries ? 1 : 0);
  float colors[16 * 3];
  for (int k = 0; k < 16; ++k) plot::class_rgb(k, &colors[k * 3]);
  glUniform3fv(field_prog_.uniform("u_class_colors"), 16, colors);
  glUniform3f(field_prog_.uniform("u_background"), bg[0], bg[1], bg[2]);
  glBindVertexArray(empty_vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
}

void FieldRenderer::upload_points(int slot, const std::vector<float>& xy, const std::vector<float>& rgba) {
  Cloud& c = clouds_[std::clamp(slot, 0, kPointSlots - 1)];
  c.n = static_cast<int>(std::min(xy.size() / 2, rgba.size() / 4));
  glBindBuffer(GL_ARRAY_BUFFER, c.vbo_pos);
  glBufferData(GL_ARRAY_BUFFER, c.n * 2 * sizeof(float), xy.data(), GL_DYNAMIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, c.vbo_col);
  glBufferData(GL_ARRAY_BUFFER, c.n * 4 * sizeof(float), rgba.data(), GL_DYNAMIC_DRAW);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void FieldRenderer::draw_points(int slot, const Box& view, float size_px) {
  Cloud& c = clouds_[std::clamp(slot, 0, kPointSlots - 1)];
  if (c.n == 0) return;
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glEnable(GL_PROGRAM_POINT_SIZE);
  point_prog_.use();
  glUniform4f(point_prog_.uniform("u_view"), view.x0, view.y0, view.x1, view.y1);
  glUniform1f(point_prog_.uniform("u_size"), size_px);
  glBindVertexArray(c.vao);
  glDrawArrays(GL_POINTS, 0, c.n);
  glBindVertexArray(0);
  glDisable(GL_PROGRAM_POINT_SIZE);
  glDisable(GL_BLEND);
}

}  // namespace jem::gl
