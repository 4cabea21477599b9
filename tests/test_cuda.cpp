// The CUDA path against the CPU one. The Cuda.* tests need a GPU and skip cleanly without one
// (CI has none; scripts/gpu_check.sh runs them on a GPU machine). The CPU tests here cover what
// the CUDA path shares with every build: the RNG's cross-device state and the inert knob.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "core/jem/objective.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/model/precision.h"
#include "core/util/error.h"

using namespace jem;

namespace {

#define REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA GPU here"

Settings small_2d_run(const std::string& device) {
  Settings s;
  s.n_train = 256, s.n_test = 64, s.width = 32, s.buffer_size = 128, s.batch_size = 32, s.threads = 2;
  s.eval_every = 0, s.probe_steps = 0, s.seed = 5, s.device = device;
  return s;
}

Settings small_image_run(const std::string& device) {
  Settings s;
  s.dataset = "shapes", s.model = "cnn", s.width = 16, s.batch_size = 16, s.n_steps = 5;
  s.buffer_size = 64, s.n_train = 200, s.n_test = 40, s.eval_every = 0, s.threads = 2, s.seed = 5;
  s.device = device;
  return s;
}

// The JEM loss and every parameter's gradient on one fixed batch (data and samples given).
struct LossAndGrads {
  double loss = 0;
  std::vector<at::Tensor> grads;  // on the CPU
};

LossAndGrads loss_on(Trainer& t, const at::Tensor& x, const at::Tensor& y, const at::Tensor& x_q) {
  TrainerState& st = t.state();
  JemBatch b;
  b.x = x.to(st.device), b.y = y.to(st.device), b.x_q = x_q.to(st.device);
  st.net->zero_grad();
  JemLoss L = jem_loss(*st.net, b, st.s);
  backward(*st.net, L);
  LossAndGrads r;
  r.loss = L.total.item<double>();
  for (const at::Tensor& p : st.net->parameters()) r.grads.push_back(p.grad().to(at::kCPU));
  return r;
}

void expect_same_loss_and_grads(const Settings& cpu_settings, const Settings& cuda_settings) {
  Trainer cpu(cpu_settings), gpu(cuda_settings);
  const TrainerState& c = cpu.state();
  const at::Tensor x = c.x_train.narrow(0, 0, 32), y = c.y_train.narrow(0, 0, 32);
  const at::Tensor x_q = c.buffer.x().narrow(0, 0, 32).view(x.sizes());
  const LossAndGrads a = loss_on(cpu, x, y, x_q), b = loss_on(gpu, x, y, x_q);
  EXPECT_NEAR(a.loss, b.loss, 1e-4 * std::max(1.0, std::abs(a.loss)));
  ASSERT_EQ(a.grads.size(), b.grads.size());
  for (size_t i = 0; i < a.grads.size(); ++i) {
    const double scale = std::max(1e-3, a.grads[i].abs().max().item<double>());
    EXPECT_LT((a.grads[i] - b.grads[i]).abs().max().item<double>(), 1e-3 * scale) << "parameter " << i;
  }
}

std::vector<double> losses_of(Trainer& t, int iterations) {
  std::vector<double> out;
  for (int i = 0; i < iterations; ++i) out.push_back(t.step().loss);
  return out;
}

}  // namespace

TEST(Cuda, LossAndGradientsMatchTheCpuOnTheSameBatch2D) {
  REQUIRE_CUDA();
  expect_same_loss_and_grads(small_2d_run("cpu"), small_2d_run("cuda"));
}

TEST(Cuda, LossAndGradientsMatchTheCpuOnTheSameBatchImages) {
  REQUIRE_CUDA();
  expect_same_loss_and_grads(small_image_run("cpu"), small_image_run("cuda"));
}

