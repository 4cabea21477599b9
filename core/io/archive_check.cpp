#include "core/io/archive_check.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/serialize.h>
#include <torch/version.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "core/io/pickle_scan.h"
#include "core/io/zip_directory.h"
#include "core/util/error.h"

namespace jem {
namespace {

// A bounds-checked view of the bytes (caffe2's MemoryReadAdapter copies without checking).
class Bytes final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit Bytes(const std::string& s) : s_(s) {}
  size_t size() const override { return s_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char*) const override {
    if (pos >= s_.size()) return 0;
    n = std::min<size_t>(n, s_.size() - pos);
    std::memcpy(buf, s_.data() + pos, n);
    return n;
  }

 private:
  const std::string& s_;
};

// What this LibTorch writes for an empty constant table and for a class's debug info (empty:
// declarations have no source ranges), read back from a small archive of its own.
struct Reference {
  std::string constants, debug_info;
};
const Reference& reference() {
  static const Reference r = [] {
    torch::serialize::OutputArchive ar;
    ar.write("x", c10::IValue(int64_t(1)));
    std::ostringstream out;
    ar.save_to(out);
    const std::string bytes = out.str();
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<Bytes>(bytes));
    auto get = [&](const char* name) {
      auto [data, size] = reader.getRecord(name);
      return std::string(static_cast<const char*>(data.get()), size);
    };
    return Reference{get("constants.pkl"), get("code/__torch__.py.debug_pkl")};
  }();
  return r;
}

// Class numbers: -1 for code/__torch__.py (the root), N for code/__torch__/___torch_mangle_N.py.
const std::regex kCodeName(R"(code/__torch__(/___torch_mangle_(\d{1,6}))?\.py)");
const std::regex kDataName(R"(data/\d{1,9})");
const std::regex kList(R"(  __(parameters|buffers)__ = \[("[\w./-]+", )*\])");
const std::regex kAnnotation(R"(  __annotations__\["[\w./-]+"\] = (.+))");
const std::regex kAttribute(R"(  [A-Za-z_]\w* : (.+))");
const std::regex kType(R"(int|float|str|bool|Tensor|Tuple\[float, float\]|__torch__\.___torch_mangle_(\d{1,6})\.Module)");

// One class declaration: typed attributes whose class types are declared in the archive and
// numbered after this one, as the writer numbers them depth-first (so no type contains itself).
bool declaration_ok(const std::string& text, int self, const std::set<int>& classes) {
  size_t at = 0;
  bool first = true;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (first) {
      if (line != "class Module(Module):") return false;
      first = false;
      continue;
    }
    std::smatch m;
    if (line.empty() || line == "  __annotations__ = []" || std::regex_match(line, kList)) continue;
    if (!std::regex_match(line, m, kAnnotation) && !std::regex_match(line, m, kAttribute)) return false;
    const std::string type = m[1];
    std::smatch t;
    if (!std::regex_match(type, t, kType)) return false;
    if (t[1].matched) {
      const int n = std::stoi(t[1]);
      if (n <= self || !classes.count(n)) return false;
    }
  }
  return !first;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Refuses what PyTorchStreamReader's constructor would throw on after miniz opened the zip
