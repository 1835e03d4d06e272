#include "ridgeline/base/error.hpp"

namespace ridgeline {

std::string InputProblem::to_string() const {
  std::string text;
  if (!file.empty()) text += file + ": ";
  if (!where.empty()) text += "at " + where + ": ";
  return text + message;
}

namespace {
std::string join(const std::vector<InputProblem>& problems) {
  std::string text;
  for (const auto& problem : problems) {
    if (!text.empty()) text += '\n';
    text += problem.to_string();
  }
  return text;
}
}  // namespace

InputError::InputError(std::vector<InputProblem> problems)
    : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

InputError::InputError(std::string file, std::string where, std::string message)
    : InputError(
          std::vector<InputProblem>{{std::move(file), std::move(where), std::move(message)}}) {}

}  // namespace ridgeline
