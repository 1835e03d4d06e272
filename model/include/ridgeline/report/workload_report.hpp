#pragma once
// The documented JSON (docs/cli.md, `analyze --json`) and the tables of a workload analysis.

#include <string>

#include <nlohmann/json.hpp>

#include "ridgeline/report/table.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::report {

nlohmann::json analysis_json(const workload::Analysis& analysis);
Table analysis_ops_table(const workload::Analysis& analysis);
Table analysis_ops_csv(const workload::Analysis& analysis);
// The summary a person reads first: totals, where the time goes, and whether it fits.
std::string analysis_summary(const workload::Analysis& analysis,
                             const hw::Accelerator& accelerator);
// "fits: 141.1 GB of 80 GB" / "does not fit: needs 146.2 GB of 80 GB, short by 66.2 GB".
std::string capacity_sentence(const workload::MemoryFootprint& memory);

}  // namespace ridgeline::report
