// Items of given widths laid out left to right in lines that wrap (a plot's title and legend
// entries inside its frame). ImGui-free, so the layout is unit-tested.
#pragma once
#include <vector>

namespace jem::plot {

struct FlowPlace {
  int line = 0;
  float x = 0;  // from the line's left end
};

// Item i is widths[i] wide and followed by gaps[i]; a line ends before an item that would reach
// past max_width, unless the item is the line's first (an item wider than a line gets its own).
inline std::vector<FlowPlace> flow_left_to_right(const std::vector<float>& widths, const std::vector<float>& gaps,
                                                 float max_width) {
  std::vector<FlowPlace> places;
  FlowPlace at;
  for (size_t i = 0; i < widths.size(); ++i) {
    if (at.x > 0 && at.x + widths[i] > max_width) at = FlowPlace{at.line + 1, 0};
    places.push_back(at);
    at.x += widths[i] + (i < gaps.size() ? gaps[i] : 0);
  }
  return places;
}

}  // namespace jem::plot
