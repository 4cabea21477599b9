// jemlab eval: the official evaluation modes on a checkpoint. Prints a table, writes JSON (and CSV
// for bins and histograms) next to the checkpoint or into --out.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/image_png.h"
#include "core/eval/evaluate.h"
#include "core/io/checkpoint.h"
#include "core/jem/chain_temperature.h"
#include "core/jem/trainer.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string histogram_csv(const std::string& score, const SharedHistograms& h, bool header) {
  std::ostringstream o;
  if (header) {
    o << "score,bin_lo,bin_hi";
    for (const auto& n : h.names) o << ',' << n;
    o << '\n';
  }
  for (int b = 0; b < h.n_bins; ++b) {
    o << score << ',' << h.lo + b * h.bin_width() << ',' << h.lo + (b + 1) * h.bin_width();
    for (const auto& c : h.counts) o << ',' << c[b];
    o << '\n';
  }
  return o.str();
}

nlohmann::ordered_json histogram_json(const SharedHistograms& h) {
  nlohmann::ordered_json j;
  j["lo"] = h.lo;
  j["hi"] = h.hi;
  j["n_bins"] = h.n_bins;
  for (size_t i = 0; i < h.names.size(); ++i) j["counts"][h.names[i]] = h.counts[i];
  return j;
}

// uncond_samples / cond_samples of the official code, as one PNG grid.
int write_image_samples(Trainer& t, const Args& a, int n, int steps, int label, uint64_t seed) {
  const std::string out = a.has("out") ? a.get("out") : "samples.png";
  ImageGrid grid;
  int cols = std::min(n, 16);
  if (a.has("cond")) {
    // One row per class, each from that class's chains.
    for (int k = 0; k < t.n_classes(); ++k) {
      ImageGrid g = t.sample_images(n, steps, k, a.has("fresh"), seed + static_cast<uint64_t>(k));
      if (k == 0) grid = g;
      else {
        grid.n += g.n;
        grid.rgb.insert(grid.rgb.end(), g.rgb.begin(), g.rgb.end());
      }
    }
    cols = n;
  } else {
    grid = t.sample_images(n, steps, label, a.has("fresh"), seed);
  }
  write_image_grid_png(out, grid, cols, 2);
  std::fprintf(stderr, "wrote %d samples (%s) to %s\n", grid.n,
               a.has("cond") ? "one row per class" : label >= 0 ? ("class " + std::to_string(label)).c_str() : "p(x)",
               out.c_str());
  return 0;
}

}  // namespace

// The model's density exp(f) / Z and the one its chains sample, exp(beta f) / Z_beta, both exact
// by quadrature; then how the buffer compares with the data and whether the chains converged.
void eval_nll(Trainer& t, int res, nlohmann::ordered_json& j) {
  const LikelihoodEval e = eval_likelihood(t, res);
  std::printf("exact likelihood by quadrature on %dx%d cells over [%.2f, %.2f] x [%.2f, %.2f]\n", e.res, e.res,
              e.box.x0, e.box.x1, e.box.y0, e.box.y1);
  std::printf("%-34s %12s %12s\n", "", "exp(f)/Z", "exp(beta f)");
  std::printf("%-34s %12.4f %12.4g\n", "log Z", e.log_z, e.log_z_chains);
  std::printf("%-34s %12.4f %12.4g\n", "log Z error estimate", e.log_z_error, e.log_z_chains_error);
  std::printf("%-34s %12.4f %12.4g\n", "test NLL (nats)", e.test_nll, e.test_nll_chains);
  if (e.has_truth) std::printf("%-34s %12.4f %12.4g\n", "KL(p_true || density) (nats)", e.kl, e.kl_chains);
  std::printf("beta = %g: %s\n", e.beta, chains_density_note(t.settings()).c_str());
  j["res"] = e.res;
  j["log_z"] = e.log_z, j["log_z_error"] = e.log_z_error, j["test_nll"] = e.test_nll;
  j["beta"] = num(e.beta);
  j["chains"] = {{"log_z", num(e.log_z_chains)}, {"log_z_error", num(e.log_z_chains_error)},
                 {"test_nll", num(e.test_nll_chains)}};
  if (e.has_truth) {
    std::printf("true NLL      %.4f nats (the data's own density)\nH(p_true)     %.4f nats\n", e.true_nll,
                e.entropy_true);
    j["true_nll"] = e.true_nll, j["entropy_true"] = e.entropy_true, j["kl_true_model"] = e.kl;
    j["chains"]["kl_true"] = num(e.kl_chains);
  }
  const SampleQualityEval q = eval_sample_quality(t, t.settings().probe_steps);
  std::printf("buffer vs test data: MMD^2 %.5f", q.mmd2);
  if (!q.mode_shares.empty()) std::printf(", mode shares %.3f..%.3f (uniform %.3f)", q.mode_share_min, q.mode_share_max,
                                          1.0 / q.mode_shares.size());
  std::printf("\nKL(histogram || exp(beta f)) on %dx%d cells, %d chains: buffer %.4g, %d-step probe %.4g, exact "
              "sampler %.4g\n", q.hist_res, q.hist_res, q.probe_chains, q.buffer_kl, q.probe_steps, q.probe_kl,
              q.probe_kl_floor);
  j["samples"] = {{"mmd2", num(q.mmd2)}, {"mode_shares", q.mode_shares}, {"buffer_kl", num(q.buffer_kl)},
                  {"probe_steps", q.probe_steps}, {"probe_kl", num(q.probe_kl)}, {"probe_kl_floor", num(q.probe_kl_floor)}};
}

