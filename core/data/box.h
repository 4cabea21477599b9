// An axis-aligned rectangle in data space: the data box, a view box.
#pragma once

namespace jem {

struct Box {
  float x0 = -3, x1 = 3, y0 = -3, y1 = 3;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool operator==(const Box& o) const { return x0 == o.x0 && x1 == o.x1 && y0 == o.y0 && y1 == o.y1; }
};

}  // namespace jem
