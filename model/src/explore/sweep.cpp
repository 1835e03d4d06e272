#include "ridgeline/explore/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"
#include "ridgeline/explore/metrics.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::explore {
namespace {

constexpr std::size_t kMaxPoints = 100'000'000;  // a sweep beyond this is a typo, not a study
constexpr std::string_view kSchema = "ridgeline.sweep/1";
constexpr std::string_view kCsvShardPrefix = "# ridgeline sweep shard ";

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// START:STOP:STEP of a numeric knob; STEP "x2" multiplies.
std::vector<Setting> range_values(const Knob& knob, const std::string& text) {
  const auto parts = split(text, ':');
  if (parts.size() != 3) {
    throw InputError(
        "", knob.name,
        "a range is START:STOP:STEP (e.g. 6.4Gb/s:9.6Gb/s:0.8Gb/s or 1:64:x2), got '" + text + "'");
  }
  const double start = parse_knob_value(knob, parts[0]);
  const double stop = parse_knob_value(knob, parts[1]);
  if (stop < start) {
    throw InputError("", knob.name, "range '" + text + "' ends below its start");
  }
  std::vector<double> values;
  const std::string& step_text = parts[2];
  if (!step_text.empty() && (step_text.front() == 'x' || step_text.front() == '*')) {
    double factor = 0;
    try {
      factor = parse_quantity(std::string_view(step_text).substr(1), Dimension::count);
    } catch (const UnitError& error) {
      throw InputError("", knob.name, "range step '" + step_text + "': " + error.what());
    }
    if (factor <= 1) {
      throw InputError("", knob.name,
                       "a multiplying range step must exceed 1, got '" + step_text + "'");
    }
    for (double value = start; value <= stop * (1 + 1e-9); value *= factor) {
      values.push_back(value);
      if (values.size() > kMaxPoints) break;
    }
  } else {
    const double step = parse_knob_value(knob, step_text);
    const double steps = std::floor((stop - start) / step * (1 + 1e-12) + 1e-9);
    if (steps + 1 > static_cast<double>(kMaxPoints)) {
      throw InputError("", knob.name, "range '" + text + "' has too many values");
    }
    for (double i = 0; i <= steps; ++i) values.push_back(start + i * step);
  }
  std::vector<Setting> settings;
  for (const double value : values) {
    if (knob.integer && std::fabs(value - std::round(value)) > 1e-9 * value) {
      throw InputError("", knob.name,
                       knob.name + " takes whole numbers; range '" + text + "' gives " +
                           format_number(value, 8));
    }
    Setting setting{knob.name, "", knob.integer ? std::round(value) : value};
    setting.text = setting_text(setting);
    settings.push_back(std::move(setting));
  }
  return settings;
}

std::string settings_text(const std::vector<Setting>& settings) {
  std::string text;
  for (const auto& setting : settings) {
    text += (text.empty() ? "" : ", ") + setting.name + "=" + setting_text(setting);
  }
  return text;
}

// Rethrows a point's error with the point and its settings in the message.
[[noreturn]] void rethrow_for_point(const std::exception_ptr& error, std::size_t point,
                                    const std::vector<Setting>& settings) {
  const std::string prefix =
      "sweep point " + std::to_string(point) + " (" + settings_text(settings) + "): ";
  try {
    std::rethrow_exception(error);
  } catch (const InputError& input) {
    auto problems = input.problems();
    for (auto& problem : problems) problem.message = prefix + problem.message;
    throw InputError(std::move(problems));
  } catch (const ModelError& model) {
    throw ModelError(prefix + model.what());
  }
}

std::string csv_column(const Metric& metric) {
  if (metric.unit == "s") return metric.name + "_s";
  if (metric.unit == "B") return metric.name + "_bytes";
  return metric.name;
}

std::string metric_text(const Metric& metric, const std::optional<double>& value) {
  if (!value) return "-";
  if (metric.unit.empty()) return format_number(100.0 * *value, 3) + "%";
  if (metric.dimension == Dimension::count) return format_number(*value, 4);
  return format_quantity(*value, metric.dimension);
}

std::string shard_text(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

std::size_t parse_index(const std::string& text, const std::string& file,
                        const std::string& where) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw InputError(file, where, "expected a point number, found '" + text + "'");
  return static_cast<std::size_t>(value);
}

// Checks that the shards in `seen` (shard index → file) are all N of them.
void require_all_shards(const std::map<std::size_t, std::string>& seen, std::size_t count,
                        const std::string& any_file) {
  std::string missing;
  for (std::size_t k = 1; k <= count; ++k) {
    if (seen.count(k) == 0) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  }
  if (!missing.empty()) {
    throw InputError(any_file, "",
                     "missing shard(s) " + missing + " of " + std::to_string(count) +
                         "; merge needs every shard of the sweep");
  }
}

std::string merge_csv(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string header;
  std::string description;
  std::size_t count = 0;
  std::size_t total = 0;
  std::map<std::size_t, std::string> seen;
  std::vector<std::pair<std::size_t, std::string>> rows;
  for (const auto& [file, text] : files) {
    auto lines = split(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (lines.size() < 2 || lines[0].rfind(kCsvShardPrefix, 0) != 0) {
      throw InputError(file, "line 1",
                       "not a sweep shard: expected a first line '" + std::string(kCsvShardPrefix) +
                           "K/N of T points: ...' (run `ridgeline sweep --shard K/N --csv`)");
    }
    // "# ridgeline sweep shard K/N of T points: DESCRIPTION"
    std::istringstream in(lines[0].substr(kCsvShardPrefix.size()));
    std::size_t k = 0, n = 0, t = 0;
    char slash = 0;
    std::string of, points_word;
    in >> k >> slash >> n >> of >> t >> points_word;
    const bool parsed = !in.fail();
    std::string rest;
    std::getline(in, rest);
    if (!parsed || slash != '/' || of != "of" || points_word != "points:" || k < 1 || k > n) {
      throw InputError(file, "line 1", "malformed shard line '" + lines[0] + "'");
    }
    const std::string shard_description = rest.empty() ? rest : rest.substr(1);
    if (seen.empty()) {
      header = lines[1];
      description = shard_description;
      count = n;
      total = t;
    } else if (n != count || t != total || shard_description != description || lines[1] != header) {
      throw InputError(file, "line 1",
                       "shard of another sweep: '" + lines[0] + "' does not match '" +
                           seen.begin()->second + "' (" + std::to_string(count) + " shards of " +
                           std::to_string(total) + " points: " + description + ")");
    }
    if (!seen.emplace(k, file).second) {
      throw InputError(file, "line 1",
                       "shard " + std::to_string(k) + "/" + std::to_string(n) +
                           " given twice (also in " + seen[k] + ")");
    }
    const auto expected = shard_points(total, {k, n});
    if (lines.size() - 2 != expected.size()) {
      throw InputError(file, "",
                       "shard " + std::to_string(k) + "/" + std::to_string(n) + " should hold " +
                           std::to_string(expected.size()) + " rows, found " +
                           std::to_string(lines.size() - 2) + " (a truncated file?)");
    }
    for (std::size_t i = 2; i < lines.size(); ++i) {
      const std::string where = "line " + std::to_string(i + 1);
      const auto point = parse_index(lines[i].substr(0, lines[i].find(',')), file, where);
      if (point != expected[i - 2]) {
        throw InputError(file, where,
                         "point " + std::to_string(point) + " does not belong here; expected " +
                             std::to_string(expected[i - 2]));
      }
      rows.emplace_back(point, lines[i]);
    }
  }
  require_all_shards(seen, count, files.front().first);
  std::sort(rows.begin(), rows.end());
  std::string merged = header + "\n";
  for (const auto& [point, line] : rows) merged += line + "\n";
  return merged;
}

std::string merge_json(const std::vector<std::pair<std::string, std::string>>& files) {
  nlohmann::json merged;
  std::map<std::size_t, std::string> seen;
  std::size_t count = 0;
  std::vector<nlohmann::json> rows;
  for (const auto& [file, text] : files) {
    auto document = parse_json_text(text, file);
    if (!document.is_object() || document.value("schema", "") != kSchema ||
        !document.contains("shard") || !document["shard"].is_string() ||
        !document.contains("rows") || !document["rows"].is_array() ||
        !document.contains("points") || !document["points"].is_number_unsigned()) {
      throw InputError(file, "/shard",
                       "not a sweep shard: expected a " + std::string(kSchema) +
                           " document with \"shard\", \"points\" and \"rows\" (run `ridgeline "
                           "sweep --shard K/N --json`)");
    }
    Shard shard;
    try {
      shard = parse_shard(document["shard"].get<std::string>());
    } catch (const InputError&) {
      throw InputError(file, "/shard",
                       "malformed shard '" + document["shard"].get<std::string>() + "'");
    }
    auto shard_rows = std::move(document["rows"]);
    document.erase("rows");
    document.erase("shard");
    if (seen.empty()) {
      merged = document;
      count = shard.count;
    } else if (document != merged || shard.count != count) {
      throw InputError(
          file, "",
          "shard of another sweep: its description differs from " + seen.begin()->second + "'s");
    }
    if (!seen.emplace(shard.index, file).second) {
      throw InputError(
          file, "/shard",
          "shard " + shard_text(shard) + " given twice (also in " + seen[shard.index] + ")");
    }
    const auto expected = shard_points(merged["points"].get<std::size_t>(), shard);
    if (shard_rows.size() != expected.size()) {
      throw InputError(file, "/rows",
                       "shard " + shard_text(shard) + " should hold " +
                           std::to_string(expected.size()) + " rows, found " +
                           std::to_string(shard_rows.size()));
    }
    for (std::size_t i = 0; i < shard_rows.size(); ++i) {
      auto& row = shard_rows[i];
      if (!row.is_object() || !row.contains("point") || !row["point"].is_number_unsigned() ||
          row["point"].get<std::size_t>() != expected[i]) {
        throw InputError(file, "/rows/" + std::to_string(i),
                         "expected point " + std::to_string(expected[i]));
      }
      rows.push_back(std::move(row));
    }
  }
  require_all_shards(seen, count, files.front().first);
  std::sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["point"].get<std::size_t>() < b["point"].get<std::size_t>();
  });
  merged["rows"] = std::move(rows);
  return merged.dump(2) + "\n";
}

}  // namespace

