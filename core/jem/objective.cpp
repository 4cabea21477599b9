#include "core/jem/objective.h"

namespace jem {

JemLoss jem_loss(EnergyNet& f, const JemBatch& b, const Settings& s) {
  const int64_t n = b.x.size(0);
  std::vector<at::Tensor> parts{b.x};
  if (b.x_q.defined()) parts.push_back(b.x_q);
  if (b.x_qy.defined()) parts.push_back(b.x_qy);
  NetOutput out = f.forward_all(at::cat(parts));

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
  if (s.energy_reg_weight > 0) {
    at::Tensor reg = f_d.pow(2).mean();
    if (f_q.defined()) reg = reg + f_q.pow(2).mean();
    L.total = L.total + s.energy_reg_weight * reg;
    L.l_reg = reg.detach();
  }
  return L;
}

}  // namespace jem
