// Training states that parse but do not fit their run (moments, buffers), and the fuzzer's
// findings kept as fixtures: each is refused by name before training touches it.
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/optim.h>
#include <torch/serialize.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/io/pickle_scan.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "tests/error_message.h"

using namespace jem;

namespace {

Settings small_run(int64_t buffer_size) {
  Settings s;
  s.n_train = 64, s.buffer_size = buffer_size, s.batch_size = 8, s.n_steps = 1, s.threads = 1, s.width = 8;
  return s;
}

// `base`'s saved state with its model from `model_from`, its optimiser from `optim_from` and,
// when `buffer_x` is defined, that replay buffer.
struct StateParts {
  Trainer* model_from;
  Trainer* optim_from;
  at::Tensor buffer_x, buffer_age;
};

std::string rebuilt(Trainer& base, const StateParts& parts) {
  torch::serialize::InputArchive in;
  const std::string payload = base.serialize();
  in.load_from(payload.data(), payload.size());
  torch::serialize::OutputArchive out, model, optim;
  for (const char* key : {"format", "settings", "step", "wall"}) {
    c10::IValue v;
    EXPECT_TRUE(in.try_read(key, v)) << key;
    out.write(key, v);
  }
  parts.model_from->state().net->save(model);
  parts.optim_from->state().opt->save(optim);
  out.write("model", model), out.write("optimizer", optim), out.write("rng", base.state().rng->state());
  out.write("has_buffer", c10::IValue(parts.buffer_x.defined()));
  if (parts.buffer_x.defined()) out.write("buffer_x", parts.buffer_x), out.write("buffer_age", parts.buffer_age);
  std::ostringstream bytes;
  out.save_to(bytes);
  return bytes.str();
}

std::string load_refusal(const std::string& payload) {
  return error_message([&] { load_checkpoint_bytes(frame_payload(payload), "x.ckpt"); }, "accepted");
}

}  // namespace

// LibTorch loads optimiser moments without comparing them with the parameters; its step()
// then threw mid-training (found by fuzzing). A state whose moments do not fit is refused.
TEST(CheckpointState, OptimiserMomentsShapedUnlikeTheirParametersAreRefused) {
  Trainer a(small_run(0));
  a.step();
  Settings wide = small_run(0);
  wide.width = 16;
  Trainer b(wide);
  b.step();
  // a's whole state with b's optimiser (same parameter count, other shapes).
  EXPECT_NE(load_refusal(rebuilt(a, {&a, &b, {}, {}})).find("x.ckpt: training state's optimiser first moment does not match"),
            std::string::npos);
  EXPECT_EQ(load_refusal(rebuilt(a, {&a, &a, {}, {}})), "accepted");
  EXPECT_EQ(load_checkpoint_bytes(frame_payload(a.serialize()), "x.ckpt")->iteration(), 1);
}

// A saved buffer of another width, type or layout made the next draw read past its storage
// (found by fuzzing, in CI): it must match the run's data, one int64 age per row, whole classes.
TEST(CheckpointState, SavedReplayBufferThatDoesNotFitTheRunIsRefused) {
  Trainer a(small_run(16));
  a.step();
  const at::Tensor x = a.state().buffer.x(), age = a.state().buffer.age();
  ASSERT_EQ(x.sizes(), (at::IntArrayRef{16, 2}));
  ASSERT_GT(a.state().data.n_classes, 1);
  auto refusal = [&](const at::Tensor& bx, const at::Tensor& bage) { return load_refusal(rebuilt(a, {&a, &a, bx, bage})); };
  const std::string expected = "x.ckpt: training state's replay buffer does not fit the run";
  EXPECT_NE(refusal(at::zeros({16, 3}), age).find(expected), std::string::npos);
  EXPECT_NE(refusal(at::zeros({16}), age).find(expected), std::string::npos);
  EXPECT_NE(refusal(x.to(at::kDouble), age).find(expected), std::string::npos);
  EXPECT_NE(refusal(x, age.to(at::kInt)).find(expected), std::string::npos);
  EXPECT_NE(refusal(x, age.slice(0, 0, 15)).find(expected), std::string::npos);
  EXPECT_NE(refusal(x, age.view({4, 4})).find(expected), std::string::npos);
  EXPECT_NE(refusal(x.slice(0, 0, 15), age.slice(0, 0, 15)).find(expected), std::string::npos);  // not whole classes
  // Rows repeated by a zero stride are in bounds; the buffer keeps its own dense copy and trains.
  const std::string repeated = rebuilt(a, {&a, &a, x.slice(0, 0, 1).expand({16, 2}), age});
  ASSERT_EQ(load_refusal(repeated), "accepted");
  auto b = load_checkpoint_bytes(frame_payload(repeated), "x.ckpt");
  EXPECT_TRUE(b->state().buffer.x().is_contiguous());
  b->step();
  EXPECT_EQ(b->iteration(), 2);
  EXPECT_EQ(load_refusal(rebuilt(a, {&a, &a, x, age})), "accepted");
}

