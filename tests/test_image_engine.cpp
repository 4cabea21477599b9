// Image data through the engine: the generated shapes set, the official augmentation, the
// Wide-ResNet and small CNN, JEM training and evaluation on tiny images read from real file
// formats, and exact resume.
#include <gtest/gtest.h>
#include <unistd.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/data/augment.h"
#include "core/data/dataset.h"
#include "core/eval/evaluate.h"
#include "core/eval/robustness.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/model/conv_nets.h"
#include "core/model/make_model.h"
#include "core/util/error.h"
#include "tests/image_fixtures.h"

using namespace jem;

namespace {

std::string tmp_dir(const std::string& name) {
  std::string d = ::testing::TempDir() + "/jemlab_img_" + std::to_string(::getpid()) + "_" + name;
  std::filesystem::create_directories(d);
  return d;
}

// Settings for a few fast iterations of JEM on small images.
Settings tiny_image_run(const std::string& dataset) {
  Settings s;
  s.dataset = dataset;
  s.model = "cnn";
  s.width = 16;
  s.batch_size = 16;
  s.n_steps = 3;
  s.buffer_size = 64;
  s.n_train = 200;
  s.n_test = 40;
  s.eval_every = 0;
  s.threads = 2;
  return s;
}

int64_t parameter_count(EnergyNet& net) {
  int64_t n = 0;
  for (const auto& p : net.parameters()) n += p.numel();
  return n;
}

}  // namespace

TEST(Shapes, AreSeededImagesInRangeWithEveryClass) {
  Settings s;
  s.dataset = "shapes";
  s.n_train = 400;
  s.n_test = 100;
  Dataset a = make_dataset(s), b = make_dataset(s);
  ASSERT_TRUE(a.is_image());
  EXPECT_EQ(a.image_shape, (std::vector<int64_t>{3, 16, 16}));
  EXPECT_EQ(a.x_train.sizes(), (at::IntArrayRef{400, 768}));
  EXPECT_TRUE(at::equal(a.x_train, b.x_train));
  EXPECT_GE(a.x_train.min().item<float>(), -1.0f);
  EXPECT_LE(a.x_train.max().item<float>(), 1.0f);
  for (int k = 0; k < 4; ++k) EXPECT_GT((a.y_train == k).sum().item<int64_t>(), 60) << "class " << k;
  s.data_seed = 2;
  EXPECT_FALSE(at::equal(make_dataset(s).x_train, a.x_train));
}

TEST(Augment, ConstantImagesStayConstant) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
  at::Tensor x = at::full({8, 3 * 8 * 8}, 0.25f);
  EXPECT_TRUE(at::allclose(augment_images(x, {3, 8, 8}, true, g), x));
}

TEST(Augment, CropsShiftByAtMostFourAndFlipOnlyWhenAllowed) {
  // A bright pixel at (5,5) of a 12x12 grey image with a dimmer one to its right: after
  // reflect-pad 4 and a random crop the pair moves by (dy, dx), each uniform in [-4, 4] (no
  // reflected copy can enter the crop from there); a flip puts the dim pixel on the left.
  const int64_t H = 12, W = 12, n = 4000;
  at::Tensor img = at::full({1, 1, H, W}, -1.0f);
  img[0][0][5][5] = 1.0f;
  img[0][0][5][6] = 0.5f;
  at::Tensor x = img.reshape({1, H * W}).expand({n, H * W}).contiguous();
  for (bool flip : {false, true}) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(7);
    at::Tensor out = augment_images(x, {1, H, W}, flip, g).view({n, H, W});
    int dy_counts[9] = {}, dx_counts[9] = {}, mirrored = 0;
    for (int64_t i = 0; i < n; ++i) {
      at::Tensor bright = (out[i] > 0.9).nonzero(), dim = ((out[i] > 0) & (out[i] < 0.9)).nonzero();
      ASSERT_EQ(bright.size(0), 1) << "image " << i;
      ASSERT_EQ(dim.size(0), 1) << "image " << i;
      const int64_t r = bright[0][0].item<int64_t>(), c = bright[0][1].item<int64_t>();
      const bool m = dim[0][1].item<int64_t>() == c - 1;
      mirrored += m;
      const int64_t dy = r - 5, dx = m ? (W - 1 - c) - 5 : c - 5;
      ASSERT_LE(std::abs(dy), 4);
      ASSERT_LE(std::abs(dx), 4);
      ++dy_counts[dy + 4];
      ++dx_counts[dx + 4];
    }
    if (!flip) EXPECT_EQ(mirrored, 0);
    if (flip) EXPECT_NEAR(mirrored / double(n), 0.5, 0.05);
    const double expected = n / 9.0;  // every shift equally likely
    for (int k = 0; k < 9; ++k) {
      EXPECT_NEAR(dy_counts[k], expected, 5 * std::sqrt(expected)) << "dy " << k - 4;
      EXPECT_NEAR(dx_counts[k], expected, 5 * std::sqrt(expected)) << "dx " << k - 4;
    }
  }
}