// (no files, no folder, a missing or bad version record): it then never frees miniz's state,
// ~5 KB per refused file. miniz looks names up case-insensitively, so every entry it could
// pick must do.
void check_stream_reader_opens(const std::string& bytes, const std::string& origin) {
  const std::vector<ZipEntry> entries = read_zip_directory(bytes, origin);
  const std::string bad = origin + ": not a training state this build writes (";
  if (entries.empty()) throw Error(bad + "empty archive)");
  // LibTorch allocates the size a record claims before reading it (3.6 GB for a fuzzed 24 KB
  // file): a stored record holds what it claims, and deflate shrinks by at most 1032:1.
  for (const ZipEntry& e : entries)
    if ((e.method == 0 && e.size != e.compressed_size) || e.compressed_size > bytes.size() ||
        e.size > e.compressed_size * 1032 + 1024)
      throw Error(bad + "record '" + e.name + "' claims " + std::to_string(e.size) + " bytes)");
  const std::string& first = entries.front().name;
  const size_t slash = first.find('/');
  if (slash == std::string::npos || first.find('\0') < slash) throw Error(bad + "no archive folder)");
  const std::string folder = lower(first.substr(0, slash + 1));
  auto version_ok = [&](const std::string& record) {
    bool any = false;
    for (const ZipEntry& e : entries) {
      if (lower(e.name) != folder + record) continue;
      std::string v = read_stored_entry(bytes, e, origin);
      if (!v.empty() && v.back() == '\n') v.pop_back();  // the writer ends it with a newline
      const bool digits = !v.empty() && v.size() <= 3 && std::all_of(v.begin(), v.end(), ::isdigit);
      if (!digits || std::stoull(v) < caffe2::serialize::kMinSupportedFileFormatVersion ||
          std::stoull(v) > caffe2::serialize::kMaxSupportedFileFormatVersion)
        throw Error(bad + "unsupported archive version)");
      any = true;
    }
    return any;
  };
  // LibTorch 2.x's constructor also reads the serialization id when there is one (ours write it)
  // and leaked the same way when that record was damaged (found by fuzzing in a trixie root):
  // every entry that name could find must read back whole. Checked on 1.13 too, for one answer.
  for (const ZipEntry& e : entries)
    if (lower(e.name) == folder + ".data/serialization_id") read_stored_entry(bytes, e, origin);
  const bool dot_data = version_ok(".data/version");  // LibTorch 2.x prefers this one
  const bool plain = version_ok("version");
#if TORCH_VERSION_MAJOR >= 2
  if (!dot_data && !plain) throw Error(bad + "no version record)");
#else
  (void)dot_data;
  if (!plain) throw Error(bad + "no version record)");
#endif
}

}  // namespace

void check_torch_archive(const std::string& bytes, const std::string& origin) {
  const std::string bad = origin + ": not a training state this build writes (";
  check_stream_reader_opens(bytes, origin);
  try {
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<Bytes>(bytes));
    const std::vector<std::string> names = reader.getAllRecords();
    std::set<int> classes;
    for (const std::string& name : names) {
      std::smatch m;
      if (std::regex_match(name, m, kCodeName)) classes.insert(m[2].matched ? std::stoi(m[2]) : -1);
    }
    if (!classes.count(-1)) throw Error(bad + "no code/__torch__.py)");
    std::vector<StorageClaim> claims;
    for (const std::string& name : names) {
      auto record = [&] {
        auto [data, size] = reader.getRecord(name);
        return std::string(static_cast<const char*>(data.get()), size);
      };
      std::smatch m;
      const bool debug = name.size() > 10 && name.compare(name.size() - 10, 10, ".debug_pkl") == 0;
      const std::string base = debug ? name.substr(0, name.size() - 10) : name;
      // LibTorch 2.x also writes .data/version, byteorder and .data/serialization_id.
      if (name == "data.pkl") {
        claims = pickle_storage_claims(record(), origin);
        continue;
      }
      if (name == "version" || name == ".data/version" || name == "byteorder" ||
          name == ".data/serialization_id" || std::regex_match(name, kDataName))
        continue;
      if (name == "constants.pkl" && record() == reference().constants) continue;
      if (std::regex_match(base, m, kCodeName)) {
        if (debug ? record() == reference().debug_info
                  : declaration_ok(record(), m[2].matched ? std::stoi(m[2]) : -1, classes))
          continue;
      }
      throw Error(bad + "unexpected record '" + name + "')");
    }
    const std::set<std::string> present(names.begin(), names.end());
    for (const StorageClaim& c : claims) {
      const std::string name = "data/" + c.key;
      if (!present.count(name)) throw Error(bad + "a tensor's record '" + name + "' is missing)");
      if (std::get<1>(reader.getRecord(name)) != c.bytes)
        throw Error(bad + "record '" + name + "' holds other than the " + std::to_string(c.bytes) + " bytes its tensor claims)");
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // c10::Error from the zip reader, std::stoull of the version
    const auto* c = dynamic_cast<const c10::Error*>(&e);
    throw Error(origin + ": not a readable training state (" + (c ? c->what_without_backtrace() : e.what()) + ")");
  }
}

}  // namespace jem
