// A set of small images (an ImageGrid) packed side by side in one RGB texture, so that a panel
// shows 64 buffer samples with one upload and draws each as an ImGui image with its own UVs.
#pragma once
#include <epoxy/gl.h>

#include "core/jem/views.h"

namespace jem::gl {

class ImageAtlas {
 public:
  ImageAtlas() = default;
  ~ImageAtlas();
  ImageAtlas(const ImageAtlas&) = delete;
  ImageAtlas& operator=(const ImageAtlas&) = delete;

  void upload(const ImageGrid& g);  // nearest filtering: pixels stay crisp when scaled up
  bool empty() const { return n_ == 0; }
  int count() const { return n_; }
  GLuint texture() const { return tex_; }
  // Texture coordinates of image i: u0, v0, u1, v1.
  void uv(int i, float out[4]) const;

 private:
  GLuint tex_ = 0;
  int n_ = 0;
};

}  // namespace jem::gl
