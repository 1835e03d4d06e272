// Operator traces: the ATen → model operator mapping, the analysis of a small hand-written Chrome
// trace (calls, groups, busy time, roofline share, projection derived by hand), Ridgeline's own
// format, and the two shipped H100 profiler traces (counts taken from the files with Python's
// gzip + json, as noted at each).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/ops/operator.hpp"
#include "ridgeline/trace/op_trace.hpp"
#include "ridgeline/trace/trace_analysis.hpp"

namespace ridgeline::trace {
namespace {

const hw::Accelerator& h100() {
  static const auto accelerator = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator("h100-sxm");
  return accelerator;
}
const hw::Accelerator& h200() {
  static const auto accelerator = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator("h200");
  return accelerator;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("ridgeline-op-trace-" + name);
  std::ofstream(path) << text;
  return path.string();
}

AtenCall aten(std::string name, std::vector<std::vector<std::int64_t>> dims,
              std::vector<std::string> types, std::vector<std::string> concrete = {}) {
  AtenCall call;
  call.name = std::move(name);
  call.dims = std::move(dims);
  call.types = std::move(types);
  call.concrete = std::move(concrete);
  if (call.concrete.size() < call.dims.size()) call.concrete.resize(call.dims.size());
  return call;
}

TEST(AtenMapping, MatrixProducts) {
  // mm(self [m,k], mat2 [k,n]): the decode QKV projection, 8 tokens × 4096 → 6144.
  auto mm = map_aten_call(
      aten("aten::mm", {{8, 4096}, {4096, 6144}}, {"c10::BFloat16", "c10::BFloat16"}));
  ASSERT_TRUE(mm.call) << mm.why;
  EXPECT_EQ(mm.call->kind, "gemm");
  EXPECT_EQ(mm.call->params.at("m"), "8");
  EXPECT_EQ(mm.call->params.at("n"), "6144");
  EXPECT_EQ(mm.call->params.at("k"), "4096");
  EXPECT_EQ(mm.call->params.at("dtype"), "bf16");
  // addmm(bias, mat1, mat2): the matrices are inputs 1 and 2.
  auto addmm = map_aten_call(aten("aten::addmm", {{1024}, {32, 512}, {512, 1024}},
                                  {"c10::Half", "c10::Half", "c10::Half"}));
  ASSERT_TRUE(addmm.call) << addmm.why;
  EXPECT_EQ(addmm.call->params.at("m"), "32");
  EXPECT_EQ(addmm.call->params.at("k"), "512");
  EXPECT_EQ(addmm.call->params.at("n"), "1024");
  EXPECT_EQ(addmm.call->params.at("dtype"), "fp16");
  // bmm(self [b,m,k], mat2 [b,k,n]) → batched-gemm.
  auto bmm = map_aten_call(
      aten("aten::bmm", {{24, 2048, 128}, {24, 128, 2048}}, {"c10::BFloat16", "c10::BFloat16"}));
  ASSERT_TRUE(bmm.call) << bmm.why;
  EXPECT_EQ(bmm.call->kind, "batched-gemm");
  EXPECT_EQ(bmm.call->params.at("batch"), "24");
  EXPECT_EQ(bmm.call->params.at("k"), "128");
  // Inner dimensions that do not chain are no GEMM; the reason names the operator.
  auto bad = map_aten_call(
      aten("aten::mm", {{8, 4096}, {2048, 6144}}, {"c10::BFloat16", "c10::BFloat16"}));
  EXPECT_FALSE(bad.call);
  EXPECT_NE(bad.why.find("aten::mm"), std::string::npos) << bad.why;
  EXPECT_NE(bad.why.find("do not chain"), std::string::npos) << bad.why;
}

TEST(AtenMapping, Attention) {
  // cuDNN prefill: q, k [b, h, s, d] = [1, 32, 2048, 128]; is_causal is argument 10.
  std::vector<std::string> concrete(13, "");
  concrete[10] = "True";
  auto prefill = map_aten_call(aten("aten::_cudnn_attention_forward",
                                    {{1, 32, 2048, 128}, {1, 32, 2048, 128}, {1, 32, 2048, 128}},
                                    {"c10::BFloat16", "c10::BFloat16", "c10::BFloat16"}, concrete));
  ASSERT_TRUE(prefill.call) << prefill.why;
  EXPECT_EQ(prefill.call->kind, "attention");
  EXPECT_EQ(prefill.call->params.at("seq"), "2048");
  EXPECT_EQ(prefill.call->params.at("heads"), "32");
  EXPECT_EQ(prefill.call->params.at("causal"), "yes");
  // PyTorch's GQA decode packing, as in the shipped decode trace: q [8, 8, 4, 128] (8 KV heads ×
  // 4 query heads each) against k [8, 8, 4096, 128], not causal → 32 query heads over 8 KV heads.
  concrete[10] = "False";
  auto decode = map_aten_call(aten("aten::_cudnn_attention_forward",
                                   {{8, 8, 4, 128}, {8, 8, 4096, 128}, {8, 8, 4096, 128}},
                                   {"c10::BFloat16", "c10::BFloat16", "c10::BFloat16"}, concrete));
  ASSERT_TRUE(decode.call) << decode.why;
  EXPECT_EQ(decode.call->kind, "decode-attention");
  EXPECT_EQ(decode.call->params.at("heads"), "32");
  EXPECT_EQ(decode.call->params.at("kv-heads"), "8");
  EXPECT_EQ(decode.call->params.at("context"), "4096");
  // _flash_attention_forward is [b, s, h, d]; with no flag recorded the enclosing SDPA's decides,
  // and without either the call stays unmodelled.
  auto flash = aten("aten::_efficient_attention_forward", {{2, 1024, 16, 64}, {2, 1024, 16, 64}},
                    {"c10::Half", "c10::Half"});
  EXPECT_FALSE(map_aten_call(flash).call);
  flash.causal = false;
  auto mapped = map_aten_call(flash);
  ASSERT_TRUE(mapped.call) << mapped.why;
  EXPECT_EQ(mapped.call->params.at("seq"), "1024");
  EXPECT_EQ(mapped.call->params.at("heads"), "16");
  EXPECT_EQ(mapped.call->params.at("causal"), "no");
}

TEST(AtenMapping, RowWiseAndPointwise) {
  // RMSNorm over [8, 1, 4096]: 8 rows of 4096.
  auto norm = map_aten_call(aten("aten::_fused_rms_norm", {{8, 1, 4096}, {}, {4096}, {}},
                                 {"c10::BFloat16", "ScalarList", "c10::BFloat16", "Scalar"}));
  ASSERT_TRUE(norm.call) << norm.why;
  EXPECT_EQ(norm.call->kind, "rmsnorm");
  EXPECT_EQ(norm.call->params.at("m"), "8");
  EXPECT_EQ(norm.call->params.at("n"), "4096");
  // mul of [8,1,32,64] by a broadcast [1,1,1,64]: writes 8·32·64 = 16384 elements, reads
  // 16384 + 64 = 16448 (bf16, so read-elements count bf16 elements).
  auto mul = map_aten_call(
      aten("aten::mul", {{8, 1, 32, 64}, {1, 1, 1, 64}}, {"c10::BFloat16", "c10::BFloat16"}));
  ASSERT_TRUE(mul.call) << mul.why;
  EXPECT_EQ(mul.call->kind, "pointwise");
  EXPECT_EQ(mul.call->params.at("elements"), "16384");
  EXPECT_EQ(mul.call->params.at("read-elements"), "16448");
  // copy_(self bf16 [64], src fp32 [64]): writes 64 bf16, reads 64 · 4 B = 128 bf16-sized units.
  auto copy =
      map_aten_call(aten("aten::copy_", {{64}, {64}, {}}, {"c10::BFloat16", "float", "Scalar"}));
  ASSERT_TRUE(copy.call) << copy.why;
  EXPECT_EQ(copy.call->params.at("elements"), "64");
  EXPECT_EQ(copy.call->params.at("read-elements"), "128");
  EXPECT_EQ(copy.call->params.at("dtype"), "bf16");
  // Shapes that do not broadcast, an operator outside the table, no shapes at all.
  EXPECT_FALSE(
      map_aten_call(aten("aten::add", {{8, 3}, {8, 4}}, {"c10::BFloat16", "c10::BFloat16"})).call);
  const auto unknown =
      map_aten_call(aten("aten::convolution", {{1, 3, 224, 224}}, {"c10::BFloat16"}));
  EXPECT_FALSE(unknown.call);
  EXPECT_NE(unknown.why.find("aten::convolution is not an operator"), std::string::npos);
  const auto no_shapes = map_aten_call(aten("aten::mm", {}, {}));
  EXPECT_NE(no_shapes.why.find("no shapes recorded"), std::string::npos) << no_shapes.why;
}

// A hand-written trace: two operators (an mm launching a split-K pair, a mul), a memset, a kernel
// with no operator, a flow and a metadata event.
//   mm   kernels at t = 0 (10 µs) and t = 12 µs (2 µs): one call of 12 µs
//   mul  kernel at t = 13 µs (3 µs): overlaps the reduce kernel by 1 µs
//   memset of 4096 B at t = 30 µs (1 µs); orphan kernel at t = 40 µs (5 µs)
// kernel time = 10 + 2 + 3 + 1 + 5 = 21 µs; busy = [0,10] + [12,16] + [30,31] + [40,45] = 20 µs;
// span = 45 µs.
const char* kHandTrace = R"json({
 "deviceProperties": [{"name": "NVIDIA H100 80GB HBM3"}],
 "traceEvents": [
  {"ph": "M", "name": "process_name", "args": {"name": "python"}},
  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "tid": 1, "ts": 0, "dur": 20,
   "args": {"External id": 7, "Input Dims": [[256, 4096], [4096, 4096]],
            "Input type": ["c10::BFloat16", "c10::BFloat16"], "Concrete Inputs": ["", ""]}},
  {"ph": "X", "cat": "cpu_op", "name": "aten::mul", "tid": 1, "ts": 20, "dur": 5,
   "args": {"External id": 8, "Input Dims": [[256, 4096], []],
            "Input type": ["c10::BFloat16", "Scalar"], "Concrete Inputs": ["", "2"]}},
  {"ph": "s", "id": 1, "name": "ac2g", "ts": 1},
  {"ph": "X", "cat": "kernel", "name": "gemm_main", "ts": 100, "dur": 10, "args": {"External id": 7}},
  {"ph": "X", "cat": "kernel", "name": "gemm_reduce", "ts": 112, "dur": 2, "args": {"External id": 7}},
  {"ph": "X", "cat": "kernel", "name": "mul_kernel", "ts": 113, "dur": 3, "args": {"External id": 8}},
  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "ts": 130, "dur": 1, "args": {"bytes": 4096}},
  {"ph": "X", "cat": "kernel", "name": "orphan", "ts": 140, "dur": 5, "args": {}}
 ]})json";

