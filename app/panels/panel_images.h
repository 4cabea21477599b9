// The image-data view, in place of the landscape when the data are images: the replay buffer
// as a grid of tiles (framed by class slot, age since reinit, or the model's prediction), the
// SGLD film strip of one chain of the last iteration, fresh class-conditional samples on demand,
// and some training images for comparison.
#pragma once
#include <imgui.h>

#include <memory>

#include "app/gl/image_atlas.h"
#include "app/window/lab_context.h"

namespace jem::window {

class ImagesPanel {
 public:
  void draw(LabContext& ctx, const PanelRect& rect);

 private:
  enum class Frame { Slot, Age, Prediction };
  void sync_textures(const Snapshot& s);
  void draw_toolbar(LabContext& ctx);
  void draw_buffer_grid(LabContext& ctx, ImDrawList* dl, ImVec2 origin, float side);
  void draw_side_column(LabContext& ctx, ImDrawList* dl, float x, float y, float w, float bottom);

  gl::ImageAtlas buffer_, film_, samples_, data_;
  std::shared_ptr<const BufferView> buffer_src_;
  std::shared_ptr<const Trajectories> film_src_;
  std::shared_ptr<const ImageGrid> samples_src_;
  std::shared_ptr<const DataView> data_src_;
  Frame frame_ = Frame::Slot;
  int sample_steps_ = 100;
};

}  // namespace jem::window
