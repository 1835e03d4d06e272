// Operator-trace readers: the registry, reading plain or gzip files, and Ridgeline's own JSON
// format (docs/trace.md):
//
//   {"format": "ridgeline-op-trace", "version": 1, "device": "NVIDIA H100 80GB HBM3",
//    "kernels": [{"name": "qkv", "op": "gemm", "params": {"m": 8, "n": 6144, "k": 4096},
//                 "duration": "41.2 us", "start": "0 us"}]}
//
// `op` names a kind of `ridgeline op` and `params` its parameters (numbers or words); `device` and
// `start` are optional (kernels without a start run back to back).

#include <zlib.h>

#include <algorithm>
#include <filesystem>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/ops/operator.hpp"
#include "ridgeline/trace/op_trace.hpp"

namespace ridgeline::trace {

std::string read_maybe_gzip(const std::string& path, std::size_t limit) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(path, "", "cannot read the file (missing, or not a regular file)");
  }
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files as they are
  if (file == nullptr) throw InputError(path, "", "cannot open the file");
  std::string text;
  char buffer[1 << 16];
  while (limit == 0 || text.size() < limit) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw InputError(path, "byte " + std::to_string(text.size()),
                       "the gzip stream is corrupt or truncated (" + message + ")");
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  gzclose(file);
  if (limit > 0 && text.size() > limit) text.resize(limit);
  return text;
}

OperatorTrace read_ridgeline_op_trace(const std::string& path) {
  const nlohmann::json document = parse_json_text(read_maybe_gzip(path), path);
  JsonReader reader(path);
  OperatorTrace trace;
  trace.file = path;
  trace.format = "ridgeline";
  if (!reader.expect_object(document, "")) reader.throw_if_problems();
  reader.reject_unknown_keys(document, "", {"format", "version", "device", "kernels", "notes"});
  if (const auto format = reader.string(document, "", "format");
      reader.ok() && format != "ridgeline-op-trace") {
    reader.problem("/format", "expected \"ridgeline-op-trace\", got \"" + format + "\"");
  }
  if (const auto* version = reader.require(document, "", "version")) {
    if (!version->is_number_integer() || version->get<std::int64_t>() != 1) {
      reader.problem("/version", "expected 1 (the only version), got " + version->dump());
    }
  }
  trace.device_name = reader.optional_string(document, "", "device").value_or("");
  const auto* kernels = reader.require(document, "", "kernels");
  if (kernels && reader.expect_array(*kernels, "/kernels") && kernels->empty()) {
    reader.problem("/kernels", "expected at least one kernel");
  }
  reader.throw_if_problems();
  double clock = 0;
  const auto& registry = ops::OperatorRegistry::builtin();
  for (std::size_t i = 0; i < kernels->size(); ++i) {
    const auto& entry = (*kernels)[i];
    const std::string where = "/kernels/" + std::to_string(i);
    if (!reader.expect_object(entry, where)) continue;
    reader.reject_unknown_keys(entry, where, {"name", "op", "params", "duration", "start"});
    TraceKernel kernel;
    kernel.name = reader.string(entry, where, "name");
    kernel.op = reader.string(entry, where, "op");
    if (const auto* duration = reader.require(entry, where, "duration")) {
      kernel.duration = reader.quantity_value(*duration, where + "/duration", Dimension::time);
      if (reader.ok() && !(kernel.duration > 0)) {
        reader.problem(where + "/duration", "expected a positive time");
      }
    }
    kernel.start = clock;
    if (const auto* start = reader.optional(entry, "start")) {
      kernel.start = reader.quantity_value(*start, where + "/start", Dimension::time);
    }
    OpCall call;
    call.kind = kernel.op;
    const ops::OperatorKind* kind = registry.find(kernel.op);
    if (!kernel.op.empty() && kind == nullptr) {
      std::string list;
      for (const auto& name : registry.names()) list += (list.empty() ? "" : ", ") + name;
      reader.problem(where + "/op",
                     "unknown operator '" + kernel.op + "'; expected one of: " + list);
    }
    if (const auto* params = reader.require(entry, where, "params");
        params && reader.expect_object(*params, where + "/params")) {
      for (const auto& [key, value] : params->items()) {
        if (value.is_string()) {
          call.params[key] = value.get<std::string>();
        } else if (value.is_number_integer()) {
          call.params[key] = std::to_string(value.get<std::int64_t>());
        } else {
          reader.problem(where + "/params/" + pointer_segment(key),
                         "expected a whole number or a word, got " + json_type_name(value));
        }
      }
    }
    if (kind != nullptr && reader.ok()) {
      try {
        (void)ops::parse_params(*kind, call.params);  // checked here, with the kernel's pointer
      } catch (const InputError& error) {
        for (const auto& problem : error.problems()) {
          reader.problem(where + "/params", problem.where + ": " + problem.message);
        }
      }
    }
    if (!reader.ok()) continue;
    for (const auto& [key, value] : call.params) {
      call.shape += (call.shape.empty() ? "" : " ") + key + "=" + value;
    }
    kernel.call = std::move(call);
    kernel.call_id = i + 1;
    clock = kernel.start + kernel.duration;
    trace.kernels.push_back(std::move(kernel));
  }
  reader.throw_if_problems();
  std::stable_sort(trace.kernels.begin(), trace.kernels.end(),
                   [](const TraceKernel& a, const TraceKernel& b) { return a.start < b.start; });
  return trace;
}

const std::vector<OpTraceFormat>& op_trace_formats() {
  static const std::vector<OpTraceFormat> formats = {
      {"pytorch", "PyTorch profiler (Kineto) Chrome-trace JSON, plain or gzip (record_shapes=True)",
       read_pytorch_trace,
       [](const std::string& head) {
         return head.find("\"traceEvents\"") != std::string::npos ||
                head.find("\"ph\"") != std::string::npos;
       }},
      {"ridgeline",
       "Ridgeline's operator trace: kernels naming `ridgeline op` kinds (docs/trace.md)",
       read_ridgeline_op_trace,
       [](const std::string& head) {
         return head.find("\"ridgeline-op-trace\"") != std::string::npos;
       }},
  };
  return formats;
}

OperatorTrace read_op_trace(const std::string& path, const std::string& format) {
  const auto& formats = op_trace_formats();
  if (!format.empty() && format != "auto") {
    for (const auto& f : formats) {
      if (f.name == format) return f.read(path);
    }
    std::string list;
    for (const auto& f : formats) list += (list.empty() ? "" : ", ") + f.name;
    throw InputError(path, "--format",
                     "unknown trace format '" + format + "'; expected auto, " + list);
  }
  const std::string head = read_maybe_gzip(path, 4096);
  // The own format first: its marker is specific, the profiler's keys are generic.
  for (auto it = formats.rbegin(); it != formats.rend(); ++it) {
    if (it->sniff(head)) return it->read(path);
  }
  throw InputError(path, "",
                   "not an operator trace this version reads: expected a PyTorch profiler "
                   "Chrome trace (\"traceEvents\") or a ridgeline-op-trace document");
}

}  // namespace ridgeline::trace