SweepAxis parse_axis(std::string_view assignment) {
  const auto [name, text] = split_assignment(assignment);
  SweepAxis axis{name, {}};
  if (!is_pointer_setting(name)) {
    const auto& knob = find_knob(name);
    if (knob.numeric && text.find(':') != std::string::npos) {
      axis.values = range_values(knob, text);
      return axis;
    }
  }
  for (const auto& value : split(text, ',')) {
    if (value.empty()) {
      throw InputError("", name, "empty value in '" + std::string(assignment) + "'");
    }
    axis.values.push_back(parse_setting(name + "=" + value));
  }
  return axis;
}

std::size_t point_count(const SweepPlan& plan) {
  std::size_t count = 1;
  for (const auto& axis : plan.axes) {
    if (axis.values.empty()) return 0;
    if (count > kMaxPoints / axis.values.size()) {
      throw InputError("", "--set",
                       "the sweep has more than " + std::to_string(kMaxPoints) + " points");
    }
    count *= axis.values.size();
  }
  return count;
}

std::vector<Setting> point_settings(const SweepPlan& plan, std::size_t index) {
  std::vector<Setting> settings(plan.axes.size());
  for (std::size_t i = plan.axes.size(); i-- > 0;) {
    const auto& values = plan.axes[i].values;
    settings[i] = values[index % values.size()];
    index /= values.size();
  }
  return settings;
}

