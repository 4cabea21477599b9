#include "core/io/pickle_scan.h"

#include <cstdint>
#include <cstdlib>

#include "core/util/error.h"

namespace jem {
namespace {

enum class Arg { None, Fixed, Sized, Line, TwoLines };
struct Op {
  Arg arg = Arg::None;
  int width = 0;      // Fixed: the argument's bytes; Sized: the length field's bytes
  bool memo = false;  // the argument is a memo index
  bool known = false;
};

// Pickle protocols 0 to 5 (Python's pickletools), the argument of each opcode.
struct Table {
  Op ops[256];
  Table() {
    for (unsigned char c : std::string("(.012NRabd}elo]st)uQ") + "\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98")
      ops[c] = {Arg::None, 0, false, true};
    auto fixed = [&](unsigned char c, int w, bool memo = false) { ops[c] = {Arg::Fixed, w, memo, true}; };
    fixed('J', 4), fixed('K', 1), fixed('M', 2), fixed('G', 8), fixed(0x80, 1);
    fixed(0x82, 1), fixed(0x83, 2), fixed(0x84, 4);
    fixed('h', 1, true), fixed('j', 4, true), fixed('q', 1, true), fixed('r', 4, true);
    auto sized = [&](unsigned char c, int w) { ops[c] = {Arg::Sized, w, false, true}; };
    sized('U', 1), sized('C', 1), sized(0x8c, 1), sized(0x8a, 1);
    sized('T', 4), sized('B', 4), sized('X', 4), sized(0x8b, 4);
    sized(0x8d, 8), sized(0x8e, 8), sized(0x96, 8), sized(0x95, 8);
    for (unsigned char c : std::string("ILFSVP")) ops[c] = {Arg::Line, 0, false, true};
    ops['g'] = ops['p'] = {Arg::Line, 0, true, true};
    ops['c'] = ops['i'] = {Arg::TwoLines, 0, false, true};
  }
};

}  // namespace

void check_pickle_bounds(const std::string& p, const std::string& origin) {
  static const Table table;
  const uint64_t size = p.size();
  auto fail = [&](uint64_t at, const std::string& what) {
    throw Error(origin + ": not a training state this build writes (pickle: " + what + " at byte " +
                std::to_string(at) + ")");
  };
  auto le = [&](uint64_t at, int width) {
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[at + i]);
    return v;
  };
  uint64_t at = 0;
  while (at < size) {
    const uint64_t op_at = at;
    const unsigned char code = static_cast<unsigned char>(p[at++]);
    const Op& op = table.ops[code];
    if (!op.known) fail(op_at, "unknown opcode");
    if (code == '.') return;  // STOP: what follows is never read
    uint64_t memo_index = 0;
    switch (op.arg) {
      case Arg::None:
        break;
      case Arg::Fixed:
        if (size - at < uint64_t(op.width)) fail(op_at, "truncated argument");
        memo_index = le(at, op.width);
        at += op.width;
        break;
      case Arg::Sized: {
        if (size - at < uint64_t(op.width)) fail(op_at, "truncated length");
        const uint64_t n = le(at, op.width);
        at += op.width;
        if (n > size - at) fail(op_at, "a length beyond the end");
        if (code != 0x95) at += n;  // FRAME only announces the bytes that follow
        break;
      }
      case Arg::Line:
      case Arg::TwoLines:
        for (int line = 0; line < (op.arg == Arg::Line ? 1 : 2); ++line) {
          const size_t end = p.find('\n', at);
          if (end == std::string::npos) fail(op_at, "unterminated line");
          if (op.memo) memo_index = std::strtoull(p.substr(at, end - at).c_str(), nullptr, 10);
          at = end + 1;
        }
        break;
    }
    if (op.memo && memo_index >= size) fail(op_at, "a memo index beyond the pickle's size");
  }
  fail(at, "no STOP");
}

}  // namespace jem