TEST(Cuda, ACheckpointResumesOnTheOtherDeviceAndOnItsOwnExactly) {
  REQUIRE_CUDA();
  Trainer gpu(small_2d_run("cuda"));
  losses_of(gpu, 3);
  const std::string saved = gpu.serialize();
  const std::vector<double> ahead = losses_of(gpu, 2);

  auto again = Trainer::deserialize(saved, "cuda state");  // same device: the same run
  EXPECT_FALSE(again->resumed_across_devices());
  const std::vector<double> replayed = losses_of(*again, 2);
  for (size_t i = 0; i < ahead.size(); ++i) EXPECT_NEAR(ahead[i], replayed[i], 1e-5 * std::max(1.0, std::abs(ahead[i])));

  auto on_cpu = Trainer::deserialize(saved, "cuda state", "cpu");
  EXPECT_EQ(on_cpu->device_name(), "cpu");
  EXPECT_TRUE(on_cpu->resumed_across_devices());
  EXPECT_EQ(on_cpu->iteration(), 3);
  auto fresh = Trainer::deserialize(saved, "cuda state");  // `again` has stepped on since
  const auto pc = on_cpu->state().net->parameters(), pg = fresh->state().net->parameters();
  for (size_t i = 0; i < pc.size(); ++i) EXPECT_TRUE(at::equal(pc[i], pg[i].to(at::kCPU))) << "parameter " << i;
  for (double l : losses_of(*on_cpu, 2)) EXPECT_TRUE(std::isfinite(l));

  auto back = Trainer::deserialize(on_cpu->serialize(), "cpu state", "cuda");
  EXPECT_EQ(back->device_name().rfind("cuda", 0), 0u);
  EXPECT_TRUE(back->resumed_across_devices());
  for (double l : losses_of(*back, 2)) EXPECT_TRUE(std::isfinite(l));
}

TEST(Cuda, Bf16AutocastStaysWithinTolerance) {
  REQUIRE_CUDA();
  Trainer t(small_image_run("cuda"));
  TrainerState& st = t.state();
  at::NoGradGuard no_grad;
  st.net->eval();
  const at::Tensor x = st.x_train.narrow(0, 0, 32);
  const at::Tensor fp32 = st.net->logits(x).to(at::kFloat);
  at::Tensor bf16;
  {
    AutocastScope amp(st.device, true);
    bf16 = st.net->logits(x).to(at::kFloat);
  }
  const double scale = std::max(1.0, fp32.abs().max().item<double>());
  EXPECT_LT((fp32 - bf16).abs().max().item<double>(), 3e-2 * scale);
  st.net->train();
  Settings s = small_image_run("cuda");
  s.amp = "bf16";
  Trainer amp(s);
  for (double l : losses_of(amp, 3)) EXPECT_TRUE(std::isfinite(l));
}

TEST(Cuda, GraphedChainsMatchTheUncapturedLoop) {
  REQUIRE_CUDA();
  ASSERT_TRUE(cuda_graphs_built()) << "a CUDA GPU, but this jemlab was built against a CPU LibTorch";
  for (const std::string amp : {"off", "bf16"}) {
    Settings s = small_image_run("cuda");
    s.amp = amp;
    Trainer plain(s);
    s.cuda_graphs = true;
    Trainer graphed(s);
    const std::vector<double> a = losses_of(plain, 4), b = losses_of(graphed, 4);
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], b[i], 1e-3 * std::max(1.0, std::abs(a[i]))) << amp << ", iteration " << i;
    EXPECT_EQ(graphed.state().sgld_graph.captures(), 1) << "one shape, one capture";
    EXPECT_EQ(plain.state().sgld_graph.captures(), 0);
  }
}

// A CUDA run's packed RNG state ([8-byte length][CPU state][device state]) resumed on the CPU.
TEST(CudaOnCpu, AStatePackedByADeviceRunRestoresTheCpuStream) {
  Rng source(11, at::kCPU), target(12, at::kCPU);
  at::Tensor cpu_state = source.state();
  int64_t n = cpu_state.numel();
  const at::Tensor len = at::from_blob(&n, {8}, at::kByte).clone();
  const at::Tensor packed = at::cat({len, cpu_state, at::full({16}, 7, at::kByte)});
  EXPECT_FALSE(target.set_state(packed)) << "another device's state: not bit-identical";
  EXPECT_TRUE(at::equal(target.state(), cpu_state));
  EXPECT_TRUE(target.set_state(cpu_state));
  EXPECT_THROW(target.set_state(cpu_state.narrow(0, 0, 100)), Error);
  at::Tensor bad = packed.clone();
  bad[0] = 3;  // a length that is not the CPU state's
  EXPECT_THROW(target.set_state(bad), Error);
}

TEST(CudaOnCpu, TheCudaGraphsKnobChangesNothingOnTheCpu) {
  Settings s = small_image_run("cpu");
  Trainer plain(s);
  s.cuda_graphs = true;
  Trainer knob(s);
  EXPECT_EQ(losses_of(plain, 3), losses_of(knob, 3));
  EXPECT_EQ(knob.state().sgld_graph.captures(), 0);
}
