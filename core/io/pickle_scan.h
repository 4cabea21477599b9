// Walks a pickle's opcodes before LibTorch's unpickler runs it. That unpickler trusts the sizes
// a pickle claims: a memo index of 2^31 made it grow its memo table by tens of gigabytes, and a
// string length beyond the record made it reserve that much (found by tests/fuzz/fuzz_checkpoint).
// Every opcode must be known, every length must fit in what follows and every memo index must be
// below the pickle's size (a writer spends at least two bytes per memo entry).
#pragma once
#include <string>

namespace jem {

// Throws Error naming origin and the offending opcode's offset.
void check_pickle_bounds(const std::string& pickle, const std::string& origin);

}  // namespace jem