Shard parse_shard(std::string_view text) {
  const auto parts = split(text, '/');
  const auto number = [&](const std::string& part) -> std::size_t {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size() || value < 1) return 0;
    return static_cast<std::size_t>(value);
  };
  if (parts.size() == 2) {
    const Shard shard{number(parts[0]), number(parts[1])};
    if (shard.index >= 1 && shard.count >= 1 && shard.index <= shard.count) return shard;
  }
  throw InputError("", "--shard",
                   "expected K/N with 1 <= K <= N (e.g. 2/8: the second of 8 slices), got '" +
                       std::string(text) + "'");
}

std::vector<std::size_t> shard_points(std::size_t total, const Shard& shard) {
  std::vector<std::size_t> points;
  for (std::size_t i = shard.index - 1; i < total; i += shard.count) points.push_back(i);
  return points;
}

std::vector<SweepRow> run_sweep(const SweepPlan& plan, const std::vector<std::size_t>& points,
                                const hw::SpecLibrary& library, const SweepOptions& options) {
  std::set<std::string> names;
  for (const auto& axis : plan.axes) {
    if (!names.insert(axis.knob).second) {
      throw InputError("", axis.knob,
                       "knob given in two --set options; list all its values in one");
    }
  }
  bool workload_axes = false;
  bool library_axes = false;  // settings that read spec files (not thread-safe: the library caches)
  for (const auto& axis : plan.axes) {
    if (is_pointer_setting(axis.knob)) {
      library_axes = true;
      continue;
    }
    const auto& knob = find_knob(axis.knob);
    if (knob.target == KnobTarget::workload) workload_axes = true;
    if (knob.target == KnobTarget::hardware && !knob.numeric) library_axes = true;
  }
  // Without workload knobs every point runs the same operator graph: build it once.
  std::optional<workload::Workload> shared;
  if (!workload_axes) shared = workload::build_workload(plan.base.model, plan.base.workload);

  std::vector<SweepRow> rows(points.size());
  std::vector<std::exception_ptr> errors(points.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> first_failure{std::numeric_limits<std::size_t>::max()};
  std::mutex library_mutex;

  const auto evaluate = [&](std::size_t slot) {
    SweepRow& row = rows[slot];
    row.point = points[slot];
    row.settings = point_settings(plan, row.point);
    Design design = plan.base;
    if (library_axes) {
      const std::lock_guard lock(library_mutex);
      apply_parsed_settings(design, row.settings, library);
    } else {
      apply_parsed_settings(design, row.settings, library);
    }
    std::optional<workload::Workload> own;
    if (!shared) own = workload::build_workload(design.model, design.workload);
    const auto analysis = explore::evaluate(design, shared ? *shared : *own);
    for (const auto& metric : metric_registry()) row.metrics.push_back(metric.value(analysis));
    row.bound = workload::dominant_bound(analysis);
    row.fits = analysis.memory.fits();
  };
  const auto worker = [&] {
    while (true) {
      const std::size_t slot = next.fetch_add(1);
      if (slot >= points.size()) return;
      // After a failure only lower points still matter: the lowest failing point is reported.
      if (slot < first_failure.load()) {
        try {
          evaluate(slot);
        } catch (...) {
          errors[slot] = std::current_exception();
          std::size_t current = first_failure.load();
          while (slot < current && !first_failure.compare_exchange_weak(current, slot)) {
          }
        }
      }
      done.fetch_add(1);
    }
  };

  std::size_t threads = options.threads > 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(1, points.size()));
  // With a progress callback the calling thread reports while `threads` workers run; without,
  // it is one of the workers.
  std::vector<std::thread> pool;
  const std::size_t spawned = options.progress ? threads : threads - 1;
  for (std::size_t i = 0; i < spawned; ++i) pool.emplace_back(worker);
  if (options.progress) {
    while (done.load() < points.size()) {
      options.progress(done.load(), points.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    options.progress(points.size(), points.size());
  } else {
    worker();
  }
  for (auto& thread : pool) thread.join();

  const std::size_t failed = first_failure.load();
  if (failed < points.size())
    rethrow_for_point(errors[failed], points[failed], rows[failed].settings);
  return rows;
}

report::Table sweep_table(const SweepPlan& plan, const std::vector<SweepRow>& rows) {
  report::Table table;
  table.headers.push_back("point");
  table.align.push_back(report::Align::right);
  for (const auto& axis : plan.axes) {
    table.headers.push_back(axis.knob);
    table.align.push_back(report::Align::right);
  }
  for (const auto& metric : metric_registry()) {
    table.headers.push_back(metric.name);
    table.align.push_back(report::Align::right);
  }
  table.headers.insert(table.headers.end(), {"bound", "fits"});
  for (const auto& row : rows) {
    std::vector<std::string> cells{std::to_string(row.point)};
    for (const auto& setting : row.settings) cells.push_back(setting_text(setting));
    for (std::size_t i = 0; i < metric_registry().size(); ++i)
      cells.push_back(metric_text(metric_registry()[i], row.metrics[i]));
    cells.push_back(row.bound);
    cells.push_back(row.fits ? "yes" : "no");
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string sweep_csv(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                      const std::optional<Shard>& shard) {
  report::Table table;
  table.headers.push_back("point");
  for (const auto& axis : plan.axes) table.headers.push_back(axis.knob);
  for (const auto& metric : metric_registry()) table.headers.push_back(csv_column(metric));
  table.headers.insert(table.headers.end(), {"bound", "fits"});
  for (const auto& row : rows) {
    std::vector<std::string> cells{std::to_string(row.point)};
    for (const auto& setting : row.settings) cells.push_back(setting_text(setting));
    for (const auto& value : row.metrics) cells.push_back(value ? format_number(*value, 6) : "");
    cells.push_back(row.bound);
    cells.push_back(row.fits ? "yes" : "no");
    table.rows.push_back(std::move(cells));
  }
  std::string text;
  if (shard) {
    text = std::string(kCsvShardPrefix) + shard_text(*shard) + " of " +
           std::to_string(point_count(plan)) + " points: " + plan.description + "\n";
  }
  return text + report::render_csv(table);
}

std::string sweep_json(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                       const std::optional<Shard>& shard) {
  nlohmann::json document;
  document["schema"] = kSchema;
  document["sweep"] = plan.description;
  document["points"] = point_count(plan);
  if (shard) document["shard"] = shard_text(*shard);
  auto& knobs = document["knobs"] = nlohmann::json::array();
  for (const auto& axis : plan.axes) knobs.push_back(axis.knob);
  auto& metrics = document["metrics"] = nlohmann::json::array();
  for (const auto& metric : metric_registry()) {
    metrics.push_back({{"name", metric.name}, {"unit", metric.unit}});
  }
  auto& out = document["rows"] = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json entry;
    entry["point"] = row.point;
    for (const auto& setting : row.settings) {
      nlohmann::json value{{"text", setting_text(setting)}};
      const bool numeric = !is_pointer_setting(setting.name) && find_knob(setting.name).numeric;
      value["value"] = numeric ? nlohmann::json(setting.quantity) : nlohmann::json(nullptr);
      entry["settings"][setting.name] = std::move(value);
    }
    for (std::size_t i = 0; i < metric_registry().size(); ++i) {
      entry["metrics"][metric_registry()[i].name] =
          row.metrics[i] ? nlohmann::json(*row.metrics[i]) : nlohmann::json(nullptr);
    }
    entry["bound"] = row.bound;
    entry["fits"] = row.fits;
    out.push_back(std::move(entry));
  }
  return document.dump(2) + "\n";
}

std::string merge_sweep_outputs(const std::vector<std::pair<std::string, std::string>>& files) {
  if (files.empty()) throw InputError("", "FILE", "merge needs the shard files");
  const auto is_json = [](const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string::npos && text[first] == '{';
  };
  const bool json = is_json(files.front().second);
  for (const auto& [file, text] : files) {
    if (is_json(text) != json) {
      throw InputError(file, "",
                       std::string("is ") + (json ? "CSV" : "JSON") + " but " +
                           files.front().first + " is " + (json ? "JSON" : "CSV") +
                           "; merge shards of one format");
    }
  }
  return json ? merge_json(files) : merge_csv(files);
}

// A scale and unit symbol that show `largest` in readable numbers ("Gb/s" and 1e9 for 9.6e9 b/s).
std::pair<double, std::string> display_unit(double largest, Dimension dimension) {
  if (dimension == Dimension::count || largest <= 0) return {1.0, ""};
  const std::string text = format_quantity(largest, dimension, 12);
  const auto space = text.find(' ');
  const double shown = std::stod(text.substr(0, space));
  return {largest / shown, space == std::string::npos ? "" : text.substr(space + 1)};
}

plot::Chart sweep_chart(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                        std::string_view metric_name, std::string_view x_knob,
                        std::string_view line_knob) {
  const auto& metric = find_metric(metric_name);
  const auto axis_index = [&](std::string_view name, const char* flag) {
    for (std::size_t i = 0; i < plan.axes.size(); ++i) {
      if (plan.axes[i].knob == name) return i;
    }
    throw InputError("", flag, "'" + std::string(name) + "' is not a --set knob of this sweep");
  };
  const auto numeric = [&](std::size_t i) {
    return !is_pointer_setting(plan.axes[i].knob) && find_knob(plan.axes[i].knob).numeric;
  };
  // Defaults: x is the first numeric knob with several values; lines the one other such knob.
  std::optional<std::size_t> x;
  if (!x_knob.empty()) {
    x = axis_index(x_knob, "--x");
  } else {
    for (std::size_t i = 0; i < plan.axes.size() && !x; ++i) {
      if (numeric(i) && plan.axes[i].values.size() > 1) x = i;
    }
    if (!x)
      throw InputError("", "--svg", "the chart needs a numeric --set knob with several values");
  }
  if (!numeric(*x)) {
    throw InputError("", "--x",
                     "the x axis needs a numeric knob, not '" + plan.axes[*x].knob + "'");
  }
  std::optional<std::size_t> lines;
  if (!line_knob.empty()) {
    lines = axis_index(line_knob, "--lines");
  } else {
    for (std::size_t i = 0; i < plan.axes.size(); ++i) {
      if (i != *x && plan.axes[i].values.size() > 1 && !lines) lines = i;
    }
  }
  for (std::size_t i = 0; i < plan.axes.size(); ++i) {
    if (i != *x && i != lines && plan.axes[i].values.size() > 1) {
      throw InputError("", "--svg",
                       "the chart shows one knob against one other; '" + plan.axes[i].knob +
                           "' has several values too (sweep it in a separate run)");
    }
  }
  const auto& x_info = find_knob(plan.axes[*x].knob);
  const std::size_t metric_index = static_cast<std::size_t>(&metric - metric_registry().data());
  double x_largest = 0;
  double y_largest = 0;
  for (const auto& row : rows) {
    x_largest = std::max(x_largest, row.settings[*x].quantity);
    if (row.metrics[metric_index]) y_largest = std::max(y_largest, *row.metrics[metric_index]);
  }
  const auto [x_scale, x_unit] = display_unit(x_largest, x_info.dimension);
  auto [y_scale, y_unit] = display_unit(y_largest, metric.dimension);
  if (metric.unit.empty()) {
    y_scale = 0.01;  // fractions in percent
    y_unit = "%";
  } else if (metric.dimension == Dimension::count) {
    y_unit = metric.unit;
  }
  plot::Chart chart;
  chart.title = metric.name + " vs " + plan.axes[*x].knob + ": " + plan.base.model.id + " " +
                std::string(workload::phase_name(plan.base.workload.phase)) + " on " +
                plan.base.accelerator.id;
  chart.x.label = plan.axes[*x].knob + (x_unit.empty() ? "" : " (" + x_unit + ")");
  chart.y.label = metric.name + (y_unit.empty() ? "" : " (" + y_unit + ")");
  std::map<std::string, std::size_t> series_of;  // line value text → series index
  for (const auto& row : rows) {
    const auto& value = row.metrics[metric_index];
    if (!value) continue;
    const std::string key =
        lines ? plan.axes[*lines].knob + " = " + setting_text(row.settings[*lines]) : "";
    auto [it, added] = series_of.emplace(key, chart.series.size());
    if (added) {
      plot::Series series;
      series.label = key;
      series.color = plot::kOkabeIto[chart.series.size() % plot::kOkabeIto.size()];
      chart.series.push_back(std::move(series));
    }
    chart.series[it->second].points.push_back(
        {row.settings[*x].quantity / x_scale, *value / y_scale});
  }
  if (chart.series.empty()) {
    throw InputError("", "--metric", "metric '" + metric.name + "' does not apply to this phase");
  }
  return chart;
}

}  // namespace ridgeline::explore
