// Checks a training-state archive before LibTorch imports it. torch::jit::load compiles the
// TorchScript source in the archive's code/ records, and LibTorch 1.13's compiler crashes
// (SIGSEGV) on crafted source (found by tests/fuzz/fuzz_checkpoint): only the class
// declarations torch::serialize::OutputArchive writes may pass, anything else is an Error.
#pragma once
#include <string>

namespace jem {

void check_torch_archive(const std::string& bytes, const std::string& origin);

}  // namespace jem
