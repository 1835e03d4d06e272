// The PyTorch profiler's Chrome-trace JSON (Kineto), streamed: nlohmann/json's SAX interface
// reads the file (through zlib when it is gzip) and builds one event at a time as a small
// document, which is checked, reduced to the few fields kept, and dropped. So a trace of millions
// of events never exists as one document.
//
// Kept: `cpu_op` events (name, thread, start, duration, External id, Input Dims / Input type /
// Concrete Inputs) and GPU activities (`kernel`, `gpu_memset`, `gpu_memcpy`: name, start,
// duration, External id, bytes). Times are microseconds (Chrome trace's unit; Kineto's
// displayTimeUnit only changes how viewers show them). Flow events, metadata and CPU-side runtime
// calls are read past.

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <istream>
#include <streambuf>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"
#include "ridgeline/trace/op_trace.hpp"

namespace ridgeline::trace {

namespace {

// A read-only stream buffer over a gzip (or plain) file that also counts lines, for messages.
class GzStreamBuf : public std::streambuf {
 public:
  explicit GzStreamBuf(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (file_ == nullptr) throw InputError(path, "", "cannot open the file");
    gzbuffer(file_, 1 << 17);
  }
  GzStreamBuf(const GzStreamBuf&) = delete;
  GzStreamBuf& operator=(const GzStreamBuf&) = delete;
  ~GzStreamBuf() override { gzclose(file_); }

  // The line of byte `offset` (0-based) of the uncompressed content, when it lies in the chunk in
  // hand or a later one read so far; 0 when unknown.
  std::uint64_t line_of(std::uint64_t offset) const {
    if (offset < chunk_start_) return 0;
    const auto end =
        static_cast<std::size_t>(std::min<std::uint64_t>(offset - chunk_start_, size_));
    return lines_before_ + 1 + static_cast<std::uint64_t>(std::count(buffer_, buffer_ + end, '\n'));
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    lines_before_ += static_cast<std::uint64_t>(std::count(buffer_, buffer_ + size_, '\n'));
    chunk_start_ += size_;
    const int n = gzread(file_, buffer_, sizeof buffer_);
    if (n < 0) {
      int code = 0;
      throw InputError(
          path_, "byte " + std::to_string(chunk_start_),
          std::string("the gzip stream is corrupt or truncated (") + gzerror(file_, &code) + ")");
    }
    size_ = static_cast<std::size_t>(n);
    setg(buffer_, buffer_, buffer_ + size_);
    return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
  }

 private:
  std::string path_;
  gzFile file_;
  char buffer_[1 << 16];
  std::size_t size_ = 0;
  std::uint64_t chunk_start_ = 0;
  std::uint64_t lines_before_ = 0;
};

struct CpuOp {
  std::string name;
  double start = 0, duration = 0;  // us
  std::int64_t thread = 0;
  AtenCall call;
};

struct GpuEvent {
  std::string name;
  GpuActivity activity = GpuActivity::kernel;
  double start = 0, duration = 0;  // us
  std::int64_t external_id = -1;
  std::int64_t correlation = -1;  // of the runtime call that launched it
  double bytes = 0;
  std::string memcpy_kind;
};

// Builds the events of `traceEvents` (or of a top-level array: Chrome's JSON Array Format) one at
// a time, and the small `deviceProperties` array whole.
class EventSax {
 public:
  EventSax(std::string file, const GzStreamBuf& source) : file_(std::move(file)), source_(source) {}

  std::vector<CpuOp> ops;
  std::vector<GpuEvent> gpu;
  std::string device_name;
  bool saw_events = false;

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(nlohmann::json::number_integer_t v) { return value(v); }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) { return value(v); }
  bool number_float(nlohmann::json::number_float_t v, const std::string&) { return value(v); }
  bool string(std::string& v) { return value(std::move(v)); }
  bool binary(nlohmann::json::binary_t&) { return value(nullptr); }
  bool key(std::string& k) {
    if (depth_ == 1) top_key_ = k;
    if (!stack_.empty()) pending_key_ = std::move(k);
    return true;
  }
  bool start_object(std::size_t) {
    ++depth_;
    if (depth_ == 1) {
      root_is_array_ = false;
      return true;
    }
    return open(nlohmann::json::object());
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) {
    ++depth_;
    if (depth_ == 1) {
      root_is_array_ = true;
      saw_events = true;
      return true;
    }
    if (depth_ == 2 && !root_is_array_ && top_key_ == "traceEvents") {
      saw_events = true;
      return true;
    }
    return open(nlohmann::json::array());
  }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: ...":
    // keep the part after the position, which the stream's own count replaces.
    std::string what = e.what();
    if (const auto colon = what.find(": "); colon != std::string::npos)
      what = what.substr(colon + 2);
    const std::uint64_t line = source_.line_of(position > 0 ? position - 1 : 0);
    throw InputError(file_,
                     (line > 0 ? "line " + std::to_string(line) + ", " : "") + "byte " +
                         std::to_string(position),
                     "malformed JSON (" + what + ")");
  }

