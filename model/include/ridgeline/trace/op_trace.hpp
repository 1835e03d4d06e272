#pragma once
// Operator traces: the GPU kernels a real run launched, with their measured durations and, where
// the launching operator and its shapes are known, the model operator (a registered ops kind and
// its parameters) that prices the same work. Pluggable readers, registered by name:
//
//   pytorch    PyTorch profiler (Kineto) Chrome-trace JSON, plain or gzip: `traceEvents` with
//              cpu_op, kernel, gpu_memset and gpu_memcpy complete events; a kernel is linked to
//              the CPU operator that launched it through their shared "External id", and the
//              operator's "Input Dims" / "Input type" (record_shapes=True) give the shapes.
//              Parsed with nlohmann/json's SAX interface one event at a time, so a trace of
//              millions of events is never held as a document.
//   ridgeline  Ridgeline's own JSON (docs/trace.md): kernels that name an operator kind of
//              `ridgeline op` and its parameters, with a measured duration.
//
// Every reader rejects malformed input (bad JSON, a truncated file, an event without a duration, a
// kernel naming an unknown operator) with an InputError naming the file and the JSON pointer or
// byte; nothing is skipped silently: a kernel whose operator Ridgeline cannot price is kept, as
// unmodelled, with its time.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ridgeline::trace {

// A model operator: a kind of the ops registry ("gemm", "pointwise", ...) and its parameters, as
// `ridgeline op KIND --PARAM VALUE` takes them.
struct OpCall {
  std::string kind;
  std::map<std::string, std::string> params;
  std::string shape;  // short human form ("8×4096×6144 bf16")
};

enum class GpuActivity { kernel, memset, memcpy };

struct TraceKernel {
  std::string name;  // the kernel's (demangled) name as recorded
  GpuActivity activity = GpuActivity::kernel;
  double start = 0;            // s, on the trace's clock
  double duration = 0;         // s
  std::string op;              // the operator that launched it ("aten::mm"); empty: unknown
  std::optional<OpCall> call;  // the model operator for the op's work; empty: unmodelled
  std::string why_unmodelled;  // when `call` is empty: what is missing
  // Kernels of one operator call share a call id (a split-K GEMM's main and reduce kernels): the
  // call's work is priced once, against their summed time. 0: no call known.
  std::uint64_t call_id = 0;
};

struct OperatorTrace {
  std::string file;
  std::string format;       // reader name
  std::string device_name;  // as the trace reports it ("NVIDIA H100 80GB HBM3"); may be empty
  std::vector<TraceKernel> kernels;  // GPU activities in start order
  std::uint64_t cpu_ops = 0;         // CPU operator events seen (0 for formats without them)
};

using OpTraceReader = std::function<OperatorTrace(const std::string& path)>;
struct OpTraceFormat {
  std::string name;
  std::string description;
  OpTraceReader read;
  // Whether the first bytes of a file look like this format (for --format auto).
  std::function<bool(const std::string& head)> sniff;
};
const std::vector<OpTraceFormat>& op_trace_formats();

// Reads an operator trace. `format` empty or "auto": the format whose sniff accepts the file's
// first bytes (gzip is undone first). Throws InputError naming the file for an unreadable file, an
// unknown format and every malformed part.
OperatorTrace read_op_trace(const std::string& path, const std::string& format = "");

// The built-in readers (pytorch_trace.cpp, op_trace.cpp).
OperatorTrace read_pytorch_trace(const std::string& path);
OperatorTrace read_ridgeline_op_trace(const std::string& path);

// The file's bytes, gunzipped when they are gzip (zlib); `limit` > 0 reads at most that many
// bytes of the (uncompressed) content. Throws InputError for an unreadable or truncated file.
std::string read_maybe_gzip(const std::string& path, std::size_t limit = 0);

// The model operator for a PyTorch (ATen) operator with the shapes and dtypes a profiler records,
// or why there is none. `dims`: per input, its dimensions ({} for a scalar or None; a tensor list
// is flattened into one entry per tensor with `list_sizes` giving how many each input holds);
// `types`: per input, its type string ("c10::BFloat16", "float", "Scalar", "long int"...);
// `concrete`: per input, its literal value when it is not a tensor ("True", "1", "").
struct AtenCall {
  std::string name;
  std::vector<std::vector<std::int64_t>> dims;
  std::vector<std::string> types;
  std::vector<std::string> concrete;
  // For attention: whether the scaled_dot_product_attention call around it asked for a causal mask
  // (nullopt: no such call was seen).
  std::optional<bool> causal;
};
// On success `call` is set; otherwise `why` says what is missing ("no shapes recorded", "aten::foo
// is not an operator Ridgeline prices").
struct AtenMapping {
  std::optional<OpCall> call;
  std::string why;
};
AtenMapping map_aten_call(const AtenCall& call);

}  // namespace ridgeline::trace
