#include "core/jem/chain_init.h"

#include "core/util/error.h"

namespace jem {

namespace {
constexpr int64_t kFullCovarianceMaxDim = 64;
}

ChainInit::ChainInit(const at::Tensor& x, const at::Tensor& y, int n_classes, const at::Tensor& lo,
                     const at::Tensor& hi) {
  auto fopt = x.options();
  lo_ = lo.to(fopt);
  hi_ = hi.to(fopt);
  x_ = x;
  const int64_t d = x.size(1);
  const bool full = d <= kFullCovarianceMaxDim;
  std::vector<at::Tensor> means, spreads, members;
  std::vector<int64_t> starts, counts;
  int64_t offset = 0;
  for (int k = 0; k < n_classes; ++k) {
    at::Tensor rows = (y == k).nonzero().squeeze(1);
    const int64_t nk = rows.size(0);
    if (nk == 0) throw Error("dataset has no point of class " + std::to_string(k));
    at::Tensor xk = x.index_select(0, rows);
    at::Tensor m = xk.mean(0);
    at::Tensor c = xk - m;
    if (full) {
      // Covariance plus a small ridge so that a degenerate class still has a Cholesky factor.
      at::Tensor cov = at::mm(c.t(), c) / std::max<int64_t>(nk - 1, 1) + 1e-4 * at::eye(d, fopt);
      spreads.push_back(at::linalg_cholesky(cov));
    } else {
      spreads.push_back(at::sqrt(c.pow(2).sum(0) / std::max<int64_t>(nk - 1, 1) + 1e-4));
    }
    means.push_back(m);
    members.push_back(rows);
    starts.push_back(offset);
    counts.push_back(nk);
    offset += nk;
  }
  mean_ = at::stack(means);
  (full ? chol_ : std_) = at::stack(spreads);
  by_class_ = at::cat(members);
  class_start_ = at::tensor(starts).to(x.device());
  class_count_ = at::tensor(counts).to(x.device());
  prior_ = class_count_.to(fopt) / static_cast<double>(offset);
}

at::Tensor ChainInit::pick_class_members(const at::Tensor& y, at::Generator& gen) const {
  // Uniform index inside each row's class range.
  at::Tensor u = at::rand({y.size(0)}, gen, x_.options());
  at::Tensor cnt = class_count_.index_select(0, y);
  at::Tensor pos = class_start_.index_select(0, y) + at::minimum((u * cnt).to(at::kLong), cnt - 1);
  return x_.index_select(0, by_class_.index_select(0, pos));
}

at::Tensor ChainInit::sample(int64_t n, const at::Tensor& y, const std::string& mode, double init_noise,
                             at::Generator& gen) const {
  const auto fopt = lo_.options();
  const int64_t d = lo_.size(0);
  if (mode == "uniform") return lo_ + (hi_ - lo_) * at::rand({n, d}, gen, fopt);
  at::Tensor cls = y.defined() ? y : at::multinomial(prior_, n, /*replacement=*/true, gen);
  if (mode == "gaussian") {
    if (!chol_.defined()) return mean_.index_select(0, cls) + std_.index_select(0, cls) * at::randn({n, d}, gen, fopt);
    at::Tensor z = at::randn({n, d, 1}, gen, fopt);
    return mean_.index_select(0, cls) + at::bmm(chol_.index_select(0, cls), z).squeeze(2);
  }
  if (mode == "data_noise") return pick_class_members(cls, gen) + init_noise * at::randn({n, d}, gen, fopt);
  throw Error("sgld_init: unknown mode '" + mode + "'");
}

}  // namespace jem
