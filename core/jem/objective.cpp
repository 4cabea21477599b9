#include "core/jem/objective.h"

#include <cmath>
#include <vector>

namespace jem {

namespace {

at::Tensor scalar(double v) { return at::scalar_tensor(v, at::kDouble); }

// The official objective's terms and their gradient at the logits l (rows: the n data points,
// then the m samples x_q), in one pass. With f_r = logsumexp(l_r) and s_r = softmax(l_r):
//   w_pyx CE:                       d/dl_r = w_pyx / n (s_r - onehot(y_r))         data rows
//   w_px -(mean f_data - mean f_q): d/dl_r = -w_px / n s_r,  +w_px / m s_r         data, samples
//   w_reg (mean f_data^2 + mean f_q^2): d/dl_r = 2 w_reg f_r / n s_r (data), / m (samples)
JemLoss loss_by_hand(const at::Tensor& logits, const JemBatch& b, const Settings& s) {
  const at::Tensor l = logits.detach().contiguous();
  const at::Tensor y = b.y.to(at::kLong).contiguous();
  const int64_t n = b.x.size(0), m = b.x_q.defined() ? b.x_q.size(0) : 0, k = l.size(1);
  const bool ce = s.p_y_given_x_weight > 0, reg = s.energy_reg_weight > 0;
  const float* lp = l.data_ptr<float>();
  const int64_t* yp = y.data_ptr<int64_t>();
  at::Tensor d = at::zeros_like(l);
  float* dp = d.data_ptr<float>();
  double sum_f[2] = {0, 0}, sum_f2[2] = {0, 0}, sum_ce = 0;
  int64_t right = 0;
  std::vector<double> soft(size_t(k), 0.0);
  for (int64_t r = 0; r < n + m; ++r) {
    const float* row = lp + r * k;
    const bool data = r < n;
    int64_t best = 0;
    for (int64_t j = 1; j < k; ++j) best = row[j] > row[best] ? j : best;  // the first maximum, as argmax
    double z = 0;
    for (int64_t j = 0; j < k; ++j) z += soft[size_t(j)] = std::exp(double(row[j]) - row[best]);
    const double f = row[best] + std::log(z), term_rows = data ? double(n) : double(m);
    for (double& p : soft) p /= z;
    sum_f[data ? 0 : 1] += f, sum_f2[data ? 0 : 1] += f * f;
    // The coefficient of s_r in d/dl_r, from the p(x) and E^2 terms.
    double c = (m > 0 ? (data ? -1.0 : 1.0) * s.p_x_weight : 0.0) + (reg ? 2 * s.energy_reg_weight * f : 0.0);
    for (int64_t j = 0; j < k; ++j) dp[r * k + j] = float(c * soft[size_t(j)] / term_rows);
    if (data) {
      right += best == yp[r];
      if (ce) {
        sum_ce += f - row[yp[r]];
        for (int64_t j = 0; j < k; ++j) dp[r * k + j] += float(s.p_y_given_x_weight * (soft[size_t(j)] - (j == yp[r])) / term_rows);
      }
    }
  }
  JemLoss L;
  double total = 0;
  const double f_data = sum_f[0] / double(n);
  L.f_data = scalar(f_data);
  L.acc = scalar(double(right) / double(n));
  if (ce) L.l_pyx = scalar(sum_ce / double(n)), total += s.p_y_given_x_weight * sum_ce / double(n);
  if (m > 0) {
    const double f_q = sum_f[1] / double(m);
    L.l_px = scalar(-(f_data - f_q)), L.f_q = scalar(f_q);
    total += s.p_x_weight * -(f_data - f_q);
  }
  if (reg) {
    const double r = sum_f2[0] / double(n) + (m > 0 ? sum_f2[1] / double(m) : 0.0);
    L.l_reg = scalar(r), total += s.energy_reg_weight * r;
  }
  L.total = scalar(total);
  if (ce || m > 0 || reg) L.d_logits = d;
  return L;
}

}  // namespace

bool has_gradient(const JemLoss& L) { return L.d_logits.defined() || L.total.requires_grad(); }

void backward(EnergyNet& f, const JemLoss& L) {
  if (L.d_logits.defined()) f.backward_from_logit_grads(L.d_logits);
  else f.backward_from(L.total);
}

JemLoss jem_loss(EnergyNet& f, const JemBatch& b, const Settings& s, bool by_hand) {
  const int64_t n = b.x.size(0);
  std::vector<at::Tensor> parts{b.x};
  if (b.x_q.defined()) parts.push_back(b.x_q);
  if (b.x_qy.defined()) parts.push_back(b.x_qy);
  if (b.grid.defined()) parts.push_back(b.grid);
  const bool official_terms_only = by_hand && !b.x_qy.defined() && !b.grid.defined();
  NetOutput out = f.forward_train(at::cat(parts), official_terms_only);
  if (official_terms_only && f.takes_logit_grads()) return loss_by_hand(out.logits, b, s);

  at::Tensor logits_d = out.logits.narrow(0, 0, n);
  at::Tensor f_d = out.neg_energy.narrow(0, 0, n);
  int64_t off = n;
  JemLoss L;
  L.total = at::zeros({}, b.x.options());
  L.f_data = f_d.mean().detach();
  L.acc = (logits_d.argmax(1) == b.y).to(at::kFloat).mean();

  if (s.p_y_given_x_weight > 0) {
    at::Tensor ce = at::cross_entropy_loss(logits_d, b.y);
    L.total = L.total + s.p_y_given_x_weight * ce;
    L.l_pyx = ce.detach();
  }
  at::Tensor f_q;
  if (b.x_q.defined()) {
    f_q = out.neg_energy.narrow(0, off, b.x_q.size(0));
    off += b.x_q.size(0);
    at::Tensor l = -(f_d.mean() - f_q.mean());
    L.total = L.total + s.p_x_weight * l;
    L.l_px = l.detach();
    L.f_q = f_q.mean().detach();
  }
  if (b.x_qy.defined()) {
    at::Tensor logits_q = out.logits.narrow(0, off, b.x_qy.size(0));
    at::Tensor fy_d = logits_d.gather(1, b.y.unsqueeze(1)).mean();
    at::Tensor fy_q = logits_q.gather(1, b.y.unsqueeze(1)).mean();
    at::Tensor l = -(fy_d - fy_q);
    L.total = L.total + s.p_x_y_weight * l;
    L.l_pxy = l.detach();
  }
  at::Tensor p_grid;  // softmax over the grid's cells: the model's exact density, per cell
  if (b.grid.defined()) {
    const int64_t cells = b.grid.size(0);
    at::Tensor f_g = out.neg_energy.narrow(0, off, cells);
    p_grid = at::softmax(f_g.detach(), 0);
    if (s.p_x_weight > 0) {
      at::Tensor l = -(f_d.mean() - (at::logsumexp(f_g, 0) + b.log_cell_area));
      L.total = L.total + s.p_x_weight * l;
      L.l_px = l.detach();
      L.f_q = (p_grid * f_g.detach()).sum();
    }
    if (s.p_x_y_weight > 0) {
      at::Tensor log_z_y = at::logsumexp(out.logits.narrow(0, off, cells), 0) + b.log_cell_area;  // [K]
      at::Tensor fy_d = logits_d.gather(1, b.y.unsqueeze(1)).squeeze(1);
      at::Tensor l = -(fy_d - log_z_y.index_select(0, b.y)).mean();
      L.total = L.total + s.p_x_y_weight * l;
      L.l_pxy = l.detach();
    }
    f_q = f_g;
  }
  if (s.energy_reg_weight > 0) {
    at::Tensor reg = f_d.pow(2).mean();
    if (p_grid.defined()) reg = reg + (p_grid * f_q.pow(2)).sum();  // E_p[f^2], exactly
    else if (f_q.defined()) reg = reg + f_q.pow(2).mean();
    L.total = L.total + s.energy_reg_weight * reg;
    L.l_reg = reg.detach();
  }
  return L;
}

}  // namespace jem
