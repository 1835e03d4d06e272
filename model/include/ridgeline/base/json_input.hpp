#pragma once
// Reading JSON input files with complete validation: every loader (hardware specs, model configs,
// traces' headers) parses through here, so that every error names the file, the JSON pointer and
// what was expected, and every problem of a file is reported at once.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline {

// Reads and parses a JSON file. Throws InputError for an unreadable, empty, binary, malformed or
// truncated file (with line and column), and for a key given twice in one object (with its
// pointer).
nlohmann::json parse_json_file(const std::filesystem::path& path);
// Same, for text already in memory; `file` names it in messages.
nlohmann::json parse_json_text(std::string_view text, const std::string& file);

// A value with its provenance: where the number comes from (a source key, "estimate…" or
// "derived: …") and an optional note.
template <typename T>
struct Sourced {
  T value{};
  std::string source;
  std::string note;
};

// Collects problems while walking a parsed document. Accessors return a value (or a placeholder
// when the field is bad, after recording the problem); the caller calls throw_if_problems() before
// using anything, so a partially valid file is never accepted.
class JsonReader {
 public:
  explicit JsonReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  bool ok() const { return problems_.empty(); }
  void problem(const std::string& pointer, std::string message);
  void throw_if_problems() const;

  // Object-level checks. `pointer` is the JSON pointer of `object`.
  bool expect_object(const nlohmann::json& value, const std::string& pointer);
  bool expect_array(const nlohmann::json& value, const std::string& pointer);
  // Reports every key not in `allowed` (typos are errors, not ignored fields).
  void reject_unknown_keys(const nlohmann::json& object, const std::string& pointer,
                           std::initializer_list<std::string_view> allowed);
  // Returns the member or nullptr after recording "missing required field".
  const nlohmann::json* require(const nlohmann::json& object, const std::string& pointer,
                                std::string_view key);
  const nlohmann::json* optional(const nlohmann::json& object, std::string_view key) const;

  std::string string(const nlohmann::json& object, const std::string& pointer,
                     std::string_view key);
  std::optional<std::string> optional_string(const nlohmann::json& object,
                                             const std::string& pointer, std::string_view key);

  // Plain values (no provenance).
  double quantity_value(const nlohmann::json& value, const std::string& pointer,
                        Dimension dimension);

  // Sourced values: {"value": ..., "source": "...", "note"?: "..."}. `sources` are the keys the
  // file declares; a source must be one of them, or start with "estimate" or "derived:".
  Sourced<double> sourced_quantity(const nlohmann::json& object, const std::string& pointer,
                                   std::string_view key, Dimension dimension);
  Sourced<double> sourced_fraction(const nlohmann::json& object, const std::string& pointer,
                                   std::string_view key);
  // A whole number in [1, max].
  Sourced<std::int64_t> sourced_count(const nlohmann::json& object, const std::string& pointer,
                                      std::string_view key, std::int64_t max);

  // Plain whole numbers in [1, max] (model configs): required, or optional (nullopt when absent
  // or null).
  std::int64_t count(const nlohmann::json& object, const std::string& pointer, std::string_view key,
                     std::int64_t max);
  std::optional<std::int64_t> optional_count(const nlohmann::json& object,
                                             const std::string& pointer, std::string_view key,
                                             std::int64_t max);
  std::optional<bool> optional_bool(const nlohmann::json& object, const std::string& pointer,
                                    std::string_view key);

  void set_source_keys(std::vector<std::string> keys) { source_keys_ = std::move(keys); }

 private:
  const nlohmann::json* sourced_value(const nlohmann::json& object, const std::string& pointer,
                                      std::string_view key, std::string& source, std::string& note);

  std::string file_;
  std::vector<InputProblem> problems_;
  std::vector<std::string> source_keys_;
};

// Escapes a key for use in a JSON pointer (RFC 6901: ~ → ~0, / → ~1).
std::string pointer_segment(std::string_view key);
// Human name of a JSON value's type ("a string", "an array").
std::string json_type_name(const nlohmann::json& value);

}  // namespace ridgeline
