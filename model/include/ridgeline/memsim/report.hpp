#pragma once
// memsim results as a flat, documented record (docs/memsim.md): JSON for machines, a table and
// CSV for people and spreadsheets. Both front ends call these.

#include <nlohmann/json.hpp>

#include "ridgeline/memsim/memsim.hpp"
#include "ridgeline/report/table.hpp"

namespace ridgeline::memsim {

nlohmann::json result_json(const Result& result);
// Name / value / unit rows of the summary, and one row per channel.
report::Table summary_table(const Result& result);
report::Table channel_table(const Result& result);
// The binding limit in words: "activation window (tRRD_S, tFAW): 98.2 % [of its 8 GB/s ceiling]",
// or, when no resource reaches 75 % of its least time, that queueing or the front end sets the
// pace.
std::string bound_summary(const Result& result, bool with_ceiling);
// What bounds the run: one row per resource (least time, ceiling, share reached; * the bound).
report::Table limits_table(const Result& result);
// One CSV row of the summary (SI values), with its header.
report::Table summary_csv(const Result& result);

}  // namespace ridgeline::memsim