namespace {

void eval_calibration_report(Trainer& t, const Args& a, const std::string& base, nlohmann::ordered_json& j) {
  Calibration c = eval_calibration(t, a.get_int("n_bins"));
  std::ostringstream csv;
  csv << "bin_lo,bin_hi,count,confidence,accuracy\n";
  std::printf("confidence bin   count  mean conf  accuracy\n");
  for (const auto& b : c.bins) {
    if (b.count) std::printf("[%.2f, %.2f)  %7lld     %.4f    %.4f\n", b.lo, b.hi, static_cast<long long>(b.count),
                             b.confidence, b.accuracy);
    csv << b.lo << ',' << b.hi << ',' << b.count << ',';
    if (b.count) csv << b.confidence << ',' << b.accuracy;
    else csv << ',';
    csv << '\n';
    j["bins"].push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"confidence", num(b.confidence)},
                         {"accuracy", num(b.accuracy)}});
  }
  std::printf("ECE %.4f   accuracy %.4f   mean confidence %.4f   (%lld points)\n", c.ece, c.accuracy,
              c.mean_confidence, static_cast<long long>(c.n));
  j["ece"] = c.ece;
  j["accuracy"] = c.accuracy;
  j["mean_confidence"] = c.mean_confidence;
  write_file_atomically(base + "_bins.csv", csv.str());
}

void eval_ood_report(Trainer& t, const Args& a, const std::string& base, nlohmann::ordered_json& j) {
  const std::string ood = a.has("ood_dataset") ? a.get("ood_dataset") : t.has_images() ? "noise" : "uniform";
  OodEval e = eval_ood(t, ood, a.get_double("temperature"), std::max(a.get_int("n_bins"), 10));
  std::printf("OOD detection: test set (%lld) vs %s (%lld)\nscore    AUROC\n", static_cast<long long>(e.n_in),
              e.ood_dataset.c_str(), static_cast<long long>(e.n_ood));
  std::string csv;
  j["ood_dataset"] = e.ood_dataset;
  for (const auto& s : e.scores) {
    std::printf("%-7s  %.4f   mean score: test correct %.4g, misclassified %.4g (%lld points), %s %.4g\n",
                s.score.c_str(), s.auroc, s.mean_correct, s.mean_misclassified, static_cast<long long>(s.n_misclassified),
                e.ood_dataset.c_str(), s.mean_ood);
    j["auroc"][s.score] = num(s.auroc);
    j["histograms"][s.score] = histogram_json(s.hist);
    j["split_histograms"][s.score] = histogram_json(s.split);
    j["mean_score"][s.score] = {{"test_correct", num(s.mean_correct)}, {"test_misclassified", num(s.mean_misclassified)},
                                {"ood", num(s.mean_ood)}};
    csv += histogram_csv(s.score, s.hist, csv.empty());
  }
  write_file_atomically(base + "_hist.csv", csv);
}

// log p(x) + log Z of the test set beside the OOD sets, on shared bins.
void eval_logp_hist_report(Trainer& t, const Args& a, const std::string& base, nlohmann::ordered_json& j) {
  std::vector<std::string> names{"test"};
  if (a.has("ood_dataset"))
    names.push_back(a.get("ood_dataset"));
  else if (t.has_images())
    for (const char* n : {"noise", "constant", "interp"}) names.push_back(n);
  else
    for (const char* n : {"uniform", "shifted", "rotated"}) names.push_back(n);
  std::vector<std::vector<double>> samples;
  for (const auto& n : names) samples.push_back(ood_scores(t, n, "px", 1.0));
  SharedHistograms h = shared_histograms(names, samples, std::max(a.get_int("n_bins"), 10));
  std::printf("log p(x) + log Z histograms (%d bins over [%.3f, %.3f]):", h.n_bins, h.lo, h.hi);
  for (const auto& n : names) std::printf(" %s", n.c_str());
  std::printf("\n");
  j["histograms"]["px"] = histogram_json(h);
  write_file_atomically(base + "_hist.csv", histogram_csv("px", h, true));
}
}  // namespace

