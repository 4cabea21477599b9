// jemlab attack: robust accuracy of a checkpoint's classifier and of its JEM defences under PGD,
// per eps. Prints the table, writes attack.csv, attack.json and attack.png (accuracy against eps,
// one line per defence), and for images attack_examples.png (clean, adversarial, defended).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/png_chart.h"
#include "core/eval/robustness.h"
#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/params/schema.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

const char* kGroup = "robustness";

std::string short_eps(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string robustness_knob_names() {
  std::string names;
  for (const auto& p : schema())
    if (p.group == kGroup) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

// The checkpoint's settings with the robustness knobs given on the command line; any other knob
// would change the model being attacked, so it is refused by name.
Settings attack_settings(const Args& a, const Settings& saved) {
  for (const auto& p : schema())
    if (p.group != kGroup && !same_value(a.settings, saved, p))
      throw Error("attack: --" + p.name + " is a training knob, fixed by the checkpoint; attack takes the robustness "
                  "knobs (" + robustness_knob_names() + ")");
  validate(a.settings);
  return a.settings;
}

std::string defence_detail(const std::string& d, const Settings& s) {
  char b[160];
  if (d == "refined")
    std::snprintf(b, sizeof b, "%d SGLD steps of %g (noise %g) on %d copies, input noise %g", s.n_steps_refine, s.sgld_lr,
                  s.sgld_sigma, s.n_dup_chains, s.refine_sigma);
  else if (d == "purified")
    std::snprintf(b, sizeof b, "%d steps of energy descent of %g (noise %g)", s.purify_steps, s.purify_lr, s.purify_noise);
  else
    std::snprintf(b, sizeof b, "the classifier as trained");
  return b;
}

void print_table(const RobustnessEval& e, const Settings& s) {
  std::printf("PGD %s, %d steps of %s, %s; %lld test points; %s\n", e.distance.c_str(), e.n_steps,
              s.pgd_step_size > 0 ? std::to_string(s.pgd_step_size).c_str() : "2.5 eps / steps",
              s.random_start ? "random start" : "no random start", static_cast<long long>(e.n_points),
              e.through_defence ? "each defence faces the plain classifier's adversarial and one through itself"
                                : "the plain classifier's adversarials, transferred to the defences");
  std::printf("%-10s %7s", "defence", "clean");
  for (double eps : e.eps) std::printf(" %8s", ("eps " + short_eps(eps)).c_str());
  std::printf("\n");
  for (size_t k = 0; k < e.defences.size(); ++k) {
    std::printf("%-10s %7.3f", e.defences[k].c_str(), e.clean[k]);
    for (double acc : e.accuracy[k]) std::printf(" %8.3f", acc);
    std::printf("   %s\n", defence_detail(e.defences[k], s).c_str());
  }
  std::printf("%.1f s\n", e.seconds);
}

void write_outputs(const RobustnessEval& e, const Settings& s, const std::string& ckpt, int64_t step,
                   const std::string& out) {
  std::ostringstream csv;
  csv << "defence,eps,accuracy\n";
  nlohmann::ordered_json j;
  j["checkpoint"] = ckpt;
  j["step"] = step;
  j["distance"] = e.distance;
  j["n_points"] = e.n_points;
  j["n_steps_pgd_attack"] = e.n_steps;
  j["pgd_step_size"] = s.pgd_step_size;
  j["random_start"] = s.random_start;
  j["attack_through_defence"] = e.through_defence;
  j["eps"] = e.eps;
  std::vector<ChartSeries> lines;
  for (size_t k = 0; k < e.defences.size(); ++k) {
    for (size_t i = 0; i < e.eps.size(); ++i) csv << e.defences[k] << ',' << e.eps[i] << ',' << e.accuracy[k][i] << '\n';
    j["defences"][e.defences[k]] = {{"clean", e.clean[k]}, {"accuracy", e.accuracy[k]},
                                    {"detail", defence_detail(e.defences[k], s)}};
    lines.push_back({e.defences[k], e.accuracy[k]});
  }
  j["seconds"] = e.seconds;
  write_file_atomically(out + "/attack.csv", csv.str());
  write_file_atomically(out + "/attack.json", j.dump(2) + "\n");
  write_line_chart_png(out + "/attack.png", "robust accuracy, PGD " + e.distance + ", " + std::to_string(e.n_points) + " points",
                       "eps", e.eps, "accuracy", lines, 0, 1);
  std::printf("wrote %s/attack.csv, attack.json, attack.png", out.c_str());
  if (e.examples.n > 0) {
    std::vector<std::string> captions;
    for (int i = 0; i < e.examples.n; ++i)
      captions.push_back("y" + std::to_string(e.examples.label[size_t(i)]) + " p" + std::to_string(e.examples.pred[size_t(i)]));
    write_captioned_grid_png(out + "/attack_examples.png", e.examples, e.examples.n / 3, e.example_rows, captions);
    std::printf(", attack_examples.png (y: label, p: prediction)");
  }
  std::printf("\n");
}

}  // namespace

int cmd_attack(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"ckpt", "Checkpoint to attack (required)", ""},
      {"out", "Folder for attack.csv/json/png (default: the checkpoint's folder)", ""},
  };
  Args first = parse_args(args, own);  // bad flags and values are refused here, by name
  if (first.help) {
    std::string text = usage("attack", "Robust accuracy under PGD of the classifier and its JEM defences (refined "
                                       "logits, purification), per eps.", own, false);
    text += "Robustness knobs (defaults from the checkpoint's settings):\n";
    for (const auto& p : schema())
      if (p.group == kGroup) text += "  --" + p.name + " " + type_name(p.type) + " " + describe_range(p) + "\n      " + p.help + "\n";
    std::printf("%s", text.c_str());
    return 0;
  }
  if (!first.has("ckpt")) throw Error("attack: --ckpt FILE is required");
  std::unique_ptr<Trainer> t = load_checkpoint(first.get("ckpt"));
  const Args a = parse_args(args, own, t->settings());
  t->apply(attack_settings(a, t->settings()));
  std::string out = a.has("out") ? a.get("out") : std::filesystem::path(a.get("ckpt")).parent_path().string();
  if (out.empty()) out = ".";
  std::filesystem::create_directories(out);
  const RobustnessEval e = eval_robustness(*t);
  print_table(e, t->settings());
  write_outputs(e, t->settings(), a.get("ckpt"), t->iteration(), out);
  return 0;
}

}  // namespace jem::cli
