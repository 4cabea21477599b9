// Checkpoints: exact resume, atomic writes, and refusal of damaged or foreign files.
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/io/archive_check.h"
#include "core/io/checkpoint.h"
#include "core/io/pickle_scan.h"
#include "core/io/zip_directory.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "tests/error_message.h"

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

namespace {

// A zip of stored entries, as small as the format allows (no zip64, no padding).
std::string tiny_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  auto le = [](std::string& s, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) s.push_back(char(v >> (8 * i)));
  };
  std::string out, dir;
  for (const auto& [name, data] : files) {
    const uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())));
    const size_t at = out.size();
    le(out, 0x04034b50, 4), le(out, 20, 2), le(out, 0, 2), le(out, 0, 2), le(out, 0, 4), le(out, crc, 4);
    le(out, data.size(), 4), le(out, data.size(), 4), le(out, name.size(), 2), le(out, 0, 2);
    out += name + data;
    le(dir, 0x02014b50, 4), le(dir, 20, 2), le(dir, 20, 2), le(dir, 0, 2), le(dir, 0, 2), le(dir, 0, 4);
    le(dir, crc, 4), le(dir, data.size(), 4), le(dir, data.size(), 4), le(dir, name.size(), 2);
    le(dir, 0, 2), le(dir, 0, 2), le(dir, 0, 2), le(dir, 0, 2), le(dir, 0, 4), le(dir, at, 4);
    dir += name;
  }
  const size_t dir_at = out.size();
  out += dir;
  le(out, 0x06054b50, 4), le(out, 0, 4), le(out, files.size(), 2), le(out, files.size(), 2);
  le(out, dir.size(), 4), le(out, dir_at, 4), le(out, 0, 2);
  return out;
}

std::string refusal(const std::string& payload) {
  return error_message([&] { check_torch_archive(payload, "x.ckpt"); }, "accepted");
}

}  // namespace

TEST(ZipDirectory, ListsWhatLibTorchListsInFileOrder) {
  Settings s;
  s.n_train = 64, s.buffer_size = 16, s.batch_size = 8, s.n_steps = 1, s.threads = 1;
  const std::string payload = Trainer(s).serialize();
  std::istringstream stream(payload);
  caffe2::serialize::PyTorchStreamReader reader(&stream);
  std::vector<std::string> ours;
  for (const ZipEntry& e : read_zip_directory(payload, "x")) ours.push_back(e.name.substr(e.name.find('/') + 1));
  std::vector<std::string> theirs = reader.getAllRecords();
  std::sort(ours.begin(), ours.end()), std::sort(theirs.begin(), theirs.end());
  EXPECT_EQ(ours, theirs);
  const auto files = read_zip_directory(tiny_zip({{"a/b", "hello"}, {"a/c", ""}}), "x");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(read_stored_entry(tiny_zip({{"a/b", "hello"}}), files[0], "x"), "hello");
  EXPECT_EQ(files[1].name, "a/c");
}

// PyTorchStreamReader leaks miniz's state when its constructor throws after opening the zip,
// so these are refused before one is built (the ASan stage of the suite would report the leak).
TEST(Checkpoint, ArchivesTheStreamReaderWouldThrowOnAreRefusedBeforeIt) {
  EXPECT_NE(refusal(tiny_zip({})).find("empty archive"), std::string::npos) << refusal(tiny_zip({}));
  EXPECT_NE(refusal(tiny_zip({{"version", "3"}})).find("no archive folder"), std::string::npos);
  EXPECT_NE(refusal(tiny_zip({{"a/data.pkl", "x"}})).find("no version record"), std::string::npos);
  EXPECT_NE(refusal(tiny_zip({{"a/version", "3x"}})).find("unsupported archive version"), std::string::npos);
  EXPECT_NE(refusal(tiny_zip({{"a/version", "99"}})).find("unsupported archive version"), std::string::npos);
  EXPECT_NE(refusal(tiny_zip({{"a/version", "0"}})).find("unsupported archive version"), std::string::npos);
  // miniz finds names case-insensitively: a second 'VERSION' could be the one it reads.
  EXPECT_NE(refusal(tiny_zip({{"a/version", "3"}, {"a/VERSION", "99"}})).find("unsupported archive version"),
            std::string::npos);
  std::string bad_crc = tiny_zip({{"a/version", "3"}});
  bad_crc[30 + 9] = '4';
  EXPECT_NE(refusal(bad_crc).find("fails its CRC"), std::string::npos) << refusal(bad_crc);
  // LibTorch allocates what a record claims before it reads it: claims beyond the file are refused.
  std::string huge = tiny_zip({{"a/version", "3"}});
  huge[30 + 9 + 1 + 24 + 3] = '\x7f';  // the directory's uncompressed size: ~2 GB for one byte
  EXPECT_NE(refusal(huge).find("record 'a/version' claims 2130706433 bytes"), std::string::npos) << refusal(huge);
  // Zips the reader opens, which the record whitelist then refuses.
  EXPECT_NE(refusal(tiny_zip({{"a/version", "3\n"}})).find("no code/__torch__.py"), std::string::npos);
  EXPECT_NE(refusal(tiny_zip({{"a/version", "3"}})).find("no code/__torch__.py"), std::string::npos);
  const std::string cut = tiny_zip({{"a/version", "3"}});
  for (size_t n = 0; n < cut.size(); ++n)
    EXPECT_NE(refusal(cut.substr(0, n)), "accepted") << n;
}