TEST(OpTraceAnalysis, HandWrittenChromeTrace) {
  const auto path = write_temp("hand.json", kHandTrace);
  const auto trace = read_op_trace(path);
  EXPECT_EQ(trace.format, "pytorch");
  EXPECT_EQ(trace.device_name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(trace.cpu_ops, 2u);
  ASSERT_EQ(trace.kernels.size(), 5u);  // the flow and metadata events are read past
  const auto a = analyze_trace(trace, h100());
  EXPECT_EQ(a.kernels, 5u);
  EXPECT_EQ(a.calls, 4u);  // mm (2 kernels), mul, memset, orphan
  EXPECT_NEAR(a.kernel_time, 21e-6, 1e-12);
  EXPECT_NEAR(a.gpu_busy, 20e-6, 1e-12);
  EXPECT_NEAR(a.span, 45e-6, 1e-12);
  EXPECT_NEAR(a.idle_fraction, 1 - 20.0 / 45.0, 1e-9);
  // Priced: mm 12 + mul 3 + memset 1 = 16 µs of 21.
  EXPECT_NEAR(a.modelled_time, 16e-6, 1e-12);
  EXPECT_NEAR(a.coverage, 16.0 / 21.0, 1e-9);
  ASSERT_EQ(a.groups.size(), 4u);
  // Largest first: the mm call (12 µs) with both kernels.
  const auto& mm = a.groups[0];
  EXPECT_EQ(mm.op, "aten::mm");
  EXPECT_EQ(mm.kind, "gemm");
  EXPECT_EQ(mm.calls, 1u);
  EXPECT_EQ(mm.kernels, 2u);
  EXPECT_NEAR(mm.median, 12e-6, 1e-12);
  // The model for one call is the gemm of `ridgeline op` with profiler timing, and the roofline
  // share is that over the measured 12 µs.
  const auto expected = ops::evaluate(ops::OperatorRegistry::builtin().get("gemm"), h100(),
                                      {{"m", "256"},
                                       {"n", "4096"},
                                       {"k", "4096"},
                                       {"dtype", "bf16"},
                                       {"timing", "profiler"},
                                       {"cache", "cold"}});
  ASSERT_TRUE(mm.model);
  EXPECT_DOUBLE_EQ(mm.model->time, expected.time);
  EXPECT_DOUBLE_EQ(mm.roofline_share, expected.time / 12e-6);
  // The orphan kernel (5 µs) is unmodelled with its reason; every kernel has its group.
  const auto& orphan = a.groups[1];
  EXPECT_EQ(orphan.op, "orphan");
  EXPECT_FALSE(orphan.model);
  EXPECT_NE(orphan.why_unmodelled.find("no External id"), std::string::npos);
  ASSERT_EQ(a.kernel_group.size(), 5u);
  EXPECT_EQ(a.kernel_group[0], 0u);  // gemm_main
  EXPECT_EQ(a.kernel_group[1], 0u);  // gemm_reduce: the same call
  EXPECT_EQ(a.kernel_group[4], 1u);  // orphan
  // The memset writes 4096 bytes.
  bool memset_seen = false;
  for (const auto& g : a.groups) {
    if (g.op != "memset") continue;
    memset_seen = true;
    ASSERT_TRUE(g.model);
    EXPECT_DOUBLE_EQ(g.model->bytes.back(), 4096.0);
  }
  EXPECT_TRUE(memset_seen);
  std::remove(path.c_str());
}

TEST(OpTraceAnalysis, ProjectionKeepsTheMeasuredDistanceFromTheModel) {
  const auto path = write_temp("hand-projection.json", kHandTrace);
  TraceAnalysisOptions options;
  options.targets = {h200()};
  const auto a = analyze_trace(read_op_trace(path), h100(), options);
  ASSERT_EQ(a.targets.size(), 1u);
  // Per priced group: measured total × model(h200) / model(h100), both with device timing.
  const auto device_time = [](const hw::Accelerator& hw, const OpCall& call) {
    auto params = call.params;
    params["timing"] = "device";
    return ops::evaluate(ops::OperatorRegistry::builtin().get(call.kind), hw, params).time;
  };
  double expected = 0;
  for (const auto& g : a.groups) {
    const double projected =
        g.call ? g.total * device_time(h200(), *g.call) / device_time(h100(), *g.call) : g.total;
    EXPECT_NEAR(g.projected.at(0), projected, 1e-15) << g.op;
    expected += projected;
  }
  EXPECT_NEAR(a.targets[0].busy, expected, 1e-15);
  EXPECT_NEAR(a.targets[0].unmodelled, 5e-6, 1e-12);  // the orphan kernel, kept as measured
  std::remove(path.c_str());
}

TEST(OpTraceAnalysis, BareEventArrayIsRead) {
  // Chrome's JSON Array Format: the events alone.
  const std::string text = kHandTrace;
  const auto begin = text.find('[', text.find("traceEvents"));
  const auto end = text.rfind(']');
  const auto path = write_temp("bare.json", text.substr(begin, end - begin + 1));
  const auto trace = read_op_trace(path, "pytorch");
  EXPECT_EQ(trace.kernels.size(), 5u);
  EXPECT_EQ(trace.device_name, "");
  std::remove(path.c_str());
}

TEST(OpTraceAnalysis, OwnFormatNamesTheOperators) {
  const auto path = write_temp("own.json", R"({
    "format": "ridgeline-op-trace", "version": 1,
    "kernels": [
      {"name": "qkv", "op": "gemm", "params": {"m": 8, "n": 6144, "k": 4096}, "duration": "20 us"},
      {"name": "norm", "op": "rmsnorm", "params": {"m": 8, "n": 4096}, "duration": "6 us"},
      {"name": "norm", "op": "rmsnorm", "params": {"m": 8, "n": 4096}, "duration": "4 us"}
    ]})");
  const auto trace = read_op_trace(path);
  EXPECT_EQ(trace.format, "ridgeline");
  ASSERT_EQ(trace.kernels.size(), 3u);
  // Without starts the kernels run back to back: 0, 20 µs, 26 µs.
  EXPECT_NEAR(trace.kernels[2].start, 26e-6, 1e-12);
  const auto a = analyze_trace(trace, h100());
  EXPECT_NEAR(a.span, 30e-6, 1e-12);
  EXPECT_NEAR(a.idle_fraction, 0, 1e-12);
  ASSERT_EQ(a.groups.size(), 2u);
  // The two norms are one group of two calls: median of 6 and 4 µs = 5 µs.
  const auto& norm = a.groups[1];
  EXPECT_EQ(norm.kind, "rmsnorm");
  EXPECT_EQ(norm.calls, 2u);
  EXPECT_NEAR(norm.median, 5e-6, 1e-12);
  EXPECT_NEAR(norm.min, 4e-6, 1e-12);
  std::remove(path.c_str());
}

