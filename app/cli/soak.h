// `jemlab bench --soak MINUTES`: trains inside the Runner with the window's traffic (60 Hz snapshot
// reads, pans, launched chains, autosaves) and watches the process for leaks and NaNs.
#pragma once
#include <string>

#include "core/params/settings.h"

namespace jem::cli {

struct SoakOptions {
  double minutes = 1;
  double every_s = 10;        // one report line (and CSV row) this often
  std::string csv;            // t_s,step,rss_mb,fds,threads,history_mb,timeline_mb,nan ("" = none)
  double max_growth_mb = 64;  // RSS growth after warm-up, beyond the history's and timeline's, that fails
};

// Process figures from /proc/self.
struct ProcFigures {
  double rss_mb = 0;
  int fds = 0, threads = 0;
};
ProcFigures read_proc_figures();

// Prints the report lines and a summary; returns 0, or 1 if RSS grew, fds or threads grew, a NaN
// was published or training stopped.
int run_soak(const Settings& s, const SoakOptions& o);

}  // namespace jem::cli
