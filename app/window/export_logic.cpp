#include "app/window/export_logic.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/io/metrics_io.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::window {

std::string export_file_name(const std::string& what, const std::string& ext, const std::tm& t, int n) {
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &t);
  return "jemlab-" + what + "-" + stamp + (n > 1 ? "-" + std::to_string(n) : "") + "." + ext;
}

std::string unused_export_path(const std::string& dir, const std::string& what, const std::string& ext,
                               const std::tm& t, const std::function<bool(const std::string&)>& exists) {
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (int n = 1;; ++n) {
    const std::string path = prefix + export_file_name(what, ext, t, n);
    if (!exists(path)) return path;
  }
}

std::string new_export_path(const std::string& dir, const std::string& what, const std::string& ext) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path abs = fs::absolute(dir.empty() ? "." : dir, ec);
  if (ec || (fs::create_directories(abs, ec), ec))
    throw Error("cannot create the export folder " + dir + ": " + ec.message());
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return unused_export_path(abs.lexically_normal().string(), what, ext, local,
                            [](const std::string& p) { return fs::exists(p); });
}

std::string history_csv(const MetricsHistory& h) {
  std::string out = stats_csv_header();
  if (out.empty() || out.back() != '\n') out += '\n';
  for (size_t i = 0; i < h.size(); ++i) {
    out += stats_to_csv_row(h[i]);
    if (out.back() != '\n') out += '\n';
  }
  return out;
}

void write_history_csv(const std::string& path, const MetricsHistory& h) { write_file_atomically(path, history_csv(h)); }

namespace {

constexpr int kBackgroundColours = 248;  // the rest of the 256 are the chains' and the marker's
constexpr int kOutlineIndex = 255;

struct IndexedImage {
  int w = 0, h = 0;
  std::vector<GifPixelType> px;
  void dot(int cx, int cy, int radius, GifPixelType c) {
    for (int y = cy - radius; y <= cy + radius; ++y)
      for (int x = cx - radius; x <= cx + radius; ++x)
        if (x >= 0 && y >= 0 && x < w && y < h && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius)
          px[size_t(y) * w + x] = c;
  }
  void line(float x0, float y0, float x1, float y1, GifPixelType c) {
    const int n = std::max(1, int(std::ceil(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)))));
    for (int i = 0; i <= n; ++i)
      dot(int(std::lround(x0 + (x1 - x0) * i / n)), int(std::lround(y0 + (y1 - y0) * i / n)), 1, c);
  }
};

std::string gif_error(const char* what, int code) { return std::string(what) + ": " + GifErrorString(code); }

// giflib writes through this into memory; the file appears only whole (write_file_atomically).
int append_to_string(GifFileType* gif, const GifByteType* data, int n) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), size_t(n));
  return n;
}

}  // namespace

