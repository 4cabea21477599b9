// The frame-rate cap as a schedule rather than a sleep per frame. Each frame is due one period
// after the previous one was due, so a frame that ran long (the landscape's field pass costs
// ~20 ms on llvmpipe, five times a second) is made up by the next one starting at once, and the
// rate reaches the cap whenever frames cost less than a period on average. At most two periods of
// lateness are made up (a frame of up to three periods, wholly): after a longer stall (idle
// waits, a slow machine) the schedule restarts, so at most three frames come without a pause.
#pragma once
#include <algorithm>
#include <chrono>

namespace jem::window {

template <class TimePoint, class Duration>
TimePoint next_frame_due(TimePoint previous_due, TimePoint frame_start, Duration period) {
  return std::max(previous_due + period, frame_start - period);
}

}  // namespace jem::window
