#pragma once
// The built-in collective algorithms, one line each. A new algorithm is one new file in this
// folder (its class, ending with RIDGELINE_COLLECTIVE_ALGORITHM(Class)) plus its line here; the
// explicit list keeps every algorithm linked in although the model is a static library.

#include <memory>

#include "ridgeline/topology/algorithm.hpp"

#define RIDGELINE_BUILTIN_COLLECTIVE_ALGORITHMS(X) \
  X(RingAlgorithm)                                 \
  X(TreeAlgorithm)                                 \
  X(InSwitchAlgorithm)                             \
  X(DirectAlgorithm)                               \
  X(TorusAlgorithm)                                \
  X(HierarchicalAlgorithm)

// Defines the factory the registry calls; put it after the class, at namespace scope.
#define RIDGELINE_COLLECTIVE_ALGORITHM(Class)                                  \
  std::unique_ptr<::ridgeline::topology::CollectiveAlgorithm> make_##Class() { \
    return std::make_unique<Class>();                                          \
  }

namespace ridgeline::topology::detail {
#define RIDGELINE_DECLARE_FACTORY(Class) std::unique_ptr<CollectiveAlgorithm> make_##Class();
RIDGELINE_BUILTIN_COLLECTIVE_ALGORITHMS(RIDGELINE_DECLARE_FACTORY)
#undef RIDGELINE_DECLARE_FACTORY
}  // namespace ridgeline::topology::detail