TEST(OpTraceAnalysis, ShippedH100DecodeTrace) {
  const auto trace =
      read_op_trace(std::string(RIDGELINE_TRACES_DIR) +
                    "/ops/trace-NVIDIA-H100-80GB-HBM3-llama-3-8b-decode-b8-ctx4096.json.gz");
  // From the file (Python gzip + json): 1666 kernel + 33 gpu_memset "X" events, 5324 cpu_op.
  EXPECT_EQ(trace.kernels.size(), 1699u);
  EXPECT_EQ(trace.cpu_ops, 5324u);
  EXPECT_EQ(trace.device_name, "NVIDIA H100 80GB HBM3");
  const auto a = analyze_trace(trace, h100());
  // Sum of the GPU durations 9948.415 µs; first start to last end 43820.618 µs.
  EXPECT_NEAR(a.kernel_time, 9948.415e-6, 1e-9);
  EXPECT_NEAR(a.span, 43820.618e-6, 1e-8);
  EXPECT_LE(a.gpu_busy, a.kernel_time);
  EXPECT_GT(a.idle_fraction, 0.7);  // the eager step is host-bound
  EXPECT_GT(a.coverage, 0.95);
  // The MLP up-projection 8×28672×4096: 32 calls (one per layer), median 84.673 µs, total
  // 2710.474 µs (Python, over the kernels whose operator is aten::mm with those Input Dims).
  bool found = false;
  for (const auto& g : a.groups) {
    if (g.kind != "gemm" || g.call->params.at("n") != "28672") continue;
    found = true;
    EXPECT_EQ(g.calls, 32u);
    EXPECT_NEAR(g.median, 84.673e-6, 1e-10);
    EXPECT_NEAR(g.total, 2710.474e-6, 1e-9);
    EXPECT_EQ(g.bound, "HBM3");
    // The model streams 235 MB of weights at the spec's 2.97 TB/s (80.5 µs): within 15 %.
    EXPECT_NEAR(g.roofline_share, 1.0, 0.15);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ridgeline::trace
