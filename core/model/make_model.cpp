#include "core/model/make_model.h"

#include <cstdio>

#include "core/model/conv_nets.h"
#include "core/model/mlp.h"
#include "core/util/error.h"

namespace jem {

std::shared_ptr<EnergyNet> make_model(const Settings& s, const Dataset& d, at::Generator& gen) {
  if (s.model == "mlp") {
    MlpOptions mo;
    mo.in_dim = static_cast<int>(d.dim());
    mo.width = s.width;
    mo.depth = s.depth;
    mo.n_classes = d.n_classes;
    mo.activation = s.activation;
    mo.uncond = s.uncond;
    return std::make_shared<Mlp>(mo, gen);
  }
  if (!d.is_image())
    throw Error("model: " + s.model + " is an image model but dataset " + d.name + " has 2D points (use model mlp)");
  ConvNetOptions co;
  co.image_shape = d.image_shape;
  co.n_classes = d.n_classes;
  co.activation = s.activation;
  co.norm = s.norm;
  co.dropout = s.dropout_rate;
  co.uncond = s.uncond;
  co.cnn_width = s.width;
  co.channels_last = s.channels_last;
  if (s.model == "cnn") return std::make_shared<SmallCnn>(co, gen);
  if (std::sscanf(s.model.c_str(), "wrn-%d-%d", &co.depth, &co.widen) == 2)
    return std::make_shared<WideResNet>(co, gen);
  throw Error("model: unknown model '" + s.model + "' (mlp, cnn or wrn-DEPTH-WIDTH)");
}

bool splits_chains(const EnergyNet& net) { return dynamic_cast<const Mlp*>(&net) != nullptr; }

}  // namespace jem
