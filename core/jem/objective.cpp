#include "core/jem/objective.h"

namespace jem {

JemLoss jem_loss(EnergyNet& f, const JemBatch& b, const Settings& s) {
  const int64_t n = b.x.size(0);
  std::vector<at::Tensor> parts{b.x};
  if (b.x_q.defined()) parts.push_back(b.x_q);
  if (b.x_qy.defined()) parts.push_back(b.x_qy);
  if (b.grid.defined()) parts.push_back(b.grid);
  NetOutput out = f.forward_train(at::cat(parts));

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
