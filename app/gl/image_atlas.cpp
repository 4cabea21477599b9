#include "app/gl/image_atlas.h"

#include <cstdint>

#include "app/window/frame_damage.h"

namespace jem::gl {

ImageAtlas::~ImageAtlas() {
  if (tex_) glDeleteTextures(1, &tex_);
}

void ImageAtlas::upload(const ImageGrid& g) {
  n_ = g.n;
  if (g.n == 0) return;
  if (!tex_) glGenTextures(1, &tex_);
  glBindTexture(GL_TEXTURE_2D, tex_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // The images stacked vertically: each one's rows are contiguous in the grid already.
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, g.width, g.height * g.n, 0, GL_RGB, GL_UNSIGNED_BYTE, g.rgb.data());
  glBindTexture(GL_TEXTURE_2D, 0);
  window::note_content_changed(reinterpret_cast<const void*>(static_cast<intptr_t>(tex_)));  // redraw where shown
}

void ImageAtlas::uv(int i, float out[4]) const {
  out[0] = 0;
  out[1] = float(i) / float(n_);
  out[2] = 1;
  out[3] = float(i + 1) / float(n_);
}

}  // namespace jem::gl
