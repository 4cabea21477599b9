#include "core/io/checkpoint.h"

#include <sys/stat.h>
#include <torch/serialize.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>

#include "core/io/archive_check.h"
#include "core/jem/trainer.h"
#include "core/params/config_file.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem {
namespace {

constexpr char kMagic[8] = {'J', 'E', 'M', 'L', 'A', 'B', 'C', 'K'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeader = 8 + 4 + 8 + 4;  // magic, version, payload length, crc32

uint32_t crc_of(const std::string& s) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(s.data());
  size_t left = s.size();
  while (left > 0) {  // zlib takes uInt lengths
    uInt n = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
    crc = crc32(crc, p, n);
    p += n;
    left -= n;
  }
  return static_cast<uint32_t>(crc);
}

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian hosts only (x86-64, arm64)
  out.append(b, sizeof(T));
}

template <typename T>
T get(const std::string& in, size_t at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof(T));
  return v;
}

}  // namespace

std::string frame_payload(const std::string& payload) {
  std::string out(kMagic, sizeof kMagic);
  put<uint32_t>(out, kVersion);
  put<uint64_t>(out, payload.size());
  put<uint32_t>(out, crc_of(payload));
  out += payload;
  return out;
}

std::string unframe_payload(const std::string& bytes, const std::string& path) {
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw Error(path + ": not a JEM Lab checkpoint (wrong magic bytes)");
  const uint32_t version = get<uint32_t>(bytes, 8);
  if (version != kVersion)
    throw Error(path + ": checkpoint format version " + std::to_string(version) + ", this build reads " +
                std::to_string(kVersion));
  const uint64_t len = get<uint64_t>(bytes, 12);
  if (len != bytes.size() - kHeader)
    throw Error(path + ": checkpoint is truncated or padded (" + std::to_string(bytes.size() - kHeader) +
                " payload bytes, header says " + std::to_string(len) + ")");
  std::string payload = bytes.substr(kHeader);
  if (crc_of(payload) != get<uint32_t>(bytes, 20)) throw Error(path + ": checkpoint is corrupt (CRC mismatch)");
  return payload;
}

void save_checkpoint(const Trainer& t, const std::string& path) {
  write_file_atomically(path, frame_payload(t.serialize()));
}

CheckpointInfo peek_checkpoint(const std::string& path) {
  const std::string payload = unframe_payload(read_file(path), path);
  CheckpointInfo info;
  try {
    check_torch_archive(payload, path);
    torch::serialize::InputArchive ar;
    ar.load_from(payload.data(), payload.size(), at::kCPU);
    c10::IValue step, settings;
    if (!ar.try_read("step", step) || !ar.try_read("settings", settings) || !settings.isString())
      throw Error(path + ": training state lacks its step or knobs");
    info.step = step.toInt();
    const Settings s = settings_from_json(settings.toStringRef(), Settings{}, path + " (settings)");
    info.dataset = s.dataset;
    info.model = s.model;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // LibTorch's unpickler also throws std::out_of_range etc.
    const auto* c = dynamic_cast<const c10::Error*>(&e);
    throw Error(path + ": not a readable training state (" + (c ? c->what_without_backtrace() : e.what()) + ")");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) info.saved_at = st.st_mtime;
  return info;
}

std::unique_ptr<Trainer> load_checkpoint(const std::string& path, const std::string& device) {
  return load_checkpoint_bytes(read_file(path), path, device);
}

std::unique_ptr<Trainer> load_checkpoint_bytes(const std::string& file_bytes, const std::string& origin,
                                               const std::string& device) {
  return Trainer::deserialize(unframe_payload(file_bytes, origin), origin, device);
}

}  // namespace jem
