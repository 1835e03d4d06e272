#pragma once
// The documented, stable JSON and table forms of hardware specs and rooflines (docs/cli.md).
// Front ends print these; they never assemble result records themselves.

#include <nlohmann/json.hpp>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/report/table.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace ridgeline::report {

// One entry of `hw list --json`.
nlohmann::json accelerator_summary_json(const hw::Accelerator& accelerator);
// `hw show --json`: every field in SI, with its source.
nlohmann::json accelerator_json(const hw::Accelerator& accelerator);
nlohmann::json memory_device_json(const hw::MemoryDevice& device);
Table accelerator_list_table(const std::vector<hw::Accelerator>& accelerators);
// `hw show`: a human description, sources beside values.
std::string accelerator_text(const hw::Accelerator& accelerator);

// `roofline --json` for one accelerator and dtype.
nlohmann::json roofline_json(const roofline::Roofline& roofline);
Table roofline_table(const std::vector<roofline::Roofline>& rooflines);
Table roofline_csv_table(const std::vector<roofline::Roofline>& rooflines);

}  // namespace ridgeline::report
