#pragma once
// Loading hardware spec files: parse JSON → check everything → plain structs (hw/spec.hpp).
// Every problem is reported with the file, the JSON pointer and what was expected (InputError);
// a file with any problem is rejected whole.

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "ridgeline/hw/spec.hpp"

namespace ridgeline::hw {

inline constexpr std::string_view kAcceleratorSchema = "ridgeline.accelerator/1";
inline constexpr std::string_view kMemorySchema = "ridgeline.memory/1";

// Finds the memory device an accelerator's off-chip level names; throws InputError if unknown.
using MemoryDeviceResolver = std::function<MemoryDevice(const std::string& device_id)>;

MemoryDevice load_memory_device(const std::filesystem::path& path);
MemoryDevice memory_device_from_json(const nlohmann::json& document, const std::string& file);

Accelerator load_accelerator(const std::filesystem::path& path,
                             const MemoryDeviceResolver& resolve);
Accelerator accelerator_from_json(const nlohmann::json& document, const std::string& file,
                                  const MemoryDeviceResolver& resolve);

// Re-runs the cross-field checks on an accelerator (after a knob changed it): throws InputError.
void check_accelerator(const Accelerator& accelerator);

}  // namespace ridgeline::hw