 private:
  // Whether the values at the current depth are built: the elements of the events array and the
  // deviceProperties value (anything else is read past).
  bool building() const {
    if (!stack_.empty()) return true;
    if (root_is_array_) return depth_ == 2;
    return (depth_ == 3 && top_key_ == "traceEvents") ||
           (depth_ == 2 && top_key_ == "deviceProperties");
  }
  template <typename T>
  bool value(T&& v) {
    if (stack_.empty()) return true;  // a scalar outside what is built
    nlohmann::json& top = *stack_.back();
    if (top.is_object()) {
      top[pending_key_] = std::forward<T>(v);
    } else {
      top.push_back(std::forward<T>(v));
    }
    return true;
  }
  bool open(nlohmann::json fresh) {
    if (stack_.empty()) {
      if (!building()) return true;
      current_ = std::move(fresh);
      stack_.push_back(&current_);
      start_depth_ = depth_;
      return true;
    }
    nlohmann::json& top = *stack_.back();
    if (top.is_object()) {
      stack_.push_back(&(top[pending_key_] = std::move(fresh)));
    } else {
      top.push_back(std::move(fresh));
      stack_.push_back(&top.back());
    }
    return true;
  }
  bool close() {
    if (!stack_.empty()) {
      stack_.pop_back();
      if (stack_.empty() && depth_ == start_depth_) finish();
    }
    --depth_;
    return true;
  }
  void finish() {
    if (root_is_array_ || top_key_ == "traceEvents") {
      event(current_, "/traceEvents/" + std::to_string(event_index_++));
    } else if (top_key_ == "deviceProperties" && current_.is_array() && !current_.empty() &&
               current_[0].is_object() && current_[0].contains("name") &&
               current_[0]["name"].is_string()) {
      device_name = current_[0]["name"].get<std::string>();
    }
    current_ = nullptr;
  }

  [[noreturn]] void bad(const std::string& where, const std::string& message) const {
    throw InputError(file_, where, message);
  }
  double number(const nlohmann::json& e, const char* key, const std::string& where) const {
    const auto it = e.find(key);
    if (it == e.end()) bad(where + "/" + key, "missing required field (a number, microseconds)");
    if (!it->is_number()) {
      bad(where + "/" + key, "expected a number (microseconds), got " + json_type_name(*it));
    }
    const double v = it->get<double>();
    if (!(v >= 0) && std::string(key) == "dur") {
      bad(where + "/dur", "expected a duration >= 0, got " + it->dump());
    }
    return v;
  }

  void event(const nlohmann::json& e, const std::string& where) {
    if (!e.is_object()) bad(where, "expected an event object, got " + json_type_name(e));
    const auto ph = e.find("ph");
    if (ph == e.end() || !ph->is_string() || ph->get<std::string>() != "X") return;
    const auto cat = e.find("cat");
    if (cat == e.end() || !cat->is_string()) return;
    const std::string category = cat->get<std::string>();
    GpuActivity activity = GpuActivity::kernel;
    if (category == "kernel") {
      activity = GpuActivity::kernel;
    } else if (category == "gpu_memset") {
      activity = GpuActivity::memset;
    } else if (category == "gpu_memcpy") {
      activity = GpuActivity::memcpy;
    } else if (category == "cuda_runtime" || category == "cuda_driver" || category == "runtime") {
      // A launch call: its correlation id links a kernel that carries no External id of its own
      // (older Kineto versions) to the operator around the launch.
      const auto args = e.find("args");
      if (args == e.end() || !args->is_object()) return;
      const auto correlation = args->find("correlation");
      const auto external = args->find("External id");
      if (correlation != args->end() && correlation->is_number_integer() &&
          external != args->end() && external->is_number_integer()) {
        launch_external_.emplace(correlation->get<std::int64_t>(), external->get<std::int64_t>());
      }
      return;
    } else if (category != "cpu_op") {
      return;
    }
    const auto name = e.find("name");
    if (name == e.end() || !name->is_string()) bad(where + "/name", "expected the event's name");
    const auto args = e.find("args");
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& a = args != e.end() && args->is_object() ? *args : empty;
    const auto external = a.find("External id");
    const std::int64_t external_id =
        external != a.end() && external->is_number_integer() ? external->get<std::int64_t>() : -1;
    const auto correlation = a.find("correlation");
    if (category == "cpu_op") {
      CpuOp op;
      op.name = name->get<std::string>();
      op.start = number(e, "ts", where);
      op.duration = number(e, "dur", where);
      if (const auto tid = e.find("tid"); tid != e.end() && tid->is_number_integer()) {
        op.thread = tid->get<std::int64_t>();
      }
      op.call.name = op.name;
      read_inputs(a, where + "/args", op.call);
      if (external_id >= 0) external_ops_.emplace(external_id, ops.size());
      ops.push_back(std::move(op));
      return;
    }
    GpuEvent g;
    g.name = name->get<std::string>();
    g.activity = activity;
    g.start = number(e, "ts", where);
    g.duration = number(e, "dur", where);
    g.external_id = external_id;
    if (correlation != a.end() && correlation->is_number_integer()) {
      g.correlation = correlation->get<std::int64_t>();
    }
    if (const auto bytes = a.find("bytes"); bytes != a.end() && bytes->is_number()) {
      g.bytes = bytes->get<double>();
    }
    gpu.push_back(std::move(g));
  }