TEST(WideResNet, Wrn28x10HasTheHandCountedParameters) {
  // Stem 448; groups of 4 blocks at widths 160/320/640 (conv1, conv2, 1x1 shortcut where the
  // width changes, all with biases): 1,639,840 + 6,966,080 + 27,858,560; head 640*10+10.
  ConvNetOptions o;
  o.image_shape = {3, 32, 32};
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
  WideResNet net(o, g);
  EXPECT_EQ(parameter_count(net), 36471338);
}

TEST(WideResNet, SmallVariantsRunWithEveryNormAndRejectBadDepths) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
  for (const char* norm : {"none", "batch", "group"}) {
    ConvNetOptions o;
    o.image_shape = {3, 8, 8};
    o.depth = 10;
    o.widen = 1;
    o.norm = norm;
    o.dropout = 0.1;
    o.uncond = true;
    WideResNet net(o, g);
    NetOutput out = net.forward_all(at::randn({5, 3 * 8 * 8}, g));
    EXPECT_EQ(out.logits.sizes(), (at::IntArrayRef{5, 10})) << norm;
    EXPECT_EQ(out.neg_energy.sizes(), (at::IntArrayRef{5})) << norm;
  }
  ConvNetOptions bad;
  bad.image_shape = {3, 8, 8};
  bad.depth = 12;
  EXPECT_THROW(WideResNet(bad, g), Error);
}

TEST(ConvNets, AutogradScoreMatchesFiniteDifferences) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
  ConvNetOptions o;
  o.image_shape = {3, 6, 6};
  o.n_classes = 3;
  o.cnn_width = 8;
  o.activation = "silu";
  SmallCnn net(o, g);
  net.to(at::kDouble);
  at::Tensor x = at::randn({2, 108}, g).to(at::kDouble);
  at::Tensor y = at::tensor({2, 0}).to(at::kLong);
  for (bool cond : {false, true}) {
    auto [grad, s] = net.score(x, cond ? y : at::Tensor());
    auto f = [&](const at::Tensor& xx) {
      NetOutput out = net.forward_all(xx);
      return cond ? out.logits.gather(1, y.unsqueeze(1)).squeeze(1) : out.neg_energy;
    };
    for (int64_t j : {0, 17, 60, 107}) {
      at::Tensor e = at::zeros_like(x);
      e.select(1, j).fill_(1e-5);
      at::Tensor fd = (f(x + e) - f(x - e)) / 2e-5;
      EXPECT_TRUE(at::allclose(grad.select(1, j), fd, 1e-5, 1e-7)) << "coordinate " << j << " cond " << cond;
    }
  }
}

// The oneDNN drift (blocked layout, fused residual sum, Winograd where oneDNN picks it) against
// autograd through ATen's convolutions: the same scores and gradients to float rounding, for both
// heads, with and without labels, identity and 1x1 shortcuts, after the weights change and at a
// second batch size; a NaN bias makes every score NaN, as through autograd; ReLU and SiLU keep
// autograd.
TEST(WideResNet, OneDnnDriftMatchesAutograd) {
  if (!DnnlWrnScorer::available()) GTEST_SKIP() << "this build has no oneDNN path (JEMLAB_DNNL off)";
  ::unsetenv("JEMLAB_NO_DNNL");  // read as each model is built: this test is about the oneDNN path
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
  ConvNetOptions o;
  o.image_shape = {3, 16, 16};
  o.activation = "leaky_relu";
  for (int depth : {10, 16}) {
    o.depth = depth, o.widen = depth == 10 ? 2 : 1, o.uncond = depth == 16;
    WideResNet net(o, g);
    for (int rows : {7, 3, 7}) {  // the net is built again for each new batch size
      at::Tensor x = at::rand({rows, 3 * 16 * 16}, g) * 2 - 1;
      ASSERT_TRUE(net.dnnl_score_applies(x));
      const at::Tensor y = at::randint(0, 10, {rows}, g);
      for (bool cond : {false, true}) {
        auto [grad, s] = net.score(x, cond ? y : at::Tensor());
        auto [ref_grad, ref_s] = net.EnergyNet::score(x, cond ? y : at::Tensor());
        const double scale = ref_grad.abs().max().item<double>();
        EXPECT_GT(scale, 0) << depth;
        EXPECT_TRUE(at::allclose(s, ref_s, 1e-4, 1e-5)) << "depth " << depth << " rows " << rows << " cond " << cond;
        EXPECT_LT((grad - ref_grad).abs().max().item<double>(), 1e-3 * scale) << "depth " << depth << " rows " << rows << " cond " << cond;
      }
      torch::NoGradGuard no_grad;  // a training step's worth of change: the next call reads the new weights
      for (auto& p : net.parameters()) p.add_(at::randn(p.sizes(), g) * 0.01);
    }
    {
      torch::NoGradGuard no_grad;
      net.parameters()[3].view(-1)[0] = std::nanf("");  // a bias of the first block
    }
    const at::Tensor x = at::rand({4, 3 * 16 * 16}, g);
    EXPECT_TRUE(net.score(x, at::Tensor()).second.isnan().all().item<bool>()) << "depth " << depth;
    EXPECT_TRUE(net.EnergyNet::score(x, at::Tensor()).second.isnan().all().item<bool>()) << "depth " << depth;
  }
  for (const char* act : {"relu", "silu"}) {
    o.activation = act;
    EXPECT_FALSE(WideResNet(o, g).dnnl_score_applies(at::rand({2, 3 * 16 * 16}, g))) << act;
  }
}