int cmd_eval(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"ckpt", "Checkpoint to evaluate (required)", ""},
      {"eval", "test_clf | calibration | OOD | nll | logp_hist", "test_clf"},
      {"ood_dataset", "OOD set. 2D: uniform | shifted | rotated | another 2D dataset (default uniform; logp_hist: "
                      "uniform, shifted, rotated). Images: noise | constant | interp | svhn | cifar10 | cifar100 | "
                      "mnist | fashion_mnist (default noise; logp_hist: noise, constant, interp)", ""},
      int_option("n_bins", "Reliability bins (calibration) or histogram bins", "20", 2, 10000),
      real_option("temperature", "Temperature of the energy score (Liu et al. 2020)", "1", 1e-6, 1e6),
      int_option("res", "Quadrature grid resolution per side (nll)", "256", 4, 1000000),
      {"out", "Folder for the JSON/CSV files (default: the checkpoint's folder)", ""},
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("eval", "Evaluate a checkpoint.", own, false).c_str());
    return 0;
  }
  if (!a.has("ckpt")) throw Error("eval: --ckpt FILE is required");
  std::unique_ptr<Trainer> t = load_checkpoint(a.get("ckpt"));
  const std::string mode = a.get("eval");
  std::string out = a.has("out") ? a.get("out") : std::filesystem::path(a.get("ckpt")).parent_path().string();
  if (out.empty()) out = ".";
  std::filesystem::create_directories(out);
  const std::string base = out + "/eval_" + mode;
  nlohmann::ordered_json j;
  j["checkpoint"] = a.get("ckpt");
  j["step"] = t->iteration();
  j["eval"] = mode;

  if (mode == "test_clf") {
    ClassifierEval e = eval_classifier(*t);
    std::printf("test accuracy %.4f   test NLL %.4f nats   (%lld points)\n", e.accuracy, e.nll,
                static_cast<long long>(e.n));
    j["accuracy"] = e.accuracy;
    j["nll"] = e.nll;
    j["n"] = e.n;
  } else if (mode == "calibration") {
    eval_calibration_report(*t, a, base, j);
  } else if (mode == "OOD") {
    eval_ood_report(*t, a, base, j);
  } else if (mode == "nll") {
    eval_nll(*t, a.get_int("res"), j);
  } else if (mode == "logp_hist") {
    eval_logp_hist_report(*t, a, base, j);
  } else {
    throw Error("--eval: unknown mode '" + mode + "' (one of test_clf|calibration|OOD|nll|logp_hist)");
  }
  write_file_atomically(base + ".json", j.dump(2) + "\n");
  std::printf("wrote %s.json\n", base.c_str());
  return 0;
}

int cmd_sample(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"ckpt", "Checkpoint to sample from (required)", ""},
      int_option("n", "Number of samples", "1000", 1, kIntMax),
      int_option("n_steps", "SGLD steps to run from the starting points", "100", 0, 10000000),
      int_option("class", "Class-conditional samples of this class (default: p(x))", "", 0, 100000),
      {"fresh", "Start from the init distribution instead of the saved buffer", "", false},
      int_option("seed", "Seed of the sampling chains", "1", 0, kIntMax),
      {"cond", "Images: --n samples of every class, one row per class (the official cond_samples)", "", false},
      {"out", "CSV file (default: standard output); for images a PNG grid (default samples.png)", ""},
  };
  // n_steps is also a schema knob: our own option takes precedence here.
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("sample", "Draw samples from a checkpoint's model: CSV (x0,x1,label) for 2D data, a PNG grid for images.", own, false).c_str());
    return 0;
  }
  if (!a.has("ckpt")) throw Error("sample: --ckpt FILE is required");
  std::unique_ptr<Trainer> t = load_checkpoint(a.get("ckpt"));
  const int label = a.has("class") ? a.get_int("class") : -1;
  const int n = a.get_int("n"), steps = a.get_int("n_steps");
  const uint64_t seed = static_cast<uint64_t>(a.get_int("seed"));
  if (t->has_images()) return write_image_samples(*t, a, n, steps, label, seed);
  std::vector<float> xy = t->sample(n, steps, label, a.has("fresh"), seed);
  std::ostringstream csv;
  csv << "x0,x1,label\n";
  for (int i = 0; i < n; ++i) csv << xy[2 * i] << ',' << xy[2 * i + 1] << ',' << label << '\n';
  if (a.has("out")) {
    write_file_atomically(a.get("out"), csv.str());
    std::fprintf(stderr, "wrote %d samples to %s\n", n, a.get("out").c_str());
  } else {
    std::fputs(csv.str().c_str(), stdout);
  }
  return 0;
}

}  // namespace jem::cli
