#pragma once
// The shipped spec library (hwspecs/): lists and loads accelerators and memory devices by id or by
// path. Holds a cache, so it is a class; everything it returns is a plain struct.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/spec.hpp"

namespace ridgeline::hw {

class SpecLibrary {
 public:
  // `root` holds accelerators/ and hbm/.
  explicit SpecLibrary(std::filesystem::path root);
  // $RIDGELINE_HWSPECS if set, else the hwspecs/ folder of the source tree.
  static SpecLibrary default_library();

  const std::filesystem::path& root() const { return root_; }

  // Ids of the shipped specs, sorted.
  std::vector<std::string> accelerator_ids() const;
  std::vector<std::string> memory_device_ids() const;

  // `id_or_path`: an id of the library, or a path to a file (anything containing '/' or ending in
  // .json). A spec file outside the library resolves its memory device first in ../hbm/ beside it,
  // then in the library. Throws InputError.
  Accelerator accelerator(const std::string& id_or_path) const;
  MemoryDevice memory_device(const std::string& id_or_path) const;
  // An accelerator from a parsed spec document (e.g. a spec file with a field patched by a what-if
  // knob), checked as the file itself would be; `file` is the path the document was read from,
  // and memory devices resolve as for that file. Throws InputError.
  Accelerator accelerator_from_document(const nlohmann::json& document,
                                        const std::string& file) const;

  // Loads every shipped spec and checks ids (unique, equal to the file name); throws InputError
  // listing every problem.
  std::vector<Accelerator> all_accelerators() const;

 private:
  MemoryDevice memory_device_near(const std::string& id,
                                  const std::filesystem::path& spec_dir) const;

  std::filesystem::path root_;
  mutable std::map<std::string, Accelerator> accelerator_cache_;
  mutable std::map<std::string, MemoryDevice> device_cache_;
};

bool looks_like_path(const std::string& id_or_path);

}  // namespace ridgeline::hw

namespace ridgeline::hw {

// Result of checking one spec file (hw validate).
struct FileCheck {
  std::string file;
  std::string kind;  // "accelerator", "memory device", or "" when unreadable
  std::string id;
  std::vector<InputProblem> problems;  // empty: valid
};

// Checks spec files of either schema (told apart by their "schema" field); memory devices that an
// accelerator references resolve beside it or in `library`. Reports an id used by two of the files.
std::vector<FileCheck> validate_spec_files(const std::vector<std::string>& paths,
                                           const SpecLibrary& library);

}  // namespace ridgeline::hw
