#include "core/io/pickle_scan.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>

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
    ops[uint8_t('g')] = ops[uint8_t('p')] = {Arg::Line, 0, true, true};
    ops[uint8_t('c')] = ops[uint8_t('i')] = {Arg::TwoLines, 0, false, true};
  }
};

// What an opcode does to the unpickler's stack (Python's semantics, where marks separate frames):
// items popped from the current frame, or the whole frame with its MARK, items that must remain
// below, items pushed. LibTorch's unpickler keeps one flat stack and popped past a MARK or an
// empty stack without a check (a bad free; found by fuzzing).
struct Effect {
  int pop = 0, keep = 0, push = 1;
  bool mark = false, to_mark = false;
};

Effect effect_of(unsigned char c) {
  switch (c) {
    case '(': return {0, 0, 0, true, false};
    case '.': case '0': return {1, 0, 0};
    case '1': return {0, 0, 0, false, true};
    case '2': return {1, 0, 2};
    case 'R': case 0x81: case 0x86: case 0x93: return {2, 0, 1};
    case 0x87: case 0x92: return {3, 0, 1};
    case 'Q': case 0x85: return {1, 0, 1};
    case 'a': case 'b': return {1, 1, 0};
    case 's': return {2, 1, 0};
    case 'd': case 'l': case 'o': case 't': case 0x91: case 'i': return {0, 0, 1, false, true};
    case 'e': case 'u': case 0x90: return {0, 1, 0, false, true};
    case 'q': case 'r': case 'p': case 0x94: return {0, 1, 0};
    case 0x80: case 0x95: return {0, 0, 0};
    default: return {};  // the literals, GLOBAL and memo reads push one item
  }
}

// One opcode of a pickle: where its argument starts, how long it is, and its fixed-width or
// memo value. Returns false on a malformed opcode, with `what` saying why.
struct Step {
  unsigned char code = 0;
  uint64_t op_at = 0, arg_at = 0, arg_len = 0, value = 0;
  const char* what = nullptr;
};

uint64_t little_endian(const std::string& p, uint64_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[at + i]);
  return v;
}

bool next_step(const std::string& p, uint64_t& at, Step& st) {
  static const Table table;
  const uint64_t size = p.size();
  st = Step{};
  st.op_at = at;
  st.code = static_cast<unsigned char>(p[at++]);
  const Op& op = table.ops[st.code];
  if (!op.known) return st.what = "unknown opcode", false;
  switch (op.arg) {
    case Arg::None:
      break;
    case Arg::Fixed:
      if (size - at < uint64_t(op.width)) return st.what = "truncated argument", false;
      st.value = little_endian(p, at, op.width);
      st.arg_at = at, st.arg_len = uint64_t(op.width);
      at += op.width;
      break;
    case Arg::Sized: {
      if (size - at < uint64_t(op.width)) return st.what = "truncated length", false;
      const uint64_t n = little_endian(p, at, op.width);
      at += op.width;
      if (n > size - at) return st.what = "a length beyond the end", false;
      st.arg_at = at, st.arg_len = n;
      if (st.code != 0x95) at += n;  // FRAME only announces the bytes that follow
      break;
    }
    case Arg::Line:
    case Arg::TwoLines:
      st.arg_at = at;
      for (int line = 0; line < (op.arg == Arg::Line ? 1 : 2); ++line) {
        const size_t end = p.find('\n', at);
        if (end == std::string::npos) return st.what = "unterminated line", false;
        if (op.memo) st.value = std::strtoull(p.substr(at, end - at).c_str(), nullptr, 10);
        at = end + 1;
      }
      st.arg_len = at - st.arg_at;
      break;
  }
  if (op.memo && st.value >= size) return st.what = "a memo index beyond the pickle's size", false;
  return true;
}

// A value the storage tuples are made of; anything else is Other.
struct Token {
  enum Kind { Other, Str, Global, Int } kind = Other;
  std::string text;
  int64_t number = 0;
};

std::optional<Token> literal(const std::string& p, const Step& st) {
  const std::string arg = p.substr(st.arg_at, st.arg_len);
  switch (st.code) {
    case 'X': case 0x8c: case 0x8d: case 'U': case 'T':
      return Token{Token::Str, arg, 0};
    case 'c': {  // GLOBAL "module\nname\n"
      std::string t = arg.substr(0, arg.size() - 1);
      if (const size_t nl = t.find('\n'); nl != std::string::npos) t[nl] = ' ';
      return Token{Token::Global, t, 0};
    }
    case 'K': case 'M':
      return Token{Token::Int, "", int64_t(st.value)};
    case 'J':
      return Token{Token::Int, "", int64_t(int32_t(uint32_t(st.value)))};
    case 0x8a:  // LONG1: little-endian two's complement, at most 8 bytes here
      if (st.arg_len == 0 || st.arg_len > 8) return Token{};
    {
      const unsigned shift = unsigned(64 - 8 * st.arg_len);  // sign-extends the top byte
      return Token{Token::Int, "", int64_t(little_endian(p, st.arg_at, int(st.arg_len)) << shift) >> shift};
    }
    default:
      return std::nullopt;
  }
}

