// Walks a pickle's opcodes before LibTorch's unpickler runs it. That unpickler trusts the sizes
// a pickle claims: a memo index of 2^31 made it grow its memo table by tens of gigabytes, and a
// string length beyond the record made it reserve that much (found by tests/fuzz/fuzz_checkpoint).
// Every opcode must be known, every length must fit in what follows and every memo index must be
// below the pickle's size (a writer spends at least two bytes per memo entry).
#pragma once
#include <string>

#include <cstdint>
#include <vector>

namespace jem {

// Throws Error naming origin and the offending opcode's offset.
void check_pickle_bounds(const std::string& pickle, const std::string& origin);

// What each tensor storage of a bounds-checked pickle claims: its record (data/KEY) and its size
// in bytes. LibTorch builds a storage of the claimed size over the record's bytes without
// comparing the two, so a claim beyond the record made every read of the tensor overflow (found
// by fuzzing). Our writer's form only: ('storage', torch.<Type>Storage, KEY, DEVICE, NUMEL)
// then BINPERSID; any other persistent id throws Error naming origin.
struct StorageClaim {
  std::string key;
  uint64_t bytes = 0;
};
std::vector<StorageClaim> pickle_storage_claims(const std::string& pickle, const std::string& origin);

}  // namespace jem
