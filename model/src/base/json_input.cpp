#include "ridgeline/base/json_input.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace ridgeline {
namespace {

// Tracks the JSON pointer of the parser's position, to name a duplicated key precisely.
class DuplicateKeyFinder {
 public:
  bool on_event(int /*depth*/, nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
        frames_.push_back({false, 0, {}, {}});
        break;
      case Event::array_start:
        frames_.push_back({true, 0, {}, {}});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!frames_.empty()) frames_.pop_back();
        advance_parent();
        break;
      case Event::key: {
        if (frames_.empty()) break;
        auto& frame = frames_.back();
        frame.last_key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.last_key).second) {
          duplicates_.push_back(pointer());
        }
        break;
      }
      case Event::value:
        advance_parent();
        break;
    }
    return true;
  }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    bool is_array;
    std::size_t index;
    std::set<std::string> keys;
    std::string last_key;
  };
  void advance_parent() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  std::string pointer() const {
    std::string result;
    for (const auto& frame : frames_) {
      result +=
          "/" + (frame.is_array ? std::to_string(frame.index) : pointer_segment(frame.last_key));
    }
    return result;
  }
  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
};

std::string line_and_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool looks_binary(std::string_view text) {
  const auto control = std::count_if(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte == 0 || (byte < 0x20 && c != '\n' && c != '\r' && c != '\t');
  });
  return control > 0;
}

}  // namespace

std::string pointer_segment(std::string_view key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

nlohmann::json parse_json_text(std::string_view text, const std::string& file) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; })) {
    throw InputError(file, "", "file is empty; expected a JSON object");
  }
  if (looks_binary(text)) {
    throw InputError(file, "",
                     "file contains binary data (control or NUL bytes); expected JSON text");
  }
  DuplicateKeyFinder finder;
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(
        text.begin(), text.end(),
        [&finder](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
          return finder.on_event(depth, event, parsed);
        });
  } catch (const nlohmann::json::parse_error& error) {
    std::string reason = error.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    const auto colon = reason.find(": ");
    if (colon != std::string::npos) reason = reason.substr(colon + 2);
    const bool truncated = error.byte >= text.size();
    throw InputError(
        file, line_and_column(text, error.byte == 0 ? 0 : error.byte - 1),
        std::string(truncated ? "truncated JSON (file ends early): " : "malformed JSON: ") +
            reason);
  }
  if (!finder.duplicates().empty()) {
    std::vector<InputProblem> problems;
    for (const auto& pointer : finder.duplicates()) {
      problems.push_back({file, pointer, "key given twice in the same object; keep one"});
    }
    throw InputError(std::move(problems));
  }
  return document;
}

nlohmann::json parse_json_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw InputError(path.string(), "", "cannot open file for reading");
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return parse_json_text(buffer.str(), path.string());
}

void JsonReader::problem(const std::string& pointer, std::string message) {
  problems_.push_back({file_, pointer.empty() ? "/" : pointer, std::move(message)});
}

void JsonReader::throw_if_problems() const {
  if (!problems_.empty()) throw InputError(problems_);
}

bool JsonReader::expect_object(const nlohmann::json& value, const std::string& pointer) {
  if (value.is_object()) return true;
  problem(pointer, "expected an object, found " + json_type_name(value));
  return false;
}

bool JsonReader::expect_array(const nlohmann::json& value, const std::string& pointer) {
  if (value.is_array()) return true;
  problem(pointer, "expected an array, found " + json_type_name(value));
  return false;
}

void JsonReader::reject_unknown_keys(const nlohmann::json& object, const std::string& pointer,
                                     std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string expected;
      for (auto name : allowed) expected += (expected.empty() ? "" : ", ") + std::string(name);
      problem(pointer + "/" + pointer_segment(key),
              "unknown field '" + key + "'; expected one of: " + expected);
    }
  }
}

const nlohmann::json* JsonReader::require(const nlohmann::json& object, const std::string& pointer,
                                          std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end()) {
    problem(pointer + "/" + pointer_segment(key),
            "missing required field '" + std::string(key) + "'");
    return nullptr;
  }
  return &*it;
}