// LibTorch's unpickler believed the sizes a pickle claims (a memo index of 2^31 asked for tens of
// gigabytes): the archive check walks data.pkl first.
TEST(PickleScan, RefusesClaimsBeyondThePickleAndUnknownOpcodes) {
  auto refusal = [](const std::string& p) {
    try {
      check_pickle_bounds(p, "x.ckpt");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  using namespace std::string_literals;
  EXPECT_EQ(refusal("\x80\x02K\x05q\x00."s), "accepted");
  EXPECT_EQ(refusal("\x80\x02X\x02\x00\x00\x00" "abq\x01h\x01\x86."s), "accepted");
  EXPECT_EQ(refusal("(I12\ncfoo\nbar\ntp0\n."s), "accepted");
  EXPECT_NE(refusal("\x80\x02K\x05r\x00\x00\x00\x80."s).find("memo index beyond the pickle's size at byte 4"), std::string::npos);
  EXPECT_NE(refusal("K\x05p99999\n."s).find("memo index"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02X\x00\xca\x9a\x3b\x61\x62."s).find("a length beyond the end at byte 2"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02\x8d\x00\x00\x00\x00\x00\x00\x00\x01."s).find("a length beyond the end"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02\xff."s).find("unknown opcode at byte 2"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02K\x05"s).find("no STOP"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02J\x01"s).find("truncated argument"), std::string::npos);
  EXPECT_NE(refusal("ccopy_reg\n_rec"s).find("unterminated line"), std::string::npos);
  // What our writer emits passes (every model and optimiser: EveryModelAndOptimiserPassesTheArchiveCheck).
  Settings s;
  s.n_train = 64, s.buffer_size = 16, s.batch_size = 8, s.n_steps = 1, s.threads = 1;
  const std::string payload = Trainer(s).serialize();
  std::istringstream stream(payload);
  caffe2::serialize::PyTorchStreamReader reader(&stream);
  auto [data, size] = reader.getRecord("data.pkl");
  EXPECT_EQ(refusal(std::string(static_cast<const char*>(data.get()), size)), "accepted");
}

TEST(Checkpoint, CsvDataTrainsAndAChangedFileIsRefusedOnResume) {
  // Two blobs of your own points, read from a file: a fifth of them are the test split.
  const std::string csv = tmp_path("points.csv"), ckpt = tmp_path("points.ckpt");
  auto write_points = [&](double shift) {
    std::ofstream f(csv);
    f << "x0,x1,label\n";
    for (int i = 0; i < 400; ++i) {
      const int k = i % 2;
      f << (k ? 2.0 : -2.0) + 0.3 * std::sin(i * 1.7) << ',' << 0.3 * std::cos(i * 2.3) + shift << ',' << k << '\n';
    }
  };
  write_points(0);
  Settings s;
  s.dataset = "csv";
  s.data_file = csv;
  s.eval_every = 0;
  s.threads = 1;
  Trainer t(s);
  EXPECT_EQ(t.state().data.x_train.size(0), 320);
  EXPECT_EQ(t.state().data.x_test.size(0), 80);
  EXPECT_EQ(t.n_classes(), 2);
  EXPECT_LT(t.state().data.box.x0, -2.3f);
  EXPECT_GT(t.state().data.box.x1, 2.3f);
  for (int i = 0; i < 60; ++i) t.step();
  EXPECT_GT(t.test_accuracy(), 0.95);
  save_checkpoint(t, ckpt);
  EXPECT_EQ(load_checkpoint(ckpt)->iteration(), 60);  // the same file: resumes
  write_points(0.01);
  EXPECT_NE(load_error(ckpt).find("another version of " + csv), std::string::npos) << load_error(ckpt);
  std::remove(csv.c_str());
  EXPECT_NE(load_error(ckpt).find("cannot open the points file"), std::string::npos) << load_error(ckpt);
  std::remove(ckpt.c_str());
  s.data_file = "";
  EXPECT_THROW(Trainer{s}, Error);
}
