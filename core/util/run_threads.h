// How many CPU threads a run computes with: the `threads` knob where it is set; at 0 (automatic)
// every core, except that a process drawing a window keeps one core for it from the convolutional
// models. Their long parallel convolutions wait at a barrier whenever a frame preempts one of the
// threads, where the MLP's short steps gain from every core. Measured in the window on 2 cores
// (2026-12-06): the small CNN on `shapes` 22.6-23.7 it/s on one thread, 13.4-14.2 on two; the 2D
// default 85-88 it/s on one, 95-106 on two, 56 fps either way.
#pragma once
#include "core/params/settings.h"

namespace jem {

int run_threads(const Settings& s);
int run_threads(const Settings& s, unsigned cores, int reserved_cores);  // the rule itself (tests)

// Cores kept from the automatic thread counts of convolutional models (the window sets 1).
void reserve_cores_for_drawing(int n);

// Names the calling thread for top -H, perf and gdb (at most 15 characters are kept). Threads it
// starts, OpenMP's team included, inherit the name.
void name_this_thread(const char* name);

// Puts the calling thread at idle priority (Linux's SCHED_IDLE): it runs only on a core that
// no other thread wants, and yields it at once when one does. Threads it starts inherit it.
// False where the system has no such class.
bool run_this_thread_when_idle();

}  // namespace jem