std::string write_trajectory_gif(const std::string& path, const std::vector<uint8_t>& rgba, int w, int h,
                                 const std::vector<GifChain>& chains, const GifOptions& opt) {
  if (w <= 0 || h <= 0 || rgba.size() < size_t(w) * h * 4) return "no background image";
  if (chains.empty() || chains.front().xy.size() < 4) return "no chain to animate (click the landscape first)";
  // Downscale so that a 100-frame GIF stays a few megabytes.
  const float shrink = w > opt.max_width ? float(opt.max_width) / w : 1.0f;
  const int gw = std::max(1, int(w * shrink)), gh = std::max(1, int(h * shrink));
  std::vector<GifByteType> r(size_t(gw) * gh), g(r.size()), b(r.size());
  for (int y = 0; y < gh; ++y)
    for (int x = 0; x < gw; ++x) {
      const size_t src = (size_t(std::min(h - 1, int(y / shrink))) * w + std::min(w - 1, int(x / shrink))) * 4;
      const size_t dst = size_t(y) * gw + x;
      r[dst] = rgba[src], g[dst] = rgba[src + 1], b[dst] = rgba[src + 2];
    }
  IndexedImage background{gw, gh, std::vector<GifPixelType>(r.size())};
  ColorMapObject* map = GifMakeMapObject(256, nullptr);
  if (!map) return "out of memory";
  int colours = kBackgroundColours;
  if (GifQuantizeBuffer(gw, gh, &colours, r.data(), g.data(), b.data(), background.px.data(), map->Colors) ==
      GIF_ERROR) {
    GifFreeMapObject(map);
    return "cannot quantise the landscape image";
  }
  const int n_chains = std::min<int>(int(chains.size()), 256 - kBackgroundColours - 1);
  for (int c = 0; c < n_chains; ++c)
    map->Colors[kBackgroundColours + c] = GifColorType{chains[c].rgb[0], chains[c].rgb[1], chains[c].rgb[2]};
  map->Colors[kOutlineIndex] = GifColorType{20, 20, 25};

  int err = 0;
  std::string bytes;
  GifFileType* gif = EGifOpen(&bytes, append_to_string, &err);
  if (!gif) {
    GifFreeMapObject(map);
    return gif_error("cannot start the GIF", err);
  }
  EGifSetGifVersion(gif, true);  // GIF89a: needed for the frame delay and the loop extension
  std::string failure;
  if (EGifPutScreenDesc(gif, gw, gh, 8, 0, map) == GIF_ERROR) failure = gif_error("screen descriptor", gif->Error);
  // NETSCAPE2.0 application extension: loop forever.
  const unsigned char loop[3] = {1, 0, 0};
  if (failure.empty() && (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
                          EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
                          EGifPutExtensionBlock(gif, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR))
    failure = gif_error("loop extension", gif->Error);

  size_t n_steps = 0;
  for (int c = 0; c < n_chains; ++c) n_steps = std::max(n_steps, chains[c].xy.size() / 2 - 1);
  const int frames = int(std::min<size_t>(n_steps, size_t(std::max(2, opt.max_frames))));
  IndexedImage frame = background;
  std::vector<GifPixelType> shown;  // what the previous frames left on screen
  for (int f = 0; f <= frames + opt.hold_last_frames && failure.empty(); ++f) {
    const size_t upto = std::min(n_steps, size_t(std::lround(double(std::min(f, frames)) * n_steps / frames)));
    frame.px = background.px;
    for (int c = 0; c < n_chains; ++c) {
      const std::vector<float>& xy = chains[c].xy;
      const size_t last = std::min(upto, xy.size() / 2 - 1);
      for (size_t s = 0; s < last; ++s)
        frame.line(xy[s * 2] * shrink, xy[s * 2 + 1] * shrink, xy[s * 2 + 2] * shrink, xy[s * 2 + 3] * shrink,
                   GifPixelType(kBackgroundColours + c));
      const int hx = int(xy[last * 2] * shrink), hy = int(xy[last * 2 + 1] * shrink);
      frame.dot(hx, hy, 5, kOutlineIndex);
      frame.dot(hx, hy, 3, GifPixelType(kBackgroundColours + c));
    }
    // Only the rectangle that changed since the previous frame is stored (the rest stays on screen):
    // the path grows by a segment and the head moves, so frames are a few kilobytes, not the image.
    int x0 = gw, y0 = gh, x1 = -1, y1 = -1;
    for (int y = 0; y < gh; ++y)
      for (int x = 0; x < gw; ++x)
        if (f == 0 || frame.px[size_t(y) * gw + x] != shown[size_t(y) * gw + x])
          x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    if (x1 < 0) x0 = y0 = x1 = y1 = 0;  // nothing moved: a 1-pixel frame keeps the timing
    const int delay = f == frames + opt.hold_last_frames ? opt.delay_cs * 4 : opt.delay_cs;
    const unsigned char control[4] = {0, uint8_t(delay & 0xff), uint8_t(delay >> 8), 0};
    if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, control) == GIF_ERROR ||
        EGifPutImageDesc(gif, x0, y0, x1 - x0 + 1, y1 - y0 + 1, false, nullptr) == GIF_ERROR) {
      failure = gif_error("frame", gif->Error);
      break;
    }
    for (int y = y0; y <= y1 && failure.empty(); ++y)
      if (EGifPutLine(gif, &frame.px[size_t(y) * gw + x0], x1 - x0 + 1) == GIF_ERROR)
        failure = gif_error("frame line", gif->Error);
    shown = frame.px;
  }
  if (EGifCloseFile(gif, &err) == GIF_ERROR && failure.empty()) failure = gif_error("close", err);
  GifFreeMapObject(map);
  if (failure.empty()) {
    try {
      write_file_atomically(path, bytes);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  return failure;
}

}  // namespace jem::window
