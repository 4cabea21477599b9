// The memory estimates that refuse oversized requests, tied to what the models really hold, and
// the budget check's message.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/data/dataset.h"
#include "core/jem/memory_estimate.h"
#include "core/jem/rng.h"
#include "core/jem/trainer.h"
#include "core/model/make_model.h"
#include "core/util/memory_budget.h"
#include "tests/error_message.h"

using namespace jem;

namespace {

double real_parameter_count(const Settings& s, const Dataset& d) {
  Rng rng(1, at::kCPU);
  double n = 0;
  for (const at::Tensor& p : make_model(s, d, rng.cpu())->parameters()) n += double(p.numel());
  return n;
}

struct BudgetScope {  // JEMLAB_AVAILABLE_MB for one test
  explicit BudgetScope(const char* mb) { setenv("JEMLAB_AVAILABLE_MB", mb, 1); }
  ~BudgetScope() { unsetenv("JEMLAB_AVAILABLE_MB"); }
};

}  // namespace

// The estimate counts weights (no biases or norm scales): within 3% of every model's real count.
TEST(MemoryEstimate, ParameterCountsMatchTheBuiltModels) {
  Settings s;
  s.n_train = 64, s.n_test = 16, s.threads = 1;
  const Dataset points = make_dataset(s);
  EXPECT_NEAR(parameter_count(s, {points.dim(), {}, points.n_classes}) / real_parameter_count(s, points), 1.0, 0.03);
  s.dataset = "shapes";
  const Dataset images = make_dataset(s);
  const DataShape shape{images.dim(), images.image_shape, images.n_classes};
  for (const char* model : {"cnn", "wrn-10-2", "wrn-16-4"}) {
    s.model = model;
    EXPECT_NEAR(parameter_count(s, shape) / real_parameter_count(s, images), 1.0, 0.03) << model;
  }
  // The official WRN-28-10 on CIFAR-10 has 36.5 M parameters (Zagoruyko & Komodakis).
  s.model = "wrn-28-10";
  EXPECT_NEAR(parameter_count(s, {3072, {3, 32, 32}, 10}) / 36.5e6, 1.0, 0.01);
}

// Hand count for the MLP: 4 floats per hidden unit and row (activation, derivative, two grads).
TEST(MemoryEstimate, ActivationsOfTheMlpAndTheirScaling) {
  Settings s;
  s.width = 128, s.depth = 3;
  EXPECT_EQ(activation_floats_per_row(s, {2, {}, 2}), 4.0 * 128 * 3 + 4 * 2 + 4 * 2);
  EXPECT_DOUBLE_EQ(sampling_bytes(s, {2, {}, 2}, 2000), 2 * sampling_bytes(s, {2, {}, 2}, 1000) -
                                                             parameter_count(s, {2, {}, 2}) * 4);
  EXPECT_EQ(quadrature_bytes(100), 100.0 * 100 * 24);
}

TEST(MemoryBudget, RefusalNamesTheRequestTheEstimateAndTheBudget) {
  EXPECT_EQ(format_bytes(1.5e9), "1.5 GB");
  EXPECT_EQ(format_bytes(312e6), "312 MB");
  EXPECT_EQ(format_bytes(64e3), "64 KB");
  EXPECT_GT(available_memory_bytes(), 0u);  // /proc/meminfo on Linux
  BudgetScope budget("100");
  EXPECT_EQ(available_memory_bytes(), 100u << 20);
  EXPECT_EQ(error_message([] { check_memory("this", 50e6, "less"); }), "");
  EXPECT_EQ(error_message([] { check_memory("this", 2e9, "ask for less"); }),
            "this needs about 2.0 GB of memory, more than the 105 MB available; ask for less");
}

// A run, a sampling request and a grid past the budget are refused before they allocate.
TEST(MemoryBudget, TrainerRefusesRunsSamplesAndGridsThatCannotFit) {
  Settings s;
  s.n_train = 64, s.n_test = 16, s.threads = 1, s.buffer_size = 100;
  Trainer t(s);
  BudgetScope budget("8");
  EXPECT_NE(error_message([&] { t.sample(10000000, 1, -1, true, 1); }).find("10000000 chains of 2 values through model mlp needs about"),
            std::string::npos);
  EXPECT_EQ(t.sample(100, 1, -1, true, 1).size(), 200u);
  Settings big = s;
  big.dataset = "shapes", big.model = "cnn", big.buffer_size = 1000000;
  const std::string refused = error_message([&] { Trainer x(big); });
  EXPECT_NE(refused.find("this run (buffer_size 1000000 x 768 values, batch_size 256, model cnn) needs about 3.2 GB"),
            std::string::npos) << refused;
  // A knob change is refused the same way, and the run keeps its settings.
  Settings more = s;
  more.buffer_size = 1000000;  // 16 MB of chains and ages
  EXPECT_NE(error_message([&] { t.apply(more); }).find("this run (buffer_size 1000000 x 2 values"), std::string::npos);
  EXPECT_EQ(t.settings().buffer_size, 100);
}
