#include "ridgeline/hw/library.hpp"

#include <algorithm>
#include <cstdlib>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/loader.hpp"

#ifndef RIDGELINE_HWSPECS_DIR
#error "RIDGELINE_HWSPECS_DIR must be defined by the build"
#endif

namespace ridgeline::hw {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> ids_in(const fs::path& folder) {
  std::vector<std::string> ids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      ids.push_back(entry.path().stem().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string closest_ids(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return list;
}

}  // namespace

bool looks_like_path(const std::string& id_or_path) {
  return id_or_path.find('/') != std::string::npos ||
         (id_or_path.size() > 5 && id_or_path.ends_with(".json"));
}

SpecLibrary::SpecLibrary(fs::path root) : root_(std::move(root)) {}

SpecLibrary SpecLibrary::default_library() {
  if (const char* env = std::getenv("RIDGELINE_HWSPECS"); env != nullptr && *env != '\0') {
    return SpecLibrary(env);
  }
  return SpecLibrary(RIDGELINE_HWSPECS_DIR);
}

std::vector<std::string> SpecLibrary::accelerator_ids() const {
  return ids_in(root_ / "accelerators");
}
std::vector<std::string> SpecLibrary::memory_device_ids() const {
  return ids_in(root_ / "hbm");
}

MemoryDevice SpecLibrary::memory_device(const std::string& id_or_path) const {
  if (looks_like_path(id_or_path)) return load_memory_device(id_or_path);
  if (const auto it = device_cache_.find(id_or_path); it != device_cache_.end()) return it->second;
  const fs::path path = root_ / "hbm" / (id_or_path + ".json");
  if (!fs::exists(path)) {
    throw InputError(
        "", "",
        "unknown memory device '" + id_or_path + "'; known: " + closest_ids(memory_device_ids()));
  }
  auto device = load_memory_device(path);
  device_cache_.emplace(id_or_path, device);
  return device;
}

MemoryDevice SpecLibrary::memory_device_near(const std::string& id,
                                             const fs::path& spec_dir) const {
  const fs::path sibling = spec_dir / ".." / "hbm" / (id + ".json");
  if (fs::exists(sibling) &&
      fs::weakly_canonical(sibling.parent_path()) != fs::weakly_canonical(root_ / "hbm")) {
    return load_memory_device(sibling.lexically_normal());
  }
  return memory_device(id);
}

Accelerator SpecLibrary::accelerator_from_document(const nlohmann::json& document,
                                                   const std::string& file) const {
  const fs::path path(file);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return accelerator_from_json(document, file,
                               [&](const std::string& id) { return memory_device_near(id, dir); });
}

Accelerator SpecLibrary::accelerator(const std::string& id_or_path) const {
  if (looks_like_path(id_or_path)) {
    const fs::path path(id_or_path);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    return load_accelerator(path,
                            [&](const std::string& id) { return memory_device_near(id, dir); });
  }
  if (const auto it = accelerator_cache_.find(id_or_path); it != accelerator_cache_.end()) {
    return it->second;
  }
  const fs::path path = root_ / "accelerators" / (id_or_path + ".json");
  if (!fs::exists(path)) {
    throw InputError(
        "", "",
        "unknown accelerator '" + id_or_path + "' (not an id of " +
            (root_ / "accelerators").string() +
            " nor a path to a .json file); known ids: " + closest_ids(accelerator_ids()));
  }
  auto accelerator =
      load_accelerator(path, [this](const std::string& id) { return memory_device(id); });
  if (accelerator.id != id_or_path) {
    throw InputError(path.string(), "/id",
                     "id '" + accelerator.id + "' differs from the file name '" + id_or_path +
                         "'; a library file is named after its id");
  }
  accelerator_cache_.emplace(id_or_path, accelerator);
  return accelerator;
}

std::vector<Accelerator> SpecLibrary::all_accelerators() const {
  std::vector<Accelerator> result;
  std::vector<InputProblem> problems;
  for (const auto& id : accelerator_ids()) {
    try {
      result.push_back(accelerator(id));
    } catch (const InputError& error) {
      problems.insert(problems.end(), error.problems().begin(), error.problems().end());
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return result;
}

}  // namespace ridgeline::hw

namespace ridgeline::hw {

std::vector<FileCheck> validate_spec_files(const std::vector<std::string>& paths,
                                           const SpecLibrary& library) {
  std::vector<FileCheck> checks;
  std::map<std::string, std::string> first_file_of_id;
  for (const auto& path : paths) {
    FileCheck check;
    check.file = path;
    try {
      const auto document = parse_json_file(path);
      std::string schema;
      if (document.is_object() && document.contains("schema") && document["schema"].is_string()) {
        schema = document["schema"].get<std::string>();
      }
      if (schema == kMemorySchema) {
        check.kind = "memory device";
        check.id = memory_device_from_json(document, path).id;
      } else if (schema == kAcceleratorSchema || schema.empty()) {
        // Without a schema tag, check it as an accelerator: the loader then names the missing tag.
        check.kind = "accelerator";
        const fs::path file(path);
        const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
        check.id = accelerator_from_json(document, path, [&](const std::string& id) {
                     const fs::path sibling = dir / ".." / "hbm" / (id + ".json");
                     return fs::exists(sibling) ? load_memory_device(sibling.lexically_normal())
                                                : library.memory_device(id);
                   }).id;
      } else {
        throw InputError(path, "/schema",
                         "unknown schema '" + schema + "'; expected \"" +
                             std::string(kAcceleratorSchema) + "\" or \"" +
                             std::string(kMemorySchema) + "\"");
      }
      const std::string key = check.kind + ":" + check.id;
      if (const auto it = first_file_of_id.find(key); it != first_file_of_id.end()) {
        check.problems.push_back(
            {path, "/id", "duplicate id '" + check.id + "': also used by " + it->second});
      } else {
        first_file_of_id.emplace(key, path);
      }
    } catch (const InputError& error) {
      check.problems = error.problems();
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace ridgeline::hw
