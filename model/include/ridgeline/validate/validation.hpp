#pragma once
// Validation against real hardware: runs every measurement record the model can express and
// reports, per record, the prediction, the measurement and the signed error, and per section the
// median and worst absolute error (overall and per accelerator).
//
// Sections are pluggable: a SectionDef names a file, an array of it (and optionally the `op` of its
// records) and a function that turns those records into results. builtin_sections() holds the
// operator-level ones; workload sections (decode, prefill) are added the same way.
//
// Error convention: error = predicted time / measured time − 1 (for throughput-only records the
// measured time is FLOPs / measured FLOP/s), so +10 % means the model predicts 10 % slower.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/ops/op_cost.hpp"

namespace ridgeline::validate {

struct RecordResult {
  std::size_t index = 0;   // position in the file's array
  std::string hw;          // accelerator id as written in the record
  std::string label;       // "fp16 m=32 n=12288 k=12288"
  std::string conditions;  // "host-timed, warm"
  bool skipped = false;
  std::string skip_reason;
  double predicted_s = 0;
  double measured_s = 0;
  double error = 0;   // predicted / measured − 1
  std::string bound;  // the model's bottleneck
  std::string note;   // caveats of the measurement (optimistic, calibration source, low weight)
  std::string explanation;  // a structural reading of the error, for the worst cases
};

struct ErrorStats {
  std::size_t evaluated = 0;
  std::size_t skipped = 0;
  double median_abs = 0;  // median |error| over evaluated records
  double worst_abs = 0;   // max |error|
  std::size_t worst = 0;  // index into SectionResult::records of the worst record
};

struct SectionResult {
  std::string id;  // "gemm", "ops/softmax", "h100/gemm"
  std::string title;
  std::string file;                 // file name inside the data directory
  std::string array;                // array key in the file
  std::size_t records_in_file = 0;  // records of the array this section is responsible for
  std::vector<RecordResult> records;

  ErrorStats stats() const;
  std::map<std::string, ErrorStats> stats_by_hw() const;
};

// What a section function gets besides its records.
struct SectionContext {
  const hw::SpecLibrary& library;
  std::string file;  // for error messages
  std::string array;
};

// Turns the records of one array (already filtered by `op` if the SectionDef has one) into results.
// `records` holds (index in the array, record) pairs. A record the model cannot express is returned
// skipped, with the reason; a malformed one throws InputError naming the file and JSON pointer.
using SectionRunner = std::function<std::vector<RecordResult>(
    const std::vector<std::pair<std::size_t, const nlohmann::json*>>& records,
    const SectionContext& context)>;

struct SectionDef {
  std::string id;
  std::string title;
  std::string file;   // "measurements.json"
  std::string array;  // "gemm"
  std::string op;     // filter on the records' "op" field; empty: every record of the array
  SectionRunner run;
};

std::vector<SectionDef> builtin_sections();

struct UnmodelledArray {
  std::string file;
  std::string array;
  std::size_t records = 0;
  std::string what;  // e.g. "op attention", or empty for the whole array
};

struct Report {
  std::filesystem::path data_dir;
  std::vector<SectionResult> sections;
  std::vector<UnmodelledArray> unmodelled;  // record arrays no section covers
};

// tests/validation/ of the source tree Ridgeline was built from, or $RIDGELINE_VALIDATION_DATA.
std::filesystem::path default_data_dir();

// Runs every section over the files in `data_dir`. Throws InputError for a missing or malformed
// file.
Report run_validation(const std::filesystem::path& data_dir, const hw::SpecLibrary& library,
                      const std::vector<SectionDef>& sections);

// The markdown report (docs/validation.md), marked as generated at its top.
std::string render_markdown(const Report& report);
// {"data_dir", "sections": [{id, title, file, array, records_in_file, evaluated, skipped,
//  median_abs_error, worst_abs_error, by_hw: {hw: {...}}, records: [...]}], "unmodelled": [...]}
nlohmann::json report_json(const Report& report);
// Human text: every record, then the per-section summary.
std::string render_text(const Report& report);

// Helpers for section functions (also used by workload sections).
namespace record {
// Reads a whole number >= 1 (or a number) field; throws InputError naming file and pointer.
std::int64_t count(const nlohmann::json& record, const SectionContext& context, std::size_t index,
                   const char* key);
double number(const nlohmann::json& record, const SectionContext& context, std::size_t index,
              const char* key);
// Reads a boolean field; throws InputError naming file and pointer when absent or not a boolean.
bool flag(const nlohmann::json& record, const SectionContext& context, std::size_t index,
          const char* key);
std::string text(const nlohmann::json& record, const char* key);  // "" when absent
// Conditions stated by the record: host wall-clock timing, and a cold L2 (an explicit "cache":
// "cold" | "warm", else a timing text that says the L2 was flushed). Records that do not flush run
// warm (repeated calls).
ops::Conditions conditions(const nlohmann::json& record);
std::string conditions_label(const ops::Conditions& conditions);
}  // namespace record

// Fills predicted/measured/error of a result.
void set_result(RecordResult& result, double predicted_s, double measured_s);

}  // namespace ridgeline::validate
