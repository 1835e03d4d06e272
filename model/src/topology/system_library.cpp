#include <algorithm>

#include "ridgeline/base/error.hpp"
#include "ridgeline/topology/system.hpp"

namespace ridgeline::topology {
namespace fs = std::filesystem;

SystemLibrary::SystemLibrary(const hw::SpecLibrary& specs) : specs_(specs) {}

std::vector<std::string> SystemLibrary::ids() const {
  std::vector<std::string> ids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(specs_.root() / "systems", error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      ids.push_back(entry.path().stem().string());
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

System SystemLibrary::system(const std::string& id_or_path) const {
  if (hw::looks_like_path(id_or_path)) return load_system(id_or_path, specs_);
  if (const auto it = cache_.find(id_or_path); it != cache_.end()) return it->second;
  const fs::path path = specs_.root() / "systems" / (id_or_path + ".json");
  if (!fs::exists(path)) {
    std::string known;
    for (const auto& id : ids()) known += (known.empty() ? "" : ", ") + id;
    throw InputError("", "",
                     "unknown system '" + id_or_path + "' (not an id of " +
                         (specs_.root() / "systems").string() +
                         " nor a path to a .json file); known ids: " + known);
  }
  auto system = load_system(path, specs_);
  if (system.id != id_or_path) {
    throw InputError(path.string(), "/id",
                     "id '" + system.id + "' differs from the file name '" + id_or_path +
                         "'; a library file is named after its id");
  }
  cache_.emplace(id_or_path, system);
  return system;
}

std::vector<SystemFileCheck> validate_system_files(const std::vector<std::string>& paths,
                                                   const hw::SpecLibrary& library) {
  std::vector<SystemFileCheck> checks;
  std::map<std::string, std::string> first_file_of_id;
  for (const auto& path : paths) {
    SystemFileCheck check;
    check.file = path;
    try {
      check.id = load_system(path, library).id;
      if (const auto it = first_file_of_id.find(check.id); it != first_file_of_id.end()) {
        check.problems.push_back(
            {path, "/id", "duplicate id '" + check.id + "': also used by " + it->second});
      } else {
        first_file_of_id.emplace(check.id, path);
      }
    } catch (const InputError& error) {
      check.problems = error.problems();
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace ridgeline::topology
