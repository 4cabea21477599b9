// The JEM control dataset (seed 003): binary x, binary y, a 2x2 joint table p(x, y). Because x
// takes two values, p(x) is exact: log p(x) = logsumexp_y f(x)[y] - log sum_x' sum_y exp f(x')[y].
// A baseline classifier (cross-entropy only) learns p(y|x) but its logits say nothing true about
// p(x); JEM trained with the exact p(x) term (no sampler) learns the joint.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace jem {

struct TripleTable {
  double joint[2][2] = {};       // p(x, y), indexed [x][y]
  double px[2] = {};             // p(x)
  double py_given_x[2][2] = {};  // p(y | x), indexed [x][y]
};

struct ControlOptions {
  int64_t n_samples = 100000;  // dataset drawn from the table, as the seed describes
  int iters = 3000;            // full-batch Adam steps
  double lr = 0.05;
  uint64_t seed = 3;
};

struct ControlResult {
  TripleTable truth, empirical, baseline, jem;
  int64_t n = 0;
};

// Four U(0,1) numbers normalised to sum to one, as the seed's dataset was made.
TripleTable random_joint(uint64_t seed);
// From p(0,0), p(0,1), p(1,0), p(1,1) (any non-negative numbers; normalised). Throws Error.
TripleTable joint_table(const double p[4]);
TripleTable parse_joint(const std::string& text);  // "P00,P01,P10,P11"

ControlResult run_control(const TripleTable& truth, const ControlOptions& o = {});

// The same training, step by step (the window shows it converging).
class ControlTrainer {
 public:
  explicit ControlTrainer(const TripleTable& truth, const ControlOptions& o = {});
  ~ControlTrainer();
  void step(int n);  // n more Adam steps of both models, stopping at options().iters
  int iteration() const;
  bool done() const { return iteration() >= opt_.iters; }
  const ControlOptions& options() const { return opt_; }
  ControlResult result() const;

 private:
  struct Impl;
  ControlOptions opt_;
  std::unique_ptr<Impl> impl_;
};

std::string control_table_text(const ControlResult& r);  // true / baseline / JEM, side by side
std::string control_json(const ControlResult& r, int indent = 2);

}  // namespace jem
