// The headless subcommands of `jemlab`. Each returns the process exit code.
#pragma once
#include <string>
#include <vector>

namespace jem::cli {

int cmd_train(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_eval(const std::vector<std::string>& args);
int cmd_sample(const std::vector<std::string>& args);
int cmd_control(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_attack(const std::vector<std::string>& args);  // robust accuracy under PGD, per eps and defence
int cmd_demo(const std::vector<std::string>& args);  // `jemlab demo`: the default demo, headless

}  // namespace jem::cli
