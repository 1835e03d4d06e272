#pragma once
// Errors the library reports. The library never exits or asserts on bad input: it throws one of
// these, and only a front end's main() turns it into an exit code or a dialog.

#include <stdexcept>
#include <string>
#include <vector>

namespace ridgeline {

// One problem found in an input: where (file, JSON pointer or line) and what was expected.
struct InputProblem {
  std::string file;     // path as given by the user; empty for values not read from a file
  std::string where;    // JSON pointer ("/memory/2/bandwidth") or "line 12"; empty if whole file
  std::string message;  // what is wrong and what was expected

  std::string to_string() const;
};

// Bad input: malformed file, missing/mistyped field, unknown unit, impossible value. Carries every
// problem found, so a user fixes a file in one pass.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<InputProblem> problems);
  InputError(std::string file, std::string where, std::string message);

  const std::vector<InputProblem>& problems() const { return problems_; }

 private:
  std::vector<InputProblem> problems_;
};

// A request the model cannot answer (e.g. a dtype the hardware has no peak for).
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ridgeline