TEST(ConvNets, ImageModelsOnPointsAreRefusedWithAMessage) {
  Settings s;
  s.model = "cnn";
  try {
    Trainer t(s);
    FAIL() << "a CNN on moons was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("image model"), std::string::npos) << e.what();
  }
}

TEST(ImageTraining, BaselineLearnsShapes) {
  // The classifier part alone: a small CNN separates the four shapes.
  Settings s = tiny_image_run("shapes");
  s.p_x_weight = 0;
  s.width = 32;
  s.batch_size = 64;
  s.lr = 3e-3;
  s.n_train = 4000;
  s.n_test = 400;
  Trainer t(s);
  for (int i = 0; i < 400; ++i) t.step();
  EXPECT_GT(t.test_accuracy(), 0.8);
}

TEST(ImageTraining, JemStepsMoveTheBufferAndStayFinite) {
  Settings s = tiny_image_run("shapes");
  s.record_chains = 2;
  Trainer t(s);
  const at::Tensor before = t.state().buffer.x().clone();
  for (int i = 0; i < 5; ++i) {
    std::optional<GuardEvent> guard;
    StepStats st = t.step(&guard);
    ASSERT_FALSE(guard.has_value());
    EXPECT_TRUE(std::isfinite(st.loss) && std::isfinite(st.gap)) << "step " << i;
  }
  EXPECT_FALSE(at::equal(before, t.state().buffer.x()));
  BufferView bv = t.buffer_view();
  EXPECT_TRUE(bv.xy.empty());
  EXPECT_EQ(bv.images.n, 64);
  EXPECT_EQ(bv.images.rgb.size(), size_t(64 * 16 * 16 * 3));
  EXPECT_EQ(bv.images.pred.size(), size_t(64));
  Trajectories tr = t.last_trajectories();
  EXPECT_EQ(tr.film.n, s.n_steps + 1);  // chain 0 at every step
  ImageGrid g = t.sample_images(6, 2, 1, false, 3);
  EXPECT_EQ(g.n, 6);
  EXPECT_THROW(t.field(Box{}, 8), Error);
}

// The small CNN (autograd drift) and WRN-10-2 (the oneDNN drift where the build has it).
TEST(ImageTraining, ResumeIsBitIdentical) {
  for (const char* model : {"cnn", "wrn-10-2"}) {
    Settings s = tiny_image_run("shapes");
    s.model = model;
    s.activation = "leaky_relu";  // the official WRN's, which the oneDNN drift takes
    Trainer a(s);
    for (int i = 0; i < 3; ++i) a.step();
    std::unique_ptr<Trainer> b = Trainer::deserialize(a.serialize(), "test");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(a.step().loss, b->step().loss) << model << " step " << i;
    EXPECT_TRUE(at::equal(a.state().buffer.x(), b->state().buffer.x())) << model;
  }
}

