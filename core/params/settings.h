// Every knob of a JEM run as one plain struct. No torch here: the window and the CLI include it.
// Names follow the official JEM flags (wgrathwohl/JEM train_wrn_ebm.py) where one exists.
// Defaults, ranges and help text live in schema.cpp; the values below must match them
// (a test checks that Settings{} equals the schema defaults).
#pragma once
#include <string>

namespace jem {

struct Settings {
  // Loss weights: L = w_px * L_p(x) + w_pyx * CE + w_pxy * L_p(x|y) + w_reg * E^2.
  double p_x_weight = 1.0;
  double p_y_given_x_weight = 1.0;
  double p_x_y_weight = 0.0;
  double energy_reg_weight = 0.0;
  // The p(x) term's negative phase E_p[grad f]: from SGLD samples (official), or exact on the
  // quadrature grid over the NLL's box (2D only): JEM with a perfect sampler.
  std::string p_x_estimator = "sgld";  // sgld | quadrature
  int quadrature_res = 64;             // cells per side of that grid

  // SGLD sampler and its persistent replay buffer.
  std::string sampler = "sgld";  // sgld | mala (Metropolis-adjusted, proper noise, exact target exp(f))
  double mala_target_accept = 0.0;  // > 0: adapt the MALA step toward this acceptance rate
  double sgld_lr = 0.1;
  double sgld_std = 0.01;
  bool proper_langevin = false;  // noise std = sqrt(2 * sgld_lr), ignoring sgld_std
  int n_steps = 20;
  int buffer_size = 10000;       // 0: short-run chains started from the init distribution
  double reinit_freq = 0.05;
  std::string sgld_init = "uniform";  // uniform | gaussian | data_noise
  double init_noise = 0.1;       // std of the noise added to data for sgld_init = data_noise
  double sgld_clip_grad = 0.0;   // clamp each gradient component to +-value; 0 = off
  bool sgld_clamp = false;       // clamp chains to the data box
  bool class_cond_p_x_sample = false;
  int record_chains = 0;         // chains whose every step is recorded (for animation)
  int flight_recorder = 0;       // iterations whose chains the flight recorder keeps (0: off)

  // Optimiser.
  std::string optimizer = "adam";  // adam | sgd
  double lr = 1e-3;
  double momentum = 0.9;
  double weight_decay = 0.0;
  int warmup_iters = 0;
  int batch_size = 256;
  double sigma = 0.0;            // std of the Gaussian noise added to training inputs

  // Data: 2D toy sets and the "shapes" images generated in-process; image sets read from data_dir.
  std::string dataset = "moons";  // moons | circles | ... | shapes | cifar10 | cifar100 | svhn | mnist | fashion_mnist
  std::string data_file;          // dataset csv: the points file (x0,x1,label rows)
  std::string data_dir = "data";  // where cifar10, svhn, ... files are looked for
  bool augment = true;           // images: the official reflect-pad 4, random crop, horizontal flip
  int n_valid = 0;               // images held out of the training split for validation
  int n_train = 10000;
  int n_test = 2000;
  double data_noise = 0.1;
  int n_classes = 3;             // arms of spirals / pinwheel; the other sets fix their own
  int data_seed = 1;

  // Model: MLP 2 -> width x depth -> K logits; for images a small CNN or a Wide-ResNet.
  std::string model = "mlp";     // mlp | cnn | wrn-DEPTH-WIDTH
  int width = 128;
  int depth = 3;
  std::string norm = "none";     // none | batch | group (WRN and CNN; official: none)
  double dropout_rate = 0.0;
  std::string amp = "off";       // off | bf16: autocast of the forward passes
  bool channels_last = false;    // channels-last layout for the convolutions
  std::string activation = "silu";  // silu | leaky_relu | relu
  bool uncond = false;           // separate scalar head for -E(x)

  // Run.
  int seed = 1;
  int threads = 0;               // 0: automatic (core/util/run_threads.h)
  std::string device = "auto";   // auto | cpu | cuda
  bool cuda_graphs = false;      // CUDA: the SGLD chain loop captured once per shape, then replayed
  double guard_threshold = 1e8;  // |loss| above this trips the divergence guard
  int guard_every = 50;          // iterations between in-memory rollback snapshots
  int eval_every = 100;          // iterations between test-set evaluations
  int probe_steps = 100;         // 2D evaluations: steps of the frozen-model long-run probe (0: off)

  // Robustness (jemlab attack, the Robustness tab): PGD on the classifier and on its two defences,
  // the official refined logits (attack_model.py) and purification by energy descent.
  std::string distance = "linf";             // linf | l2
  std::string eps = "0,0.05,0.1,0.2,0.3,0.5";  // attack radii in the data's units
  int n_steps_pgd_attack = 40;
  double pgd_step_size = 0;                  // 0: 2.5 eps / n_steps_pgd_attack
  bool random_start = true;
  bool attack_through_defence = false;       // PGD's gradient through refinement / purification
  int n_steps_refine = 10;                   // refined logits: SGLD steps of sgld_lr from the input
  int n_dup_chains = 5;
  double refine_sigma = 0.03;                // noise on the duplicated input (official --sigma)
  double sgld_sigma = 0.01;                  // refinement's SGLD noise
  int purify_steps = 20;                     // energy descent before classifying (0: off)
  double purify_lr = 0.05;
  double purify_noise = 0;
  int attack_points = 500;                   // test points attacked

  bool operator==(const Settings&) const;
  bool operator!=(const Settings& o) const { return !(*this == o); }
};

}  // namespace jem
