// Ctrl-C (SIGINT) and a scheduler's SIGTERM, caught for the span of a headless run: the run
// stops at its next boundary, saves what it has, and exits 128 + the signal (130, 143), as a
// shell reports a killed process. One scope at a time; the previous handlers come back after.
#pragma once
#include <csignal>

namespace jem::cli {

class StopSignals {
 public:
  StopSignals() : old_int_(std::signal(SIGINT, on_signal)), old_term_(std::signal(SIGTERM, on_signal)) { caught_ = 0; }
  ~StopSignals() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  int caught() const { return caught_; }  // 0 until a signal came
  int exit_code() const { return 128 + caught_; }
  const char* what() const { return caught_ == SIGTERM ? "terminated (SIGTERM)" : "interrupted"; }

 private:
  static void on_signal(int sig) { caught_ = sig; }
  static inline volatile std::sig_atomic_t caught_ = 0;
  using Handler = void (*)(int);
  Handler old_int_, old_term_;
};

}  // namespace jem::cli
