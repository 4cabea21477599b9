// Precompiled header for every torch translation unit (core and the torch tests).
// Parsing torch costs ~12 s per TU; with this it is paid once per target.
#pragma once
#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>
