// The knobs themselves: one function a group, in the order the window shows them, and the
// builders that fill a ParamSpec's facts. schema.cpp parses, checks and prints them.
#include "core/params/schema_knobs.h"

#include "core/data/dataset_names.h"

namespace jem {
namespace {


ParamSpec spec(ParamSpec p) {
  p.resets_run = p.effect == Effect::Reset;
  return p;
}
ParamSpec real(const char* name, double Settings::*f, double lo, double hi, bool log, Effect e,
               const char* group, const char* help) {
  return spec({name, ParamType::Real, group, help, lo, hi, log, {}, e, f});
}
ParamSpec integer(const char* name, int Settings::*f, double lo, double hi, bool log, Effect e,
                  const char* group, const char* help) {
  return spec({name, ParamType::Int, group, help, lo, hi, log, {}, e, f});
}
ParamSpec flag(const char* name, bool Settings::*f, Effect e, const char* group, const char* help) {
  return spec({name, ParamType::Bool, group, help, 0, 1, false, {}, e, f});
}
ParamSpec choice(const char* name, std::string Settings::*f, std::vector<std::string> choices,
                 Effect e, const char* group, const char* help) {
  return spec({name, ParamType::Choice, group, help, 0, 0, false, std::move(choices), e, f});
}

ParamSpec text(const char* name, std::string Settings::*f, Effect e, const char* group, const char* help) {
  return spec({name, ParamType::Text, group, help, 0, 0, false, {}, e, f});
}

// The runner's own knobs (Effect::Runtime) and what they mean for a run and for comparisons.
ParamSpec restarts(ParamSpec p) { return p.resets_run = true, p; }
ParamSpec per_sweep_run(ParamSpec p) { return p.set_per_sweep_run = true, p; }
ParamSpec shared_by_comparisons(ParamSpec p, const char* why) { return p.not_compared = why, p; }

std::vector<std::string> dataset_choices() {
  std::vector<std::string> v = toy2d_names();
  v.push_back("csv");
  v.insert(v.end(), image_dataset_choices().begin(), image_dataset_choices().end());
  return v;
}

constexpr auto L = Effect::Live;

// The knobs, one function a group, in the order the window shows them.
std::vector<ParamSpec> loss_knobs() {
  using S = Settings;
  return {
    real("p_x_weight", &S::p_x_weight, 0, 100, false, L, "loss",
         "Weight of the generative term -log p(x), contrasting data with SGLD samples (0: baseline classifier)."),
    real("p_y_given_x_weight", &S::p_y_given_x_weight, 0, 100, false, L, "loss",
         "Weight of the cross-entropy term -log p(y|x) (0: pure EBM)."),
    real("p_x_y_weight", &S::p_x_y_weight, 0, 100, false, L, "loss",
         "Weight of the class-conditional term -log p(x|y), sampled with f(x)[y]."),
    real("energy_reg_weight", &S::energy_reg_weight, 0, 10, false, L, "loss",
         "Weight of E(x)^2 on data and samples, keeping energies small (IGEBM-style regulariser)."),
    choice("p_x_estimator", &S::p_x_estimator, {"sgld", "quadrature"}, L, "loss",
           "Negative phase of the p(x) and p(x|y) terms: from SGLD samples (official), or exact by quadrature "
           "over the NLL's box (2D only: JEM with a perfect sampler; the chains still run for the views)."),
    integer("quadrature_res", &S::quadrature_res, 8, 512, true, L, "loss",
            "Cells per side of the quadrature grid of p_x_estimator quadrature (cost grows with its square)."),
  };
}

std::vector<ParamSpec> sampler_knobs() {
  using S = Settings;
  return {
    choice("sampler", &S::sampler, {"sgld", "mala"}, L, "sampler",
           "sgld: the official update (samples exp(beta f), beta = 2 sgld_lr / sgld_std^2); mala: Metropolis-adjusted "
           "Langevin with proper noise sqrt(2 sgld_lr), which targets exp(f) exactly (sgld_std is ignored)."),
    real("mala_target_accept", &S::mala_target_accept, 0, 0.95, false, L, "sampler",
         "MALA only: adapt the step between iterations toward this acceptance rate (0.57 is optimal in theory; 0: "
         "off, the step stays sgld_lr)."),
    real("sgld_lr", &S::sgld_lr, 1e-6, 100, true, L, "sampler",
         "SGLD step size: x += sgld_lr * grad_x log p(x) (official CIFAR value 1.0)."),
    real("sgld_std", &S::sgld_std, 0, 10, false, L, "sampler",
         "Std of the Gaussian noise added at each SGLD step (official 0.01); ignored with proper_langevin and mala."),
    flag("proper_langevin", &S::proper_langevin, L, "sampler",
         "Use noise std sqrt(2 * sgld_lr): true Langevin dynamics instead of the official step/noise pair."),
    integer("n_steps", &S::n_steps, 0, 1000, false, L, "sampler",
            "SGLD steps per training iteration (official 20; ~100 for short-run chains from noise)."),
    integer("buffer_size", &S::buffer_size, 0, 1000000, false, Effect::Buffer, "sampler",
            "Persistent replay-buffer size (official 10000); 0 starts every chain afresh (short-run)."),
    real("reinit_freq", &S::reinit_freq, 0, 1, false, L, "sampler",
         "Probability that a drawn buffer sample is replaced by a fresh one from the init distribution."),
    choice("sgld_init", &S::sgld_init, {"uniform", "gaussian", "data_noise"}, L, "sampler",
           "Where fresh chains start: uniform over the data box, per-class Gaussians fitted to the data, or data + noise."),
    real("init_noise", &S::init_noise, 0, 10, false, L, "sampler",
         "Std of the noise added to data points when sgld_init is data_noise."),
    real("sgld_clip_grad", &S::sgld_clip_grad, 0, 1000, false, L, "sampler",
         "Clamp each SGLD gradient component to +-value (0: off; SADA-JEM uses 1)."),
    flag("sgld_clamp", &S::sgld_clamp, L, "sampler",
         "Clamp chains to the data box after every SGLD step; with mala, proposals leaving the box are rejected "
         "(the target is then exp(f) on the box)."),
    flag("class_cond_p_x_sample", &S::class_cond_p_x_sample, L, "sampler",
         "Draw p(x) samples from p(y)p(x|y): class-conditional chains in per-class buffer slots."),
    integer("record_chains", &S::record_chains, 0, 256, false, L, "sampler",
            "Chains of each iteration whose every SGLD step is recorded, for the trajectory view."),
    integer("flight_recorder", &S::flight_recorder, 0, 64, false, L, "sampler",
            "Flight recorder: keep every chain's every SGLD step (and what replays it) for this many recent iterations."),
  };
}

std::vector<ParamSpec> optimiser_knobs() {
  using S = Settings;
  return {
    choice("optimizer", &S::optimizer, {"adam", "sgd"}, Effect::Optimizer, "optimiser",
           "Adam (betas .9/.999, official) or SGD with momentum."),
    real("lr", &S::lr, 1e-7, 1, true, L, "optimiser", "Learning rate of the model's parameters."),
    real("momentum", &S::momentum, 0, 0.999, false, L, "optimiser", "SGD momentum (ignored by Adam)."),
    real("weight_decay", &S::weight_decay, 0, 1, false, L, "optimiser", "L2 weight decay."),
    integer("warmup_iters", &S::warmup_iters, 0, 100000, false, L, "optimiser",
            "Iterations of linear learning-rate warm-up (official 1000 on CIFAR)."),
    integer("batch_size", &S::batch_size, 1, 65536, true, L, "optimiser",
            "Data points and SGLD chains per iteration."),
    real("sigma", &S::sigma, 0, 1, false, L, "optimiser",
         "Std of Gaussian noise added to training inputs (official 0.03 on CIFAR)."),
  };
}

std::vector<ParamSpec> data_knobs() {
  using S = Settings;
  return {
    choice("dataset", &S::dataset, dataset_choices(), Effect::Reset, "data",
           "2D toy sets and 'shapes' (small images) are generated from data_seed; the image sets are read from "
           "data_dir; cifar_noise is CIFAR-shaped noise for benchmarks."),
    text("data_file", &S::data_file, Effect::Reset, "data",
         "dataset csv: your own 2D points, rows x0,x1,label (a header line is optional; labels 0..K-1). A fifth "
         "of the rows, picked by data_seed, is the test split; n_train and n_test do not apply."),
    text("data_dir", &S::data_dir, Effect::Reset, "data",
         "Folder with the image datasets' files (cifar-10-batches-bin/, train_32x32.mat, ...; see the README)."),
    flag("augment", &S::augment, Effect::Live, "data",
         "Images: the official augmentation (reflect-pad 4, random crop, horizontal flip on CIFAR)."),
    integer("n_valid", &S::n_valid, 0, 100000, false, Effect::Reset, "data",
            "Images held out of the training split for validation (official 5000 on CIFAR)."),
    integer("n_train", &S::n_train, 16, 1000000, true, Effect::Reset, "data",
            "Training points; for image sets at most this many images of the training split."),
    integer("n_test", &S::n_test, 16, 1000000, true, Effect::Reset, "data", "Held-out test points."),
    real("data_noise", &S::data_noise, 0, 1, false, Effect::Reset, "data",
         "Noise of the dataset: std added to points, or each 8gaussians component's std."),
    integer("n_classes", &S::n_classes, 2, 16, false, Effect::Reset, "data",
            "Arms of spirals and pinwheel (the other datasets fix their own class count)."),
    integer("data_seed", &S::data_seed, 0, 2147483647, false, Effect::Reset, "data",
            "Seed of the generated dataset, separate from the training seed."),
  };
}

std::vector<ParamSpec> model_knobs() {
  using S = Settings;
  return {
    choice("model", &S::model, {"mlp", "cnn", "wrn-10-2", "wrn-16-4", "wrn-16-8", "wrn-28-2", "wrn-28-10"},
           Effect::Reset, "model",
           "MLP for 2D data; for images a small CNN (CPU demos) or a Wide-ResNet depth-width (official wrn-28-10)."),
    integer("width", &S::width, 4, 4096, true, Effect::Reset, "model", "Hidden units per MLP layer; channels of the small CNN's last layer."),
    integer("depth", &S::depth, 1, 16, false, Effect::Reset, "model", "Hidden layers of the MLP."),
    choice("norm", &S::norm, {"none", "batch", "group"}, Effect::Reset, "model",
           "Normalisation in the CNN and Wide-ResNet blocks (official: none; batch norm hurts SGLD)."),
    real("dropout_rate", &S::dropout_rate, 0, 0.9, false, Effect::Reset, "model",
         "Dropout inside the Wide-ResNet blocks (official 0)."),
    choice("amp", &S::amp, {"off", "bf16"}, L, "model",
           "bfloat16 autocast of the model's forward passes (training and SGLD); weights stay fp32."),
    flag("channels_last", &S::channels_last, Effect::Reset, "model",
         "Channels-last memory layout for the convolutions (faster on tensor cores)."),
    choice("activation", &S::activation, {"silu", "leaky_relu", "relu"}, Effect::Reset, "model",
           "Hidden activation: SiLU (Swish), LeakyReLU(0.2) as in the official WRN, or ReLU."),
    flag("uncond", &S::uncond, Effect::Reset, "model",
         "Unconditional variant: a separate scalar head gives -E(x) instead of logsumexp of the logits."),
  };
}

std::vector<ParamSpec> run_knobs() {
  using S = Settings;
  return {
    per_sweep_run(restarts(integer("seed", &S::seed, 0, 2147483647, false, Effect::Runtime, "run",
                                   "Seed of the model's initialisation, the sampler and the batches."))),
    shared_by_comparisons(integer("threads", &S::threads, 0, 256, false, Effect::Runtime, "run", "CPU threads (0: automatic: every core; in the window, one fewer for the convolutional models, whose long parallel steps stall when a frame preempts a thread)."),
                          "the A/B split sets it (each run gets half of the training cores); it cannot differ"),
    shared_by_comparisons(restarts(choice("device", &S::device, {"auto", "cpu", "cuda"}, Effect::Runtime, "run",
                                          "Where training runs: auto picks CUDA when a GPU is present.")),
                          "both runs share this machine's device; it cannot differ"),
    flag("cuda_graphs", &S::cuda_graphs, L, "run",
         "CUDA: capture the SGLD chain loop as a CUDA graph once per shape and replay it (fewer kernel launches); "
         "no effect on the CPU or with the flight recorder."),
    real("guard_threshold", &S::guard_threshold, 1, 1e30, true, L, "run",
         "|loss| above this, or any non-finite value, trips the divergence guard (official code aborts at 1e8)."),
    integer("guard_every", &S::guard_every, 1, 100000, true, L, "run",
            "Iterations between the in-memory snapshots the divergence guard rolls back to."),
    integer("eval_every", &S::eval_every, 0, 1000000, false, L, "run",
            "Iterations between test-set evaluations (0: never)."),
    integer("probe_steps", &S::probe_steps, 0, 10000, false, L, "run",
            "2D evaluations: steps of a long-run probe from the buffer with the model frozen; the KL of its histogram "
            "to exp(beta f) tells whether the chains have converged (0: off)."),
  };
}

// Evaluation knobs: they change no training, so A/B and sweeps do not vary them.
ParamSpec evaluation(ParamSpec p) {
  return shared_by_comparisons(std::move(p), "an evaluation knob: it changes no training (the Robustness tab "
                                             "shows every defence at once)");
}

std::vector<ParamSpec> robustness_knobs() {
  using S = Settings;
  const char* g = "robustness";
  return {
    evaluation(choice("distance", &S::distance, {"linf", "l2"}, L, g,
                      "Norm of the attack's ball: L-inf (official, with random start) or L2.")),
    evaluation(text("eps", &S::eps, L, g,
                    "Attack radii, comma-separated, in the data's units (images span [-1, 1]: 8/255 of the [0, 1] "
                    "scale is 0.0627 here).")),
    evaluation(integer("n_steps_pgd_attack", &S::n_steps_pgd_attack, 1, 10000, true, L, g,
                       "PGD iterations per attack (official 40).")),
    evaluation(real("pgd_step_size", &S::pgd_step_size, 0, 100, false, L, g,
                    "PGD step: L-inf moves this along sign(grad), L2 along the unit gradient (0: 2.5 eps / "
                    "n_steps_pgd_attack, Madry et al.).")),
    evaluation(flag("random_start", &S::random_start, L, g, "Start PGD uniformly inside the ball (official).")),
    evaluation(flag("attack_through_defence", &S::attack_through_defence, L, g,
                    "Attack each defended classifier through its refinement or purification (gradients taken at "
                    "the defended input, as the official code does), not the plain classifier.")),
    evaluation(integer("n_steps_refine", &S::n_steps_refine, 0, 1000, false, L, g,
                       "Refined logits: SGLD steps of sgld_lr from the input before classifying (0: no refined "
                       "defence; the paper plots 0, 1 and 10).")),
    evaluation(integer("n_dup_chains", &S::n_dup_chains, 1, 100, false, L, g,
                       "Refined logits: chains from each input whose logits are averaged (official 5).")),
    evaluation(real("refine_sigma", &S::refine_sigma, 0, 10, false, L, g,
                    "Refined logits: std of the noise on each duplicated input (official attack_model.py --sigma).")),
    evaluation(real("sgld_sigma", &S::sgld_sigma, 0, 10, false, L, g, "Refined logits: SGLD noise std (official 0.01).")),
    evaluation(integer("purify_steps", &S::purify_steps, 0, 10000, false, L, g,
                       "Purification: steps of energy descent from the input before classifying (0: no purified "
                       "defence).")),
    evaluation(real("purify_lr", &S::purify_lr, 0, 100, false, L, g,
                    "Purification: x -= purify_lr * grad E(x) each step.")),
    evaluation(real("purify_noise", &S::purify_noise, 0, 10, false, L, g,
                    "Purification: std of the noise added each step (0: plain descent).")),
    evaluation(integer("attack_points", &S::attack_points, 1, 100000, true, L, g,
                       "Test points attacked for robust accuracy.")),
  };
}

}  // namespace

std::vector<ParamSpec> build_schema() {
  std::vector<ParamSpec> all;
  for (auto group : {&loss_knobs, &sampler_knobs, &optimiser_knobs, &data_knobs, &model_knobs, &run_knobs,
                     &robustness_knobs}) {
    std::vector<ParamSpec> g = group();
    all.insert(all.end(), g.begin(), g.end());
  }
  return all;
}

}  // namespace jem
