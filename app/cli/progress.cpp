#include "app/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace jem::cli {

ProgressBar::ProgressBar(int64_t total)
    : total_(total), tty_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_() {}

void ProgressBar::update(int64_t done, const std::string& status) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && done < total_) return;
  last_ = now;
  draw(done, status);
}

void ProgressBar::draw(int64_t done, const std::string& status) {
  const int width = 30;
  const double frac = total_ > 0 ? double(done) / double(total_) : 1.0;
  const int filled = static_cast<int>(frac * width);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? done / secs : 0;
  std::string bar(filled, '#');
  bar += std::string(width - filled, '.');
  std::fprintf(stderr, "\r[%s] %lld/%lld  %.1f it/s  %s\033[K", bar.c_str(), static_cast<long long>(done),
               static_cast<long long>(total_), rate, status.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish(const std::string& status) {
  if (!tty_) return;
  draw(total_, status);
  std::fprintf(stderr, "\n");
}

}  // namespace jem::cli