uint64_t storage_item_size(const std::string& global) {
  static const std::map<std::string, uint64_t> sizes = {
      {"torch FloatStorage", 4}, {"torch DoubleStorage", 8}, {"torch HalfStorage", 2}, {"torch BFloat16Storage", 2},
      {"torch LongStorage", 8},  {"torch IntStorage", 4},    {"torch ShortStorage", 2}, {"torch CharStorage", 1},
      {"torch ByteStorage", 1},  {"torch BoolStorage", 1}};
  const auto it = sizes.find(global);
  return it == sizes.end() ? 0 : it->second;
}

}  // namespace

void check_pickle_bounds(const std::string& p, const std::string& origin) {
  uint64_t at = 0;
  Step st;
  std::vector<int64_t> frames{0};  // items above each MARK (the first: below any)
  auto fail = [&](const char* what) {
    throw Error(origin + ": not a training state this build writes (pickle: " + what + " at byte " +
                std::to_string(st.op_at) + ")");
  };
  while (at < p.size()) {
    if (!next_step(p, at, st)) fail(st.what);
    const Effect e = effect_of(st.code);
    if (e.mark) {
      frames.push_back(0);
      continue;
    }
    if (e.to_mark) {
      if (frames.size() < 2) fail("no MARK to pop to");
      frames.pop_back();
    } else if (frames.back() < e.pop) {
      fail("a pop from an empty stack");
    }
    if (!e.to_mark) frames.back() -= e.pop;
    if (frames.back() < e.keep) fail("a pop from an empty stack");
    frames.back() += e.push;
    if (st.code == '.') {  // STOP: what follows is never read
      if (frames.size() != 1 || frames[0] != 0) fail("a STOP that leaves the stack unbalanced");
      return;
    }
  }
  throw Error(origin + ": not a training state this build writes (pickle: no STOP at byte " + std::to_string(at) + ")");
}

std::vector<StorageClaim> pickle_storage_claims(const std::string& p, const std::string& origin) {
  check_pickle_bounds(p, origin);
  auto fail = [&](uint64_t at, const std::string& what) {
    throw Error(origin + ": not a training state this build writes (pickle: " + what + " at byte " +
                std::to_string(at) + ")");
  };
  std::vector<StorageClaim> claims;
  std::map<uint64_t, Token> memo;
  Token last;                           // the value the last opcode pushed (for BINPUT)
  std::vector<Token> since_mark;        // literals since the innermost MARK
  bool plain = false;                   // since that MARK only literals, memo reads and writes
  std::optional<std::vector<Token>> tuple;  // the tuple the last opcode built, when plain
  uint64_t at = 0;
  Step st;
  while (at < p.size() && next_step(p, at, st) && st.code != '.') {
    const std::optional<std::vector<Token>> built = std::move(tuple);
    tuple.reset();
    if (const auto t = literal(p, st)) {
      last = *t, since_mark.push_back(*t);
    } else if (st.code == 'h' || st.code == 'j' || st.code == 'g') {  // memo reads
      const auto it = memo.find(st.value);
      last = it == memo.end() ? Token{} : it->second, since_mark.push_back(last);
    } else if (st.code == 'q' || st.code == 'r' || st.code == 'p') {  // memo writes keep the stack
      memo[st.value] = last;
      tuple = built;
    } else if (st.code == 0x94) {  // MEMOIZE
      memo[memo.size()] = last;
      tuple = built;
    } else if (st.code == '(') {
      since_mark.clear(), plain = true;
    } else if (st.code == 't') {
      if (plain) tuple = since_mark;
      plain = false, last = Token{};
    } else if (st.code == 'Q') {
      const std::vector<Token>* v = built ? &*built : nullptr;
      const bool ours = v && v->size() == 5 && (*v)[0].kind == Token::Str && (*v)[0].text == "storage" &&
                        (*v)[1].kind == Token::Global && (*v)[2].kind == Token::Str && (*v)[4].kind == Token::Int;
      if (!ours) fail(st.op_at, "a persistent id that is no storage");
      const uint64_t item = storage_item_size((*v)[1].text);
      uint64_t bytes = 0;
      if (item == 0) fail(st.op_at, "a storage of an unknown type");
      if ((*v)[4].number < 0 || __builtin_mul_overflow(uint64_t((*v)[4].number), item, &bytes))
        fail(st.op_at, "a storage of an impossible size");
      claims.push_back({(*v)[2].text, bytes});
      plain = false, last = Token{};
    } else {
      plain = false, last = Token{};
    }
  }
  return claims;
}

}  // namespace jem