  // Input Dims: per input a list of dimensions, or for a tensor list a list of such lists
  // (flattened here: one entry per tensor, typed as the list's).
  void read_inputs(const nlohmann::json& args, const std::string& where, AtenCall& call) const {
    const auto dims = args.find("Input Dims");
    if (dims == args.end()) return;
    if (!dims->is_array()) bad(where + "/Input Dims", "expected an array of shapes");
    const auto text_at = [&](const char* key, std::size_t i) {
      const auto it = args.find(key);
      if (it == args.end() || !it->is_array() || i >= it->size() || !(*it)[i].is_string()) {
        return std::string();
      }
      return (*it)[i].get<std::string>();
    };
    for (std::size_t i = 0; i < dims->size(); ++i) {
      const auto& shape = (*dims)[i];
      const std::string type = text_at("Input type", i);
      const std::string literal = text_at("Concrete Inputs", i);
      const std::string at = where + "/Input Dims/" + std::to_string(i);
      if (!shape.is_array()) bad(at, "expected a list of dimensions, got " + json_type_name(shape));
      const bool list = !shape.empty() && shape[0].is_array();
      const auto read_shape = [&](const nlohmann::json& s, const std::string& p) {
        std::vector<std::int64_t> out;
        for (std::size_t d = 0; d < s.size(); ++d) {
          if (!s[d].is_number_integer() || s[d].get<std::int64_t>() < 0) {
            bad(p + "/" + std::to_string(d),
                "expected a dimension (a whole number >= 0), got " + s[d].dump());
          }
          out.push_back(s[d].get<std::int64_t>());
        }
        return out;
      };
      if (list) {
        // A tensor list: its element type is the first tensor's dtype when recorded, which Kineto
        // does not; "TensorList" then stands for the list and cat takes the types from the op.
        for (std::size_t t = 0; t < shape.size(); ++t) {
          if (!shape[t].is_array()) bad(at + "/" + std::to_string(t), "expected a shape");
          call.dims.push_back(read_shape(shape[t], at + "/" + std::to_string(t)));
          call.types.push_back(list_element_type(args, type));
          call.concrete.push_back("");
        }
      } else {
        call.dims.push_back(read_shape(shape, at));
        call.types.push_back(type);
        call.concrete.push_back(literal);
      }
    }
  }
  // The element type of a tensor list: Kineto writes "TensorList"; the op's other tensor inputs
  // or, failing that, none (the mapping then reports the type as unknown).
  static std::string list_element_type(const nlohmann::json& args, const std::string& type) {
    if (type != "TensorList" && !type.empty()) return type;
    const auto types = args.find("Input type");
    if (types != args.end() && types->is_array()) {
      for (const auto& t : *types) {
        if (t.is_string()) {
          const auto s = t.get<std::string>();
          if (s.rfind("c10::", 0) == 0 || s == "float" || s == "double") return s;
        }
      }
    }
    return "TensorList";
  }

 public:
  const std::unordered_map<std::int64_t, std::size_t>& external_ops() const {
    return external_ops_;
  }
  // The External id of an activity: its own, else its launch call's (by correlation id); -1.
  std::int64_t external_of(const GpuEvent& g) const {
    if (g.external_id >= 0) return g.external_id;
    const auto it = launch_external_.find(g.correlation);
    return g.correlation >= 0 && it != launch_external_.end() ? it->second : -1;
  }

