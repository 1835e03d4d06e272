#include "ridgeline/ops/operator.hpp"

#include <charconv>
#include <limits>

#include "ridgeline/base/error.hpp"

namespace ridgeline::ops {

ParamSpec count_param(std::string name, std::string description) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::count;
  spec.description = std::move(description);
  return spec;
}

ParamSpec dtype_param(std::string name, std::string description) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::dtype;
  spec.description = std::move(description);
  return spec;
}

ParamSpec choice_param(std::string name, std::string description,
                       std::vector<std::string> choices) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = ParamType::choice;
  spec.description = std::move(description);
  spec.choices = std::move(choices);
  return spec;
}

bool Params::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

const std::string& Params::value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) {
    throw ModelError("operator parameter '" + std::string(name) + "' is not set");
  }
  return it->second;
}

std::int64_t Params::count(std::string_view name) const {
  const std::string& text = value(name);
  std::int64_t result = 0;
  std::from_chars(text.data(), text.data() + text.size(), result);
  return result;
}

DType Params::dtype(std::string_view name) const {
  const auto parsed = parse_dtype(value(name));
  if (!parsed) throw ModelError("operator parameter '" + std::string(name) + "' is not a dtype");
  return *parsed;
}

const std::string& Params::text(std::string_view name) const {
  return value(name);
}

std::int64_t Params::count_or(std::string_view name, std::int64_t fallback) const {
  return has(name) ? count(name) : fallback;
}

DType Params::dtype_or(std::string_view name, DType fallback) const {
  return has(name) ? dtype(name) : fallback;
}

void Params::set(const std::string& name, std::string text) {
  values_[name] = std::move(text);
}

std::vector<ParamSpec> condition_params() {
  return {
      choice_param("cache",
                   "cold: inputs come from off-chip memory; warm: a working set that fits in an "
                   "on-chip cache is there from a previous call",
                   {"cold", "warm"})
          .defaults_to("cold"),
      choice_param("timing",
                   "device: kernel time (CUDA events, graphs); host: wall-clock around one call "
                   "with a synchronize (adds the host launch overhead); profiler: the kernel's "
                   "own duration in a profiler trace (no launch latency)",
                   {"device", "host", "profiler"})
          .defaults_to("device"),
  };
}

Conditions conditions_from(const Params& params) {
  Conditions conditions;
  if (params.has("cache") && params.text("cache") == "warm") conditions.cache = CacheState::warm;
  if (params.has("timing") && params.text("timing") == "host") conditions.host_timed = true;
  if (params.has("timing") && params.text("timing") == "profiler") conditions.profiled = true;
  return conditions;
}

void OperatorRegistry::add(std::unique_ptr<OperatorKind> kind) {
  if (find(kind->name()) != nullptr) {
    throw ModelError("operator kind '" + kind->name() + "' is registered twice");
  }
  kinds_.push_back(std::move(kind));
}

const OperatorKind* OperatorRegistry::find(std::string_view name) const {
  for (const auto& kind : kinds_) {
    if (kind->name() == name) return kind.get();
  }
  return nullptr;
}

const OperatorKind& OperatorRegistry::get(std::string_view name) const {
  if (const auto* kind = find(name)) return *kind;
  std::string known;
  for (const auto& kind : kinds_) known += (known.empty() ? "" : ", ") + kind->name();
  throw InputError("", "", "unknown operator '" + std::string(name) + "'; known: " + known);
}

std::vector<const OperatorKind*> OperatorRegistry::kinds() const {
  std::vector<const OperatorKind*> list;
  list.reserve(kinds_.size());
  for (const auto& kind : kinds_) list.push_back(kind.get());
  return list;
}

std::vector<std::string> OperatorRegistry::names() const {
  std::vector<std::string> list;
  for (const auto& kind : kinds_) list.push_back(kind->name());
  return list;
}

const OperatorRegistry& OperatorRegistry::builtin() {
  static const OperatorRegistry registry = [] {
    OperatorRegistry built;
    register_builtin_kinds(built);
    return built;
  }();
  return registry;
}

namespace {

// A whole number in [1, 2^62]: dimensions of zero or below are errors, as are "4k" or "1e3".
bool parse_count(const std::string& text, std::string& problem) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    problem = "'" + text + "' is not a whole number";
    return false;
  }
  if (value < 1) {
    problem = "must be at least 1, got " + text;
    return false;
  }
  if (value > (std::int64_t{1} << 62)) {
    problem = "'" + text + "' is too large";
    return false;
  }
  return true;
}

}  // namespace

Params parse_params(const OperatorKind& kind, const std::map<std::string, std::string>& given) {
  auto declared = kind.params();
  for (auto& common : condition_params()) declared.push_back(std::move(common));

  std::vector<InputProblem> problems;
  const auto report = [&](const std::string& name, std::string message) {
    problems.push_back({"", "--" + name, std::move(message)});
  };
  for (const auto& [name, text] : given) {
    bool known = false;
    for (const auto& spec : declared) known = known || spec.name == name;
    if (!known) {
      std::string list;
      for (const auto& spec : declared) list += (list.empty() ? "--" : ", --") + spec.name;
      report(name, "unknown parameter; " + kind.name() + " takes " + list);
    }
  }

  Params params;
  for (const auto& spec : declared) {
    const auto it = given.find(spec.name);
    std::string text;
    if (it != given.end()) {
      text = it->second;
    } else if (spec.required) {
      report(spec.name,
             "missing required parameter of " + kind.name() + " (" + spec.description + ")");
      continue;
    } else if (spec.default_value.empty()) {
      continue;
    } else {
      text = spec.default_value;
    }
    std::string problem;
    switch (spec.type) {
      case ParamType::count:
        if (!parse_count(text, problem)) report(spec.name, problem);
        break;
      case ParamType::dtype:
        if (!parse_dtype(text)) {
          report(spec.name, "unknown dtype '" + text + "'; expected one of: " + dtype_list());
        }
        break;
      case ParamType::choice: {
        bool listed = false;
        std::string list;
        for (const auto& choice : spec.choices) {
          listed = listed || choice == text;
          list += (list.empty() ? "" : ", ") + choice;
        }
        if (!listed) report(spec.name, "'" + text + "' is not one of: " + list);
        break;
      }
    }
    params.set(spec.name, std::move(text));
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return params;
}

OpCost evaluate(const OperatorKind& kind, const hw::Accelerator& accelerator,
                const std::map<std::string, std::string>& given) {
  return kind.cost(accelerator, parse_params(kind, given));
}

}  // namespace ridgeline::ops
