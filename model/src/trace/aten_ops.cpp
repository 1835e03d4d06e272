// PyTorch (ATen) operators → the model's operator kinds, from the shapes and dtypes the profiler
// records (record_shapes=True). One table, keyed by the ATen name; an operator that is not in it,
// or whose shapes do not fit the kind, stays unmodelled with the reason.
//
// Layouts (PyTorch's own signatures, aten/src/ATen/native/native_functions.yaml):
//   mm(self [m,k], mat2 [k,n]); addmm(bias, mat1 [m,k], mat2 [k,n]); bmm(self [b,m,k], mat2
//   [b,k,n]) _scaled_dot_product_{flash,efficient,cudnn}_attention, _cudnn_attention_forward: q
//   [b,h,s,d] _flash_attention_forward, _efficient_attention_forward: q [b,s,h,d]
//   native_layer_norm(input, normalized_shape, weight?, bias?, eps); rms_norm(input, shape,
//   weight?)

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/trace/op_trace.hpp"

namespace ridgeline::trace {

namespace {

using Dims = std::vector<std::int64_t>;

// A profiler type string's storage: the model's dtype of that width, and whether it is a floating
// type a kernel computes in. Integer and bool tensors have no dtype of their own in the model; only
// their bytes matter to a pointwise kernel, so they take the float format of the same width (the
// shape text keeps the recorded type).
struct RecordedType {
  DType dtype;
  bool floating;
};

std::optional<RecordedType> recorded_type(const std::string& type) {
  static const std::unordered_map<std::string, RecordedType> types = {
      {"c10::BFloat16", {DType::bf16, true}},
      {"c10::Half", {DType::fp16, true}},
      {"float", {DType::fp32, true}},
      {"double", {DType::fp64, true}},
      {"c10::Float8_e4m3fn", {DType::fp8, true}},
      {"c10::Float8_e5m2", {DType::fp8, true}},
      {"c10::Float8_e4m3fnuz", {DType::fp8, true}},
      {"c10::Float8_e5m2fnuz", {DType::fp8, true}},
      {"signed char", {DType::int8, false}},
      {"unsigned char", {DType::int8, false}},
      {"bool", {DType::int8, false}},
      {"c10::qint8", {DType::int8, false}},
      {"short int", {DType::fp16, false}},
      {"int", {DType::fp32, false}},
      {"long int", {DType::fp64, false}},
  };
  const auto it = types.find(type);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::optional<DType> storage_dtype(const std::string& type) {
  const auto recorded = recorded_type(type);
  return recorded ? std::optional<DType>(recorded->dtype) : std::nullopt;
}

// The tensor dtypes a kernel computes in (floating point ones).
std::optional<DType> compute_dtype(const std::string& type) {
  const auto recorded = recorded_type(type);
  return recorded && recorded->floating ? std::optional<DType>(recorded->dtype) : std::nullopt;
}

double numel(const Dims& dims) {
  double n = 1;
  for (const auto d : dims) n *= static_cast<double>(d);
  return n;
}

std::string join_dims(const Dims& dims) {
  std::string text;
  for (const auto d : dims) text += (text.empty() ? "" : "×") + std::to_string(d);
  return text.empty() ? "scalar" : text;
}

std::string count_text(double value) {
  return std::to_string(static_cast<std::int64_t>(std::llround(value)));
}

// Input i is a tensor: a recorded type with a storage size (scalars and lists are not).
// A recorded type as the shape text shows it: the model's dtype name for floating types ("bf16"),
// the C type otherwise ("long int").
std::string type_text(const std::string& type) {
  if (const auto dtype = compute_dtype(type)) return std::string(dtype_name(*dtype));
  return type;
}

bool is_tensor(const AtenCall& call, std::size_t i) {
  return i < call.types.size() && i < call.dims.size() && storage_dtype(call.types[i]).has_value();
}

struct Mapper {
  const AtenCall& call;
  AtenMapping result;

  AtenMapping fail(std::string why) {
    result.why = std::move(why);
    return result;
  }
  AtenMapping done(OpCall op) {
    result.call = std::move(op);
    return result;
  }
  const Dims* dims(std::size_t i) const { return i < call.dims.size() ? &call.dims[i] : nullptr; }
  std::optional<DType> dtype(std::size_t i) const {
    return i < call.types.size() ? compute_dtype(call.types[i]) : std::nullopt;
  }
  bool concrete_true(std::size_t i) const {
    return i < call.concrete.size() && (call.concrete[i] == "True" || call.concrete[i] == "1");
  }
};

using MapFn = std::function<AtenMapping(Mapper&)>;

AtenMapping gemm(Mapper& m, std::size_t a, bool batched) {
  const Dims* lhs = m.dims(a);
  const Dims* rhs = m.dims(a + 1);
  const std::size_t rank = batched ? 3 : 2;
  if (!lhs || !rhs || lhs->size() != rank || rhs->size() != rank) {
    return m.fail("expected two " + std::to_string(rank) + "-d operands");
  }
  const auto dtype = m.dtype(a);
  if (!dtype) return m.fail("operand type '" + m.call.types[a] + "' is not a GEMM dtype");
  const std::size_t o = batched ? 1 : 0;
  const std::int64_t rows = (*lhs)[o], inner = (*lhs)[o + 1];
  const std::int64_t inner2 = (*rhs)[o], cols = (*rhs)[o + 1];
  if (inner != inner2 || (batched && (*lhs)[0] != (*rhs)[0])) {
    return m.fail("operand shapes " + join_dims(*lhs) + " and " + join_dims(*rhs) +
                  " do not chain");
  }
  OpCall op;
  op.kind = batched ? "batched-gemm" : "gemm";
  op.params = {{"m", std::to_string(rows)},
               {"n", std::to_string(cols)},
               {"k", std::to_string(inner)},
               {"dtype", std::string(dtype_name(*dtype))}};
  if (const auto weight = m.dtype(a + 1); weight && *weight != *dtype) {
    op.params["weight-dtype"] = std::string(dtype_name(*weight));
  }
  op.shape = std::to_string(rows) + "×" + std::to_string(cols) + "×" + std::to_string(inner);
  if (batched) {
    op.params["batch"] = std::to_string((*lhs)[0]);
    op.shape = std::to_string((*lhs)[0]) + "× " + op.shape;
  }
  op.shape += " " + std::string(dtype_name(*dtype));
  return m.done(std::move(op));
}

// Attention over q [b,h,s,d] (seq_major: [b,s,h,d]) and k of the same layout. `causal_at`: the
// index of the is_causal argument in this operator's own signature (nullopt: take the
// scaled_dot_product_attention call's).
AtenMapping attention(Mapper& m, bool seq_major, std::optional<std::size_t> causal_at) {
  const Dims* q = m.dims(0);
  const Dims* k = m.dims(1);
  if (!q || !k || q->size() != 4 || k->size() != 4) return m.fail("expected 4-d query and key");
  const auto dtype = m.dtype(0);
  if (!dtype) return m.fail("query type is not a floating-point dtype");
  const std::size_t h = seq_major ? 2 : 1, s = seq_major ? 1 : 2;
  const std::int64_t batch = (*q)[0], heads = (*q)[h], seq = (*q)[s], head_dim = (*q)[3];
  const std::int64_t kv_heads = (*k)[h], kv_seq = (*k)[s];
  bool causal = false;
  if (causal_at && *causal_at < m.call.concrete.size() && !m.call.concrete[*causal_at].empty()) {
    causal = m.concrete_true(*causal_at);
  } else if (m.call.causal) {
    causal = *m.call.causal;
  } else {
    return m.fail("whether the mask is causal is not recorded");
  }
  const std::string dt(dtype_name(*dtype));
  OpCall op;
  // A query of one token per head (decode), or several query heads of one KV head packed as rows
  // (PyTorch's GQA path: q [b, kv_heads, heads/kv_heads, d] against k [b, kv_heads, ctx, d]): the
  // decode kernel over a KV cache. FLOPs and bytes are the same either way of reading it.
  const bool packed_gqa = heads == kv_heads && seq > 1 && seq <= 16 && !causal && kv_seq > seq;
  if (seq == 1 || packed_gqa) {
    const std::int64_t query_heads = packed_gqa ? heads * seq : heads;
    op.kind = "decode-attention";
    op.params = {{"batch", std::to_string(batch)},       {"heads", std::to_string(query_heads)},
                 {"kv-heads", std::to_string(kv_heads)}, {"context", std::to_string(kv_seq)},
                 {"head-dim", std::to_string(head_dim)}, {"dtype", dt}};
    op.shape = "b" + std::to_string(batch) + " h" + std::to_string(query_heads) + "/" +
               std::to_string(kv_heads) + " ctx" + std::to_string(kv_seq) + " d" +
               std::to_string(head_dim) + " " + dt;
    return m.done(std::move(op));
  }
  op.kind = "attention";
  op.params = {{"batch", std::to_string(batch)},       {"heads", std::to_string(heads)},
               {"kv-heads", std::to_string(kv_heads)}, {"seq", std::to_string(seq)},
               {"kv-seq", std::to_string(kv_seq)},     {"head-dim", std::to_string(head_dim)},
               {"causal", causal ? "yes" : "no"},      {"dtype", dt}};
  op.shape = "b" + std::to_string(batch) + " h" + std::to_string(heads) + "/" +
             std::to_string(kv_heads) + " s" + std::to_string(seq) +
             (kv_seq != seq ? "/" + std::to_string(kv_seq) : "") + " d" + std::to_string(head_dim) +
             (causal ? " causal " : " ") + dt;
  return m.done(std::move(op));
}

// Row-wise kernels over the last dimension of input 0: rmsnorm, layernorm, softmax, gelu.
AtenMapping rows(Mapper& m, const std::string& kind,
                 std::optional<std::size_t> affine_weight = {}) {
  const Dims* x = m.dims(0);
  if (!x || x->empty()) return m.fail("expected a tensor input with at least one dimension");
  const auto dtype = m.dtype(0);
  if (!dtype) return m.fail("input type is not a floating-point dtype");
  const std::int64_t n = x->back();
  if (n < 1) return m.fail("empty last dimension");
  const std::int64_t rows_count = static_cast<std::int64_t>(numel(*x)) / n;
  if (rows_count < 1) return m.fail("empty input");
  OpCall op;
  op.kind = kind;
  op.params = {{"m", std::to_string(rows_count)},
               {"n", std::to_string(n)},
               {"dtype", std::string(dtype_name(*dtype))}};
  if (affine_weight) {
    const Dims* weight = m.dims(*affine_weight);
    op.params["affine"] =
        weight && !weight->empty() && is_tensor(m.call, *affine_weight) ? "yes" : "no";
  }
  op.shape =
      std::to_string(rows_count) + "×" + std::to_string(n) + " " + std::string(dtype_name(*dtype));
  return m.done(std::move(op));
}

// numpy broadcasting of the tensor inputs' shapes.
std::optional<Dims> broadcast(const std::vector<const Dims*>& shapes) {
  Dims out;
  for (const Dims* shape : shapes) {
    if (shape->size() > out.size()) out.insert(out.begin(), shape->size() - out.size(), 1);
    for (std::size_t i = 0; i < shape->size(); ++i) {
      std::int64_t& o = out[out.size() - shape->size() + i];
      const std::int64_t d = (*shape)[i];
      if (d == o || d == 1) continue;
      if (o == 1) {
        o = d;
      } else {
        return std::nullopt;
      }
    }
  }
  return out;
}

// A pointwise kernel: `written` elements of the output tensor (its type `out_type`), reading
// `read_bytes`.
AtenMapping pointwise(Mapper& m, double written, const std::string& out_type, double read_bytes,
                      std::int64_t flops_per_element, const std::string& shape) {
  const auto out = storage_dtype(out_type);
  if (!out) return m.fail("output type '" + out_type + "' has no known size");
  if (written < 1) return m.fail("writes no element");
  OpCall op;
  op.kind = "pointwise";
  op.params = {{"elements", count_text(written)},
               {"dtype", std::string(dtype_name(*out))},
               {"flops-per-element", std::to_string(flops_per_element)}};
  // Reads in units of the output's element size (their bytes are what the kernel moves).
  const double read_elements = std::ceil(read_bytes / dtype_bytes(*out));
  if (read_elements >= 1) op.params["read-elements"] = count_text(read_elements);
  op.shape = shape + " " + type_text(out_type);
  return m.done(std::move(op));
}

double tensor_bytes(const AtenCall& call, std::size_t i) {
  if (!is_tensor(call, i)) return 0;
  return numel(call.dims[i]) * dtype_bytes(*storage_dtype(call.types[i]));
}

// Elementwise arithmetic: the output is the broadcast of the tensor inputs (in place: input 0).
AtenMapping elementwise(Mapper& m, std::int64_t flops_per_element) {
  std::vector<const Dims*> shapes;
  double read = 0;
  std::string out_type;
  for (std::size_t i = 0; i < m.call.dims.size(); ++i) {
    if (!is_tensor(m.call, i)) continue;
    shapes.push_back(&m.call.dims[i]);
    read += tensor_bytes(m.call, i);
    // The result type: the first floating input's (PyTorch promotes to it), else the first's.
    if (out_type.empty() || (!compute_dtype(out_type) && compute_dtype(m.call.types[i]))) {
      out_type = m.call.types[i];
    }
  }
  if (shapes.empty()) return m.fail("no tensor input recorded");
  const bool in_place = !m.call.name.empty() && m.call.name.back() == '_';
  Dims out;
  if (in_place) {
    out = *shapes.front();
    out_type = m.call.types[0];
  } else if (auto b = broadcast(shapes)) {
    out = *b;
  } else {
    return m.fail("input shapes do not broadcast");
  }
  return pointwise(m, numel(out), out_type, read, flops_per_element, join_dims(out));
}

const std::unordered_map<std::string, MapFn>& table() {
  static const std::unordered_map<std::string, MapFn> map = [] {
    std::unordered_map<std::string, MapFn> t;
    t["aten::mm"] = [](Mapper& m) { return gemm(m, 0, false); };
    t["aten::addmm"] = [](Mapper& m) { return gemm(m, 1, false); };
    t["aten::_scaled_mm"] = [](Mapper& m) { return gemm(m, 0, false); };
    t["aten::bmm"] = [](Mapper& m) { return gemm(m, 0, true); };
    t["aten::baddbmm"] = [](Mapper& m) { return gemm(m, 1, true); };
    // is_causal's position in each signature.
    t["aten::_cudnn_attention_forward"] = [](Mapper& m) { return attention(m, false, 10); };
    t["aten::_scaled_dot_product_cudnn_attention"] = [](Mapper& m) {
      return attention(m, false, 6);
    };
    t["aten::_scaled_dot_product_flash_attention"] = [](Mapper& m) {
      return attention(m, false, 4);
    };
    t["aten::_scaled_dot_product_efficient_attention"] = [](Mapper& m) {
      return attention(m, false, 6);
    };
    t["aten::_flash_attention_forward"] = [](Mapper& m) { return attention(m, true, 8); };
    t["aten::_efficient_attention_forward"] = [](Mapper& m) {
      return attention(m, true, std::nullopt);
    };
    t["aten::_fused_rms_norm"] = [](Mapper& m) { return rows(m, "rmsnorm"); };
    t["aten::rms_norm"] = [](Mapper& m) { return rows(m, "rmsnorm"); };
    t["aten::native_layer_norm"] = [](Mapper& m) { return rows(m, "layernorm", 2); };
    t["aten::layer_norm"] = [](Mapper& m) { return rows(m, "layernorm", 2); };
    t["aten::_softmax"] = [](Mapper& m) { return rows(m, "softmax"); };
    t["aten::softmax"] = [](Mapper& m) { return rows(m, "softmax"); };
    t["aten::gelu"] = [](Mapper& m) { return rows(m, "gelu"); };
    // silu(x) = x / (1 + exp(-x)): exp, add, divide, multiply.
    for (const char* name : {"aten::silu", "aten::silu_"}) {
      t[name] = [](Mapper& m) { return elementwise(m, 4); };
    }
    for (const char* name :
         {"aten::add",          "aten::add_",  "aten::sub",   "aten::sub_",    "aten::mul",
          "aten::mul_",         "aten::div",   "aten::div_",  "aten::pow",     "aten::pow_",
          "aten::neg",          "aten::exp",   "aten::exp_",  "aten::rsqrt",   "aten::sqrt",
          "aten::reciprocal",   "aten::cos",   "aten::sin",   "aten::tanh",    "aten::sigmoid",
          "aten::relu",         "aten::relu_", "aten::clamp", "aten::clamp_",  "aten::where",
          "aten::masked_fill_", "aten::eq",    "aten::ne",    "aten::lt",      "aten::gt",
          "aten::le",           "aten::ge",    "aten::abs",   "aten::maximum", "aten::minimum",
          "aten::fill_",        "aten::zero_"}) {
      t[name] = [](Mapper& m) { return elementwise(m, 1); };
    }
    // copy_(self, src): writes self (its type), reads src.
    t["aten::copy_"] = [](Mapper& m) {
      if (!is_tensor(m.call, 0) || !is_tensor(m.call, 1)) return m.fail("expected two tensors");
      return pointwise(m, numel(m.call.dims[0]), m.call.types[0], tensor_bytes(m.call, 1), 1,
                       join_dims(m.call.dims[0]) + " from " + type_text(m.call.types[1]) + " to");
    };
    // index_copy_(self, dim, index, source): writes source's elements into self.
    t["aten::index_copy_"] = [](Mapper& m) {
      if (!is_tensor(m.call, 0) || !is_tensor(m.call, 3)) return m.fail("expected self and source");
      return pointwise(m, numel(m.call.dims[3]), m.call.types[0],
                       tensor_bytes(m.call, 3) + tensor_bytes(m.call, 2), 1,
                       join_dims(m.call.dims[3]) + " into " + join_dims(m.call.dims[0]));
    };
    // cat(tensors, dim): the inputs, flattened into one entry per tensor, are read and written.
    t["aten::cat"] = [](Mapper& m) {
      double elements = 0, bytes = 0;
      std::string type;
      for (const auto& recorded : m.call.types) {
        if (recorded == "TensorList")
          return m.fail("the profiler does not record a tensor list's dtype");
      }
      for (std::size_t i = 0; i < m.call.dims.size(); ++i) {
        if (!is_tensor(m.call, i)) continue;
        elements += numel(m.call.dims[i]);
        bytes += tensor_bytes(m.call, i);
        if (type.empty()) type = m.call.types[i];
      }
      if (type.empty()) return m.fail("no tensor input recorded");
      return pointwise(m, elements, type, bytes, 1, count_text(elements) + " elements");
    };
    // embedding(weight [V, h], indices): gathers one row per index.
    t["aten::embedding"] = [](Mapper& m) {
      if (!is_tensor(m.call, 0) || !is_tensor(m.call, 1) || m.call.dims[0].size() != 2) {
        return m.fail("expected a 2-d weight and indices");
      }
      const double written = numel(m.call.dims[1]) * static_cast<double>(m.call.dims[0][1]);
      return pointwise(
          m, written, m.call.types[0],
          written * dtype_bytes(*storage_dtype(m.call.types[0])) + tensor_bytes(m.call, 1), 1,
          join_dims(m.call.dims[1]) + " rows of " + join_dims(m.call.dims[0]));
    };
    // arange(start, end, step, out): (end - start) / step values.
    t["aten::arange"] = [](Mapper& m) {
      const auto& c = m.call.concrete;
      if (c.size() < 3 || c[0].empty() || c[1].empty() || c[2].empty()) {
        return m.fail("start, end and step not recorded");
      }
      try {
        const double count = std::ceil((std::stod(c[1]) - std::stod(c[0])) / std::stod(c[2]));
        std::string type = "float";
        for (std::size_t i = 0; i < m.call.types.size(); ++i) {
          if (is_tensor(m.call, i)) type = m.call.types[i];
        }
        return pointwise(m, count, type, 0, 1, count_text(count) + " values");
      } catch (const std::exception&) {
        return m.fail("start, end and step are not numbers");
      }
    };
    return t;
  }();
  return map;
}

}  // namespace

AtenMapping map_aten_call(const AtenCall& call) {
  Mapper mapper{call, {}};
  const auto& map = table();
  const auto it = map.find(call.name);
  if (it == map.end()) return mapper.fail(call.name + " is not an operator Ridgeline prices");
  if (call.dims.empty()) return mapper.fail("no shapes recorded (record_shapes=False)");
  AtenMapping mapped = it->second(mapper);
  if (!mapped.call) mapped.why = call.name + ": " + mapped.why;
  return mapped;
}

}  // namespace ridgeline::trace