 private:
  std::string file_;
  const GzStreamBuf& source_;
  std::vector<nlohmann::json*> stack_;
  nlohmann::json current_;
  std::string pending_key_;
  std::string top_key_;
  int depth_ = 0;
  int start_depth_ = 0;
  bool root_is_array_ = false;
  std::size_t event_index_ = 0;
  std::unordered_map<std::int64_t, std::size_t> external_ops_;
  std::unordered_map<std::int64_t, std::int64_t> launch_external_;  // correlation -> External id
};

bool is_attention(const std::string& name) {
  return name.find("attention") != std::string::npos;
}

}  // namespace

OperatorTrace read_pytorch_trace(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(path, "", "cannot read the file (missing, or not a regular file)");
  }
  GzStreamBuf buffer(path);
  std::istream in(&buffer);
  EventSax sax(path, buffer);
  const bool complete = nlohmann::json::sax_parse(in, &sax, nlohmann::json::input_format_t::json,
                                                  /*strict=*/true);
  if (!complete) throw InputError(path, "", "malformed JSON");
  if (!sax.saw_events) {
    throw InputError(path, "/traceEvents",
                     "missing required field: a Chrome trace holds its events in traceEvents");
  }

  // The causal flag of each attention operator from the scaled_dot_product_attention call around
  // it on the same thread (its is_causal is argument 5).
  std::vector<std::size_t> order(sax.ops.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sax.ops[a].start < sax.ops[b].start;
  });
  std::unordered_map<std::int64_t, std::size_t> last_sdpa;  // per thread
  for (const std::size_t i : order) {
    auto& op = sax.ops[i];
    if (op.name == "aten::scaled_dot_product_attention") {
      last_sdpa[op.thread] = i;
    } else if (is_attention(op.name)) {
      const auto it = last_sdpa.find(op.thread);
      if (it == last_sdpa.end()) continue;
      const auto& outer = sax.ops[it->second];
      if (op.start >= outer.start && op.start <= outer.start + outer.duration &&
          outer.call.concrete.size() > 5 && !outer.call.concrete[5].empty()) {
        op.call.causal = outer.call.concrete[5] == "True";
      }
    }
  }

  OperatorTrace trace;
  trace.file = path;
  trace.format = "pytorch";
  trace.device_name = sax.device_name;
  trace.cpu_ops = sax.ops.size();
  std::unordered_map<std::size_t, AtenMapping> mapped;  // per CPU op
  for (auto& g : sax.gpu) {
    g.external_id = sax.external_of(g);
    TraceKernel kernel;
    kernel.name = g.name;
    kernel.activity = g.activity;
    kernel.start = g.start * 1e-6;
    kernel.duration = g.duration * 1e-6;
    const auto op =
        g.external_id >= 0 ? sax.external_ops().find(g.external_id) : sax.external_ops().end();
    if (op != sax.external_ops().end()) {
      kernel.op = sax.ops[op->second].name;
      kernel.call_id = static_cast<std::uint64_t>(g.external_id) + 1;
    }
    if (g.activity == GpuActivity::memset) {
      // A fill of `bytes` bytes.
      if (g.bytes >= 1) {
        OpCall call;
        call.kind = "pointwise";
        call.params = {{"elements", std::to_string(static_cast<std::int64_t>(g.bytes))},
                       {"dtype", "int8"}};
        call.shape = std::to_string(static_cast<std::int64_t>(g.bytes)) + " B memset";
        kernel.call = std::move(call);
      } else {
        kernel.why_unmodelled = "memset without a byte count";
      }
      // Priced on their own, apart from the operator's kernels.
      kernel.call_id = 0;
      kernel.op = kernel.op.empty() ? "memset" : "memset in " + kernel.op;
    } else if (g.activity == GpuActivity::memcpy) {
      kernel.why_unmodelled = "memory copy (host link or copy engine): not priced";
      kernel.call_id = 0;
      kernel.op = kernel.op.empty() ? "memcpy" : "memcpy in " + kernel.op;
    } else if (op == sax.external_ops().end()) {
      kernel.why_unmodelled = g.external_id >= 0
                                  ? "its operator (External id " + std::to_string(g.external_id) +
                                        ") is not in the trace"
                                  : "no External id links it to an operator";
    } else {
      auto it = mapped.find(op->second);
      if (it == mapped.end())
        it = mapped.emplace(op->second, map_aten_call(sax.ops[op->second].call)).first;
      kernel.call = it->second.call;
      kernel.why_unmodelled = it->second.why;
    }
    trace.kernels.push_back(std::move(kernel));
  }
  std::stable_sort(trace.kernels.begin(), trace.kernels.end(),
                   [](const TraceKernel& a, const TraceKernel& b) { return a.start < b.start; });
  return trace;
}

}  // namespace ridgeline::trace
