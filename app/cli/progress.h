// A one-line progress bar on a terminal (stderr); silent when stderr is not a terminal.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace jem::cli {

class ProgressBar {
 public:
  explicit ProgressBar(int64_t total);
  void update(int64_t done, const std::string& status);  // redraws at most 10 times a second
  void finish(const std::string& status);

 private:
  void draw(int64_t done, const std::string& status);
  int64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace jem::cli