TEST(ImageFiles, Cifar10FromFilesTrainsAndEvaluatesWithOodSets) {
  const std::string dir = tmp_dir("cifar");
  using namespace fixtures;
  for (int i = 1; i <= 5; ++i)
    write_bytes(dir + "/cifar-10-batches-bin/data_batch_" + std::to_string(i) + ".bin",
                cifar_bytes(synthetic_images(30, 3, 32, 32, 10, uint32_t(i)), CifarKind::Cifar10));
  write_bytes(dir + "/cifar-10-batches-bin/test_batch.bin", cifar_bytes(synthetic_images(40, 3, 32, 32, 10, 9), CifarKind::Cifar10));
  write_bytes(dir + "/train_32x32.mat", svhn_mat_bytes(synthetic_images(20, 3, 32, 32, 10, 11)));
  write_bytes(dir + "/test_32x32.mat", svhn_mat_bytes(synthetic_images(25, 3, 32, 32, 10, 12)));

  Settings s = tiny_image_run("cifar10");
  s.data_dir = dir;
  s.n_valid = 20;
  s.model = "wrn-10-2";
  Trainer t(s);
  const Dataset& d = t.state().data;
  EXPECT_EQ(d.image_shape, (std::vector<int64_t>{3, 32, 32}));
  EXPECT_EQ(d.x_train.size(0), 130);  // 150 minus the 20 held out
  EXPECT_EQ(d.x_valid.size(0), 20);
  EXPECT_EQ(d.x_test.size(0), 40);
  EXPECT_TRUE(d.flip_ok);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(std::isfinite(t.step().loss));
  for (const char* ood : {"noise", "constant", "interp", "svhn"}) {
    OodEval e = eval_ood(t, ood);
    ASSERT_EQ(e.scores.size(), 4u) << ood;
    EXPECT_EQ(e.n_ood, std::string(ood) == "svhn" ? 25 : 40) << ood;
    for (const auto& sc : e.scores) EXPECT_TRUE(sc.auroc >= 0 && sc.auroc <= 1) << ood << " " << sc.score;
  }
  EXPECT_THROW(eval_likelihood(t, 16), Error);
  try {
    eval_ood(t, "cifar100");
    FAIL() << "missing cifar100 files were not reported";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.bin"), std::string::npos) << e.what();
  }
}

TEST(ImageTraining, ChannelsLastGivesTheSameStepsAndBf16StaysClose) {
  // Channels-last is a layout: the same run, the same losses up to float reordering. bf16
  // autocast rounds activations to 8 bits of mantissa: close, not equal, and finite.
  Settings s = tiny_image_run("shapes");
  Trainer plain(s);
  s.channels_last = true;
  Trainer cl(s);
  s.channels_last = false;
  s.amp = "bf16";
  Trainer half(s);
  for (int i = 0; i < 3; ++i) {
    const StepStats a = plain.step(), b = cl.step(), c = half.step();
    EXPECT_NEAR(a.loss, b.loss, 1e-4 * (1 + std::abs(a.loss))) << "step " << i;
    EXPECT_TRUE(std::isfinite(c.loss)) << "step " << i;
    EXPECT_NEAR(a.l_pyx, c.l_pyx, 0.05 * (1 + std::abs(a.l_pyx))) << "step " << i;
  }
  auto params = cl.state().net->parameters();
  EXPECT_TRUE(params[0].is_contiguous(at::MemoryFormat::ChannelsLast));
}

TEST(ImageRobustness, TheSameAttackPathScoresImagesAndShowsTheirTiles) {
  Settings s = tiny_image_run("shapes");
  s.attack_points = 12;
  s.n_steps_pgd_attack = 3;
  s.n_steps_refine = 2;
  s.n_dup_chains = 2;
  s.purify_steps = 2;
  s.eps = "0,0.25";
  Trainer t(s);
  for (int i = 0; i < 3; ++i) t.step();
  const RobustnessEval e = eval_robustness(t);
  ASSERT_EQ(e.defences.size(), 3u);
  EXPECT_EQ(e.n_points, 12);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_DOUBLE_EQ(e.accuracy[k][0], e.clean[k]);
    EXPECT_LE(e.accuracy[k][1], e.accuracy[k][0]);
  }
  // Eight test images in three rows: clean, adversarial at eps 0.25, purified.
  EXPECT_EQ(e.examples.n, 24);
  EXPECT_EQ(e.examples.rgb.size(), size_t(24) * 16 * 16 * 3);
  EXPECT_EQ(e.examples.pred.size(), 24u);
  EXPECT_EQ(e.example_rows.size(), 3u);
  // The adversarial row differs from the clean one, and by at most eps per channel (8-bit tiles
  // of [-1, 1]: 0.25 is 32 levels, plus one for rounding).
  int max_diff = 0;
  for (size_t i = 0; i < size_t(8) * 16 * 16 * 3; ++i)
    max_diff = std::max(max_diff, std::abs(int(e.examples.rgb[i]) - int(e.examples.rgb[i + size_t(8) * 16 * 16 * 3])));
  EXPECT_GT(max_diff, 8);
  EXPECT_LE(max_diff, 33);
  EXPECT_THROW(attack_point(t, 0, 0, 0, 0.1), Error);
}
