#include "algorithms/builtin.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/topology/algorithm.hpp"

namespace ridgeline::topology {

AlgorithmRegistry::AlgorithmRegistry() {
#define RIDGELINE_ADD_BUILTIN(Class) add(detail::make_##Class());
  RIDGELINE_BUILTIN_COLLECTIVE_ALGORITHMS(RIDGELINE_ADD_BUILTIN)
#undef RIDGELINE_ADD_BUILTIN
}

AlgorithmRegistry& AlgorithmRegistry::instance() {
  static AlgorithmRegistry registry;
  return registry;
}

void AlgorithmRegistry::add(std::unique_ptr<CollectiveAlgorithm> algorithm) {
  if (find(algorithm->name()) != nullptr) {
    throw ModelError("collective algorithm '" + std::string(algorithm->name()) +
                     "' is registered twice");
  }
  algorithms_.push_back(std::move(algorithm));
}

const CollectiveAlgorithm* AlgorithmRegistry::find(std::string_view name) const {
  for (const auto& algorithm : algorithms_) {
    if (algorithm->name() == name) return algorithm.get();
  }
  return nullptr;
}

std::vector<std::string> AlgorithmRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& algorithm : algorithms_) names.emplace_back(algorithm->name());
  return names;
}

}  // namespace ridgeline::topology
