#include "core/jem/replay_buffer.h"

#include "core/util/error.h"

namespace jem {

void ReplayBuffer::reset(int64_t size, int n_classes, const ChainInit& init, const std::string& mode,
                         double init_noise, at::Generator& gen) {
  n_classes_ = n_classes;
  size -= size % n_classes;
  if (size <= 0) {
    x_ = at::Tensor();
    age_ = at::Tensor();
    return;
  }
  at::Tensor slot_class = at::div(at::arange(size, init.lo().options().dtype(at::kLong)), size / n_classes, "floor");
  x_ = init.sample(size, slot_class, mode, init_noise, gen);
  age_ = at::zeros({size}, slot_class.options());
}

void ReplayBuffer::restore(const at::Tensor& x, const at::Tensor& age, const ChainInit& init, int n_classes) {
  // A saved buffer is only trusted as far as it matches the run: rows of the data's width and
  // type, one int64 age per row, whole classes (a mismatch read past its storage; found by fuzzing).
  const at::Tensor& lo = init.lo();
  if (x.defined() && x.size(0) > 0 &&
      (x.dim() != 2 || x.size(1) != lo.size(0) || x.scalar_type() != lo.scalar_type() || !age.defined() ||
       age.dim() != 1 || age.scalar_type() != at::kLong || age.size(0) != x.size(0) || x.size(0) % n_classes))
    throw Error("replay buffer does not fit the run (rows of the data's width and type, an int64 age per row, whole classes)");
  const bool empty = !x.defined() || x.size(0) == 0;
  x_ = empty ? at::Tensor() : x.contiguous();
  age_ = empty ? at::Tensor() : age.contiguous();
  n_classes_ = n_classes;
}

ChainStart ReplayBuffer::draw(int64_t batch, const at::Tensor& y, double reinit_freq, const ChainInit& init,
                              const std::string& mode, double init_noise, at::Generator& gen) const {
  ChainStart s;
  const auto lopt = init.lo().options().dtype(at::kLong);
  if (size() == 0) {
    s.x0 = init.sample(batch, y, mode, init_noise, gen);
    s.age0 = at::zeros({batch}, lopt);
    return s;
  }
  const int64_t per_class = size() / n_classes_;
  s.idx = y.defined() ? y * per_class + at::randint(per_class, {batch}, gen, lopt)
                      : at::randint(size(), {batch}, gen, lopt);
  at::Tensor fresh = init.sample(batch, y, mode, init_noise, gen);
  at::Tensor reinit = at::rand({batch}, gen, init.lo().options()) < reinit_freq;
  s.x0 = at::where(reinit.unsqueeze(1), fresh, x_.index_select(0, s.idx));
  s.age0 = at::where(reinit, at::zeros({batch}, lopt), age_.index_select(0, s.idx));
  return s;
}

void ReplayBuffer::write_back(const ChainStart& start, const at::Tensor& x, int n_steps) {
  if (!start.idx.defined()) return;
  x_.index_copy_(0, start.idx, x.detach());
  age_.index_copy_(0, start.idx, start.age0 + n_steps);
}

}  // namespace jem
