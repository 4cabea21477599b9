#include "core/jem/chain_init.h"

#include "core/util/error.h"

namespace jem {

ChainInit::ChainInit(const at::Tensor& x, const at::Tensor& y, int n_classes, const Box& box) {
  auto fopt = x.options();
  lo_ = at::tensor({box.x0, box.y0}).to(fopt);
  hi_ = at::tensor({box.x1, box.y1}).to(fopt);
  const int64_t d = x.size(1);
  std::vector<at::Tensor> means, chols, members;
  std::vector<int64_t> starts, counts;
  int64_t offset = 0;
  for (int k = 0; k < n_classes; ++k) {
    at::Tensor xk = x.index({y == k});
    int64_t nk = xk.size(0);
    if (nk == 0) throw Error("dataset has no point of class " + std::to_string(k));
    at::Tensor m = xk.mean(0);
    at::Tensor c = xk - m;
    // Covariance plus a small ridge so that a degenerate class still has a Cholesky factor.
    at::Tensor cov = at::mm(c.t(), c) / std::max<int64_t>(nk - 1, 1) + 1e-4 * at::eye(d, fopt);
    means.push_back(m);
    chols.push_back(at::linalg_cholesky(cov));
    members.push_back(xk);
    starts.push_back(offset);
    counts.push_back(nk);
    offset += nk;
  }
  mean_ = at::stack(means);
  chol_ = at::stack(chols);
  x_sorted_ = at::cat(members);
  class_start_ = at::tensor(starts).to(x.device());
  class_count_ = at::tensor(counts).to(x.device());
  prior_ = class_count_.to(fopt) / static_cast<double>(offset);
}

at::Tensor ChainInit::pick_class_members(const at::Tensor& y, at::Generator& gen) const {
  // Uniform index inside each row's class range.
  at::Tensor u = at::rand({y.size(0)}, gen, x_sorted_.options());
  at::Tensor cnt = class_count_.index_select(0, y);
  at::Tensor idx = class_start_.index_select(0, y) + at::minimum((u * cnt).to(at::kLong), cnt - 1);
  return x_sorted_.index_select(0, idx);
}

at::Tensor ChainInit::sample(int64_t n, const at::Tensor& y, const std::string& mode, double init_noise,
                             at::Generator& gen) const {
  const auto fopt = lo_.options();
  const int64_t d = lo_.size(0);
  if (mode == "uniform") return lo_ + (hi_ - lo_) * at::rand({n, d}, gen, fopt);
  at::Tensor cls = y.defined() ? y : at::multinomial(prior_, n, /*replacement=*/true, gen);
  if (mode == "gaussian") {
    at::Tensor z = at::randn({n, d, 1}, gen, fopt);
    return mean_.index_select(0, cls) + at::bmm(chol_.index_select(0, cls), z).squeeze(2);
  }
  if (mode == "data_noise") return pick_class_members(cls, gen) + init_noise * at::randn({n, d}, gen, fopt);
  throw Error("sgld_init: unknown mode '" + mode + "'");
}

}  // namespace jem
