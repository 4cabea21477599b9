// jemlab control: the JEM control dataset (binary x, binary y) with exact p(x), baseline vs JEM.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/control/control.h"
#include "core/util/error.h"

namespace jem::cli {

int cmd_control(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"joint", "The table p(0,0),p(0,1),p(1,0),p(1,1) (default: four U(0,1) numbers from --seed, normalised)", ""},
      int_option("seed", "Seed of the random table and of the sampled dataset", "3", 0, kIntMax),
      int_option("n_samples", "Dataset size drawn from the table", "100000", 1, 100000000),
      {"json", "Print one JSON object {true, baseline, jem} instead of the table", "", false},
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("control", "Baseline vs JEM on the control dataset: the triple table of joint, p(x), p(y|x).",
                            own, false).c_str());
    return 0;
  }
  ControlOptions o;
  o.seed = static_cast<uint64_t>(a.get_int("seed"));
  o.n_samples = a.get_int("n_samples");
  TripleTable truth = a.has("joint") ? parse_joint(a.get("joint")) : random_joint(o.seed);
  ControlResult r = run_control(truth, o);
  std::printf("%s\n", a.has("json") ? control_json(r).c_str() : control_table_text(r).c_str());
  return 0;
}

}  // namespace jem::cli
