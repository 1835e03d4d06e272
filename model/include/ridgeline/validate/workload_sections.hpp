#pragma once
// Validation sections for whole-model records: batch-1..128 decode steps (tokens/s) and prefill
// time to first token, from measurements.json and measurements-h100.json.

#include <vector>

#include "ridgeline/validate/validation.hpp"

namespace ridgeline::validate {

std::vector<SectionDef> workload_sections();
// Every section Ridgeline ships: the operator sections (builtin_sections) and the workload ones.
std::vector<SectionDef> all_sections();

}  // namespace ridgeline::validate