// The MLP's hand-written score reads its weights as dense rows: a saved weight with other strides
// (in bounds, here zero) is copied into the model's own layout, values kept.
TEST(CheckpointState, ModelTensorsSavedWithOtherStridesTakeTheModelsLayout) {
  Trainer a(small_run(16));
  a.step();
  Trainer odd(small_run(16));
  at::Tensor w = odd.state().net->parameters()[0];
  {
    at::NoGradGuard no_grad;
    w.set_data(w.flatten()[3].expand(w.sizes()));
  }
  ASSERT_EQ(w.stride(0), 0);
  const std::string payload = rebuilt(a, {&odd, &a, a.state().buffer.x(), a.state().buffer.age()});
  auto b = load_checkpoint_bytes(frame_payload(payload), "x.ckpt");
  const at::Tensor loaded = b->state().net->parameters()[0];
  EXPECT_TRUE(loaded.is_contiguous());
  EXPECT_TRUE(at::equal(loaded, w));
  b->step();
  b->sample(4, 2, -1, false, 1);
  EXPECT_EQ(b->iteration(), 2);
}

TEST(CheckpointState, FuzzerFindingsAreRefusedWithAClearMessage) {
  const std::string dir = JEMLAB_SOURCE_DIR "/assets/fixtures/fuzz_checkpoint/";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"optimiser_moment_shape.payload", "training state's optimiser"},
      {"optimiser_parameter_twice.payload", "training state's optimiser lists a parameter twice"},
      {"storage_beyond_record.payload", "holds other than the"},
      {"pickle_pop_past_mark.payload", "a pop from an empty stack"},
      {"serialization_id_damaged.payload", "'archive/.data/serialization_id' has no local header"},
      {"pickle_memo_2e31.payload", "memo index beyond the pickle's size"},
      {"tensor_outside_storage.payload", "bytes its tensor claims"},  // now caught at the archive check
  };
  for (const auto& [file, expected] : cases) {
    const std::string bytes = read_file(dir + file);
    ASSERT_GT(bytes.size(), 1000u) << file;
    try {
      load_checkpoint_bytes(frame_payload(bytes), file);
      ADD_FAILURE() << file << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(file + ": "), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

// The storage claims of a hand-written pickle, and of what our writer emits.
TEST(CheckpointState, PickleStorageClaimsAreReadFromTheTuplesBeforeBinpersid) {
  using namespace std::string_literals;
  const std::string first = "(X\x07\x00\x00\x00storageq\x00" "ctorch\nFloatStorage\nq\x01X\x01\x00\x00\x00" "0q\x02"
                            "X\x03\x00\x00\x00" "cpuq\x03K\x10tQ"s;
  const std::string one = first + ".";
  const auto claims = pickle_storage_claims(one, "p");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].key, "0");
  EXPECT_EQ(claims[0].bytes, 64u);  // 16 floats
  // The second storage names 'storage' and the type by memo reads, as the writer does.
  const std::string two = "(" + first + "(h\x00h\x01X\x01\x00\x00\x00" "1h\x03M\x00\x01tQt."s;
  const auto both = pickle_storage_claims(two, "p");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].key, "1");
  EXPECT_EQ(both[1].bytes, 1024u);  // 256 floats
  auto refusal = [](const std::string& p) { return error_message([&] { pickle_storage_claims(p, "p"); }, "accepted"); };
  EXPECT_NE(refusal("(X\x03\x00\x00\x00" "abcK\x01tQ."s).find("a persistent id that is no storage at byte 12"), std::string::npos);
  EXPECT_NE(refusal("K\x01Q."s).find("a persistent id that is no storage"), std::string::npos);
  const std::string weird_type = "(X\x07\x00\x00\x00storagectorch\nWeirdStorage\nX\x01\x00\x00\x00" "0X\x03\x00\x00\x00" "cpuK\x01tQ."s;
  EXPECT_NE(refusal(weird_type).find("a storage of an unknown type"), std::string::npos);
  // Stack effects as Python's unpickler has them (LibTorch's popped past a MARK: a bad free).
  const std::string newobj_after_mark = "\x80\x02" "c__torch__\nModule\nq\x00(\x81}."s;
  EXPECT_NE(refusal(newobj_after_mark).find("a pop from an empty stack at byte 23"), std::string::npos) << refusal(newobj_after_mark);
  EXPECT_NE(refusal("K\x01t."s).find("no MARK to pop to at byte 2"), std::string::npos);
  EXPECT_NE(refusal("K\x01K\x02."s).find("a STOP that leaves the stack unbalanced at byte 4"), std::string::npos);
  EXPECT_NE(refusal("(."s).find("a pop from an empty stack at byte 1"), std::string::npos);
  EXPECT_EQ(refusal("K\x01K\x02\x86."s), "accepted");
  // A real training state: one claim per tensor record, and the archive check passes it.
  Trainer t(small_run(16));
  const std::string payload = t.serialize();
  std::istringstream stream(payload);
  caffe2::serialize::PyTorchStreamReader reader(&stream);
  auto [data, size] = reader.getRecord("data.pkl");
  const auto real = pickle_storage_claims(std::string(static_cast<const char*>(data.get()), size), "x");
  EXPECT_GT(real.size(), 5u);
  for (const StorageClaim& c : real) EXPECT_EQ(std::get<1>(reader.getRecord("data/" + c.key)), c.bytes) << c.key;
}
