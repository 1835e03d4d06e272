#pragma once
// Operator kinds: an interface and a registry (after Ramulator 2's registered implementations).
// Each kind declares its parameters where it is implemented — name, description, required or
// default — so the `op` command builds its options from the declarations and a missing or bad value
// is an error that names the parameter, never a silent default.
//
// Adding an operator kind: implement OperatorKind in model/src/ops/, and add one line to
// register_builtin_kinds() (model/src/ops/registry.cpp). The list is explicit rather than
// self-registering because the model is a static library, whose unreferenced objects (and their
// static registrations) the linker drops.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"
#include "ridgeline/ops/op_cost.hpp"

namespace ridgeline::ops {

enum class ParamType {
  count,   // whole number >= 1 (dimensions: m, n, k, batch, heads)
  dtype,   // one of fp64 fp32 tf32 bf16 fp16 fp8 int8 fp4 int4
  choice,  // one of a declared list of words
};

struct ParamSpec {
  std::string name;  // as on the command line, without dashes ("head-dim")
  ParamType type = ParamType::count;
  std::string description;
  bool required = false;
  std::string default_value;         // text form; empty: no default (optional and unset)
  std::vector<std::string> choices;  // ParamType::choice

  // Builder, declared where a kind is implemented:
  //   count_param("m", "rows of A and C").required()
  ParamSpec& require() {
    required = true;
    return *this;
  }
  ParamSpec& defaults_to(std::string value) {
    default_value = std::move(value);
    return *this;
  }
};

ParamSpec count_param(std::string name, std::string description);
ParamSpec dtype_param(std::string name, std::string description);
ParamSpec choice_param(std::string name, std::string description, std::vector<std::string> choices);

// Parameter values after validation against the declarations. Accessors throw ModelError for a name
// that was not declared (a programming error in a kind), never for user input: that is checked
// once, by parse_params.
class Params {
 public:
  bool has(std::string_view name) const;
  std::int64_t count(std::string_view name) const;
  DType dtype(std::string_view name) const;
  const std::string& text(std::string_view name) const;
  // An optional parameter's value, or `fallback` when unset.
  std::int64_t count_or(std::string_view name, std::int64_t fallback) const;
  DType dtype_or(std::string_view name, DType fallback) const;

  void set(const std::string& name, std::string text);
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  const std::string& value(std::string_view name) const;
  std::map<std::string, std::string, std::less<>> values_;
};

// The conditions every operator accepts, declared once: --cache cold|warm, --timing device|host.
std::vector<ParamSpec> condition_params();
Conditions conditions_from(const Params& params);

class OperatorKind {
 public:
  virtual ~OperatorKind() = default;
  virtual std::string name() const = 0;         // "gemm", "softmax", "decode-attention"
  virtual std::string description() const = 0;  // one sentence
  virtual std::vector<ParamSpec> params() const = 0;
  // `params` has passed parse_params against params() + condition_params().
  virtual OpCost cost(const hw::Accelerator& accelerator, const Params& params) const = 0;
};

class OperatorRegistry {
 public:
  void add(std::unique_ptr<OperatorKind> kind);  // throws ModelError for a duplicate name
  const OperatorKind* find(std::string_view name) const;
  const OperatorKind& get(std::string_view name) const;  // throws InputError listing the kinds
  std::vector<const OperatorKind*> kinds() const;        // in registration order
  std::vector<std::string> names() const;

  // Every kind Ridgeline ships.
  static const OperatorRegistry& builtin();

 private:
  std::vector<std::unique_ptr<OperatorKind>> kinds_;
};

// One line per kind (model/src/ops/registry.cpp).
void register_builtin_kinds(OperatorRegistry& registry);

// Checks `given` (name → text, as typed by a user) against the kind's declarations and the common
// condition parameters: unknown names, missing required values, counts that are not whole numbers
// >= 1, unknown dtypes, words outside a choice. Fills defaults. Throws InputError listing every
// problem, each naming the parameter (`where` = "--m").
Params parse_params(const OperatorKind& kind, const std::map<std::string, std::string>& given);

// parse_params + cost, the one call front ends make.
OpCost evaluate(const OperatorKind& kind, const hw::Accelerator& accelerator,
                const std::map<std::string, std::string>& given);

}  // namespace ridgeline::ops