const nlohmann::json* JsonReader::optional(const nlohmann::json& object,
                                           std::string_view key) const {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string JsonReader::string(const nlohmann::json& object, const std::string& pointer,
                               std::string_view key) {
  const auto* value = require(object, pointer, key);
  if (value == nullptr) return {};
  const std::string where = pointer + "/" + pointer_segment(key);
  if (!value->is_string()) {
    problem(where, "expected a string, found " + json_type_name(*value));
    return {};
  }
  auto text = value->get<std::string>();
  if (text.empty()) problem(where, "expected a non-empty string");
  return text;
}

std::optional<std::string> JsonReader::optional_string(const nlohmann::json& object,
                                                       const std::string& pointer,
                                                       std::string_view key) {
  if (optional(object, key) == nullptr) return std::nullopt;
  return string(object, pointer, key);
}

double JsonReader::quantity_value(const nlohmann::json& value, const std::string& pointer,
                                  Dimension dimension) {
  if (!value.is_string()) {
    problem(pointer, "expected " + std::string(dimension_name(dimension)) +
                         " as a string with a unit such as '" +
                         std::string(dimension_example(dimension)) + "', found " +
                         json_type_name(value));
    return 0.0;
  }
  try {
    return parse_quantity(value.get<std::string>(), dimension);
  } catch (const UnitError& error) {
    problem(pointer, error.what());
    return 0.0;
  }
}

const nlohmann::json* JsonReader::sourced_value(const nlohmann::json& object,
                                                const std::string& pointer, std::string_view key,
                                                std::string& source, std::string& note) {
  const auto* field = require(object, pointer, key);
  if (field == nullptr) return nullptr;
  const std::string where = pointer + "/" + pointer_segment(key);
  if (!field->is_object()) {
    problem(where, "expected a sourced value {\"value\": ..., \"source\": ...}, found " +
                       json_type_name(*field));
    return nullptr;
  }
  reject_unknown_keys(*field, where, {"value", "source", "note"});
  source = string(*field, where, "source");
  if (!source.empty()) {
    const bool known =
        std::find(source_keys_.begin(), source_keys_.end(), source) != source_keys_.end();
    const bool estimate = source.rfind("estimate", 0) == 0;
    const bool derived = source.rfind("derived:", 0) == 0;
    if (!known && !estimate && !derived) {
      problem(where + "/source", "source '" + source +
                                     "' is not a key of /sources; expected one of those keys, "
                                     "'estimate…' or 'derived: <formula>'");
    }
  }
  if (const auto note_value = optional_string(*field, where, "note")) note = *note_value;
  return require(*field, where, "value");
}

Sourced<double> JsonReader::sourced_quantity(const nlohmann::json& object,
                                             const std::string& pointer, std::string_view key,
                                             Dimension dimension) {
  Sourced<double> result;
  const auto* value = sourced_value(object, pointer, key, result.source, result.note);
  if (value != nullptr) {
    result.value =
        quantity_value(*value, pointer + "/" + pointer_segment(key) + "/value", dimension);
  }
  return result;
}

Sourced<double> JsonReader::sourced_fraction(const nlohmann::json& object,
                                             const std::string& pointer, std::string_view key) {
  Sourced<double> result;
  const auto* value = sourced_value(object, pointer, key, result.source, result.note);
  if (value == nullptr) return result;
  const std::string where = pointer + "/" + pointer_segment(key) + "/value";
  if (!value->is_number()) {
    problem(where, "expected a fraction in (0, 1] as a number, found " + json_type_name(*value));
    return result;
  }
  const double fraction = value->get<double>();
  if (!std::isfinite(fraction) || fraction <= 0.0 || fraction > 1.0) {
    problem(where, "fraction " + format_number(fraction) + " is outside (0, 1]");
    return result;
  }
  result.value = fraction;
  return result;
}

Sourced<std::int64_t> JsonReader::sourced_count(const nlohmann::json& object,
                                                const std::string& pointer, std::string_view key,
                                                std::int64_t max) {
  Sourced<std::int64_t> result;
  const auto* value = sourced_value(object, pointer, key, result.source, result.note);
  if (value == nullptr) return result;
  const std::string where = pointer + "/" + pointer_segment(key) + "/value";
  if (!value->is_number()) {
    problem(where, "expected a whole number, found " + json_type_name(*value));
    return result;
  }
  const double number = value->get<double>();
  if (!std::isfinite(number) || number != std::floor(number)) {
    problem(where, "expected a whole number, found " + format_number(number));
  } else if (number < 1) {
    problem(where, "count " + format_number(number) + " must be at least 1");
  } else if (number > static_cast<double>(max)) {
    problem(where,
            "absurd count " + format_number(number, 12) + " (at most " + std::to_string(max) + ")");
  } else {
    result.value = static_cast<std::int64_t>(number);
  }
  return result;
}

namespace {
std::optional<std::int64_t> whole_number(JsonReader& reader, const nlohmann::json& value,
                                         const std::string& where, std::int64_t max) {
  if (!value.is_number()) {
    reader.problem(where, "expected a whole number, found " + json_type_name(value));
    return std::nullopt;
  }
  const double number = value.get<double>();
  if (!std::isfinite(number) || number != std::floor(number)) {
    reader.problem(where, "expected a whole number, found " + format_number(number));
  } else if (number < 1) {
    reader.problem(where, "value " + format_number(number) + " must be at least 1");
  } else if (number > static_cast<double>(max)) {
    reader.problem(where, "absurd value " + format_number(number, 12) + " (at most " +
                              std::to_string(max) + ")");
  } else {
    return static_cast<std::int64_t>(number);
  }
  return std::nullopt;
}
}  // namespace

std::int64_t JsonReader::count(const nlohmann::json& object, const std::string& pointer,
                               std::string_view key, std::int64_t max) {
  const auto* value = require(object, pointer, key);
  if (value == nullptr) return 0;
  return whole_number(*this, *value, pointer + "/" + pointer_segment(key), max).value_or(0);
}

std::optional<std::int64_t> JsonReader::optional_count(const nlohmann::json& object,
                                                       const std::string& pointer,
                                                       std::string_view key, std::int64_t max) {
  const auto* value = optional(object, key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  auto result = whole_number(*this, *value, pointer + "/" + pointer_segment(key), max);
  return result ? result : std::optional<std::int64_t>(0);
}

std::optional<bool> JsonReader::optional_bool(const nlohmann::json& object,
                                              const std::string& pointer, std::string_view key) {
  const auto* value = optional(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    problem(pointer + "/" + pointer_segment(key),
            "expected true or false, found " + json_type_name(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

}  // namespace ridgeline
