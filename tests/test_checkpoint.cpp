// Checkpoints: exact resume, atomic writes, and refusal of damaged or foreign files.
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/io/archive_check.h"
#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

using namespace jem;

namespace {

std::string tmp_path(const std::string& name) {
  return ::testing::TempDir() + "/jemlab_" + std::to_string(::getpid()) + "_" + name;
}

void expect_same_state(Trainer& a, Trainer& b) {
  auto pa = a.state().net->parameters(), pb = b.state().net->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i], pb[i])) << "parameter " << i;
  EXPECT_TRUE(at::equal(a.state().buffer.x(), b.state().buffer.x()));
  EXPECT_TRUE(at::equal(a.state().buffer.age(), b.state().buffer.age()));
  EXPECT_EQ(a.iteration(), b.iteration());
}

std::string load_error(const std::string& path) {
  try {
    load_checkpoint(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Checkpoint, ResumeOnTheCpuIsBitIdentical) {
  for (const char* opt : {"adam", "sgd"}) {
    Settings s;
    s.n_train = 2000;
    s.optimizer = opt;
    s.sigma = 0.01;  // exercises the data-noise RNG draws too
    s.class_cond_p_x_sample = true;
    Trainer a(s);
    for (int i = 0; i < 20; ++i) a.step();
    const std::string path = tmp_path(std::string("resume_") + opt + ".ckpt");
    save_checkpoint(a, path);
    std::vector<double> losses_a;
    for (int i = 0; i < 20; ++i) losses_a.push_back(a.step().loss);

    auto b = load_checkpoint(path);
    EXPECT_EQ(b->iteration(), 20);
    EXPECT_EQ(b->settings(), s);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(b->step().loss, losses_a[i]) << opt << " step " << 21 + i;
    expect_same_state(a, *b);
    std::remove(path.c_str());
  }
}

TEST(Checkpoint, DamagedOrForeignFilesAreRefusedWithAClearMessage) {
  Settings s;
  s.n_train = 500;
  s.buffer_size = 100;
  Trainer t(s);
  t.step();
  const std::string good = tmp_path("good.ckpt");
  save_checkpoint(t, good);
  const std::string bytes = read_file(good);

  const std::string p = tmp_path("bad.ckpt");
  write_file_atomically(p, bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(load_error(p).find("truncated"), std::string::npos) << load_error(p);

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x5a;
  write_file_atomically(p, flipped);
  EXPECT_NE(load_error(p).find("corrupt"), std::string::npos) << load_error(p);

  write_file_atomically(p, "{\"p_x_weight\": 1}\n");
  EXPECT_NE(load_error(p).find("not a JEM Lab checkpoint"), std::string::npos) << load_error(p);

  write_file_atomically(p, frame_payload("a well framed payload that is not a torch archive"));
  EXPECT_NE(load_error(p).find("not a readable training state"), std::string::npos) << load_error(p);

  write_file_atomically(p, "");
  EXPECT_NE(load_error(p).find("not a JEM Lab checkpoint"), std::string::npos);
  EXPECT_NE(load_error(tmp_path("missing.ckpt")).find("cannot open"), std::string::npos);
  std::remove(p.c_str());
  std::remove(good.c_str());
}

TEST(Checkpoint, AtomicWriteLeavesNoTempFileAndReplacesWhole) {
  const std::string p = tmp_path("atomic.txt");
  write_file_atomically(p, "first version, longer than the second");
  write_file_atomically(p, "second");
  EXPECT_EQ(read_file(p), "second");
  EXPECT_THROW(write_file_atomically("/nonexistent-dir/x.ckpt", "x"), Error);
  std::remove(p.c_str());
}

// A writer killed before its rename leaves NAME.tmp.PID; the next write removes those of dead
// processes (never a live one's: two windows may autosave to one path).
TEST(Checkpoint, AtomicWriteRemovesTemporariesOfDeadWriters) {
  const std::string p = tmp_path("stale.ckpt");
  const std::string dead = p + ".tmp.999999999", live = p + ".tmp." + std::to_string(::getppid());
  std::ofstream(dead) << "half a file";
  std::ofstream(live) << "being written";
  write_file_atomically(p, "whole");
  EXPECT_FALSE(std::ifstream(dead).good());
  EXPECT_TRUE(std::ifstream(live).good());
  EXPECT_FALSE(std::ifstream(p + ".tmp." + std::to_string(::getpid())).good());
  EXPECT_EQ(read_file(p), "whole");
  std::remove(live.c_str());
  std::remove(p.c_str());
}

TEST(Checkpoint, PeekReadsStepAndKnobsWithoutBuildingTheModel) {
  Settings s;
  s.dataset = "circles";
  s.n_train = 300;
  s.buffer_size = 200;
  s.batch_size = 32;
  s.n_steps = 2;
  s.threads = 1;
  Trainer t(s);
  for (int i = 0; i < 3; ++i) t.step();
  const std::string p = tmp_path("peek.ckpt");
  save_checkpoint(t, p);
  const CheckpointInfo info = peek_checkpoint(p);
  EXPECT_EQ(info.step, 3);
  EXPECT_EQ(info.dataset, "circles");
  EXPECT_EQ(info.model, "mlp");
  EXPECT_GT(info.saved_at, 1600000000);
  const std::string bytes = read_file(p);
  write_file_atomically(p, bytes.substr(0, bytes.size() - 10));
  EXPECT_THROW(peek_checkpoint(p), Error);
  std::remove(p.c_str());
}

// Every model and optimiser this build writes passes the archive check before LibTorch imports it.
TEST(Checkpoint, EveryModelAndOptimiserPassesTheArchiveCheck) {
  Settings s;
  s.dataset = "shapes", s.n_train = 64, s.n_test = 16, s.batch_size = 8, s.width = 8, s.n_steps = 1;
  s.buffer_size = 16, s.threads = 1, s.eval_every = 0;
  for (const char* model : {"cnn", "wrn-10-2"})
    for (const char* norm : {"none", "batch", "group"})
      for (const char* opt : {"adam", "sgd"}) {
        Settings v = s;
        v.model = model, v.norm = norm, v.optimizer = opt, v.momentum = 0.9, v.uncond = v.optimizer == "sgd";
        Trainer t(v);
        t.step();
        const std::string payload = t.serialize();
        EXPECT_NO_THROW(check_torch_archive(payload, "x")) << model << " " << norm << " " << opt;
        EXPECT_EQ(load_checkpoint_bytes(frame_payload(payload), "x")->iteration(), 1) << model << " " << norm << " " << opt;
      }
}

// LibTorch compiles the TorchScript in an archive's code/ records and crashes on crafted source:
// anything but the class declarations our writer emits is refused first.
TEST(Checkpoint, ForeignTorchScriptInTheArchiveIsRefusedBeforeImport) {
  Settings s;
  s.n_train = 64, s.buffer_size = 16, s.batch_size = 8, s.n_steps = 1, s.threads = 1;
  Trainer t(s);
  const std::string payload = t.serialize();
  auto rewrite = [&](const std::string& record, const std::string& text) {
    std::istringstream stream(payload);
    caffe2::serialize::PyTorchStreamReader in(&stream);
    std::string out;
    caffe2::serialize::PyTorchStreamWriter w([&](const void* p, size_t n) {
      out.append(static_cast<const char*>(p), n);
      return n;
    });
    for (const std::string& name : in.getAllRecords()) {
      if (name == "version") continue;  // the writer adds its own
      auto [data, size] = in.getRecord(name);
      std::string bytes(static_cast<const char*>(data.get()), size);
      if (name == record) bytes += text;
      w.writeRecord(name, bytes.data(), bytes.size());
    }
    w.writeEndOfFile();
    return out;
  };
  EXPECT_NO_THROW(check_torch_archive(rewrite("code/__torch__.py", ""), "x"));
  for (const char* line : {"  x : Final[int] = 3\n", "  def forward(self):\n    return 1\n",
                           "  __constants__ = [\"x\", ]\n", "  loop : __torch__.Module\n"}) {
    try {
      load_checkpoint_bytes(frame_payload(rewrite("code/__torch__.py", line)), "x.ckpt");
      ADD_FAILURE() << "accepted: " << line;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("x.ckpt: not a training state this build writes"), std::string::npos)
          << e.what();
    }
  }
}
