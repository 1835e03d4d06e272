// `ridgeline trace FILE --hw ID|PATH [--format auto|pytorch|ridgeline] [--cache cold|warm]
// [--on ID ...] [--top N] [--json|--csv]`: the kernels of a real run (a PyTorch profiler trace, or
// Ridgeline's own operator trace) priced by the model on the hardware they ran on — per operator
// shape the measured time, the model's, the share of the roofline reached and the bound — with
// the GPU's idle gaps and the run re-projected onto other accelerators (docs/trace.md).

#include <iostream>
#include <memory>

#include "common.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/report/table.hpp"
#include "ridgeline/trace/trace_analysis.hpp"

namespace ridgeline::cli {

namespace {

struct TraceOptions {
  std::string file;
  std::string hw;
  std::string format = "auto";
  std::string cache = "cold";
  std::string timing = "profiler";
  std::vector<std::string> targets;
  int top = 20;
  OutputOptions output;
};

std::string time_text(double seconds) {
  return format_quantity(seconds, Dimension::time);
}

std::string percent(double fraction) {
  return format_number(100 * fraction, 3) + " %";
}

report::Table group_table(const trace::TraceAnalysis& a, std::size_t rows, bool csv) {
  report::Table table;
  table.headers = {"op",     "shape", "calls",    "total", "of kernel time",
                   "median", "model", "roofline", "bound", "achieved"};
  if (csv) {
    table.headers = {"op",
                     "kind",
                     "shape",
                     "calls",
                     "kernels",
                     "total_s",
                     "median_s",
                     "model_s",
                     "roofline_share",
                     "bound",
                     "flops",
                     "achieved_flops",
                     "achieved_bandwidth",
                     "unmodelled"};
  }
  for (const auto& t : a.targets)
    table.headers.push_back(csv ? "projected_s_" + t.id : "on " + t.id);
  table.align.assign(table.headers.size(), report::Align::right);
  table.align[0] = table.align[1] = report::Align::left;
  if (!csv) table.align[8] = report::Align::left;
  for (std::size_t i = 0; i < a.groups.size() && i < rows; ++i) {
    const auto& g = a.groups[i];
    std::vector<std::string> row;
    if (csv) {
      const auto n = [](double v) { return format_number(v, 17); };
      row = {g.op,
             g.kind,
             g.shape,
             std::to_string(g.calls),
             std::to_string(g.kernels),
             n(g.total),
             n(g.median),
             g.model ? n(g.model->time) : "",
             g.model ? n(g.roofline_share) : "",
             g.bound,
             g.model ? n(g.model->flops) : "",
             g.model ? n(g.achieved_flops) : "",
             g.model ? n(g.achieved_bandwidth) : "",
             g.why_unmodelled};
      for (const double p : g.projected) row.push_back(n(p));
    } else {
      std::string achieved;
      if (g.model) {
        achieved = g.bound == "compute"
                       ? format_quantity(g.achieved_flops, Dimension::compute)
                       : format_quantity(g.achieved_bandwidth, Dimension::bandwidth);
      }
      std::string op = g.op;
      if (op.size() > 40) op = op.substr(0, 37) + "...";
      row = {op,
             g.model ? g.shape : "(unmodelled: " + g.why_unmodelled.substr(0, 60) + ")",
             std::to_string(g.calls),
             time_text(g.total),
             percent(g.total / a.kernel_time),
             time_text(g.median),
             g.model ? time_text(g.model->time) : "–",
             g.model ? percent(g.roofline_share) : "–",
             g.model ? g.bound : "–",
             achieved};
      for (const double p : g.projected) row.push_back(time_text(p));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

void print_text(const trace::TraceAnalysis& a, const TraceOptions& options) {
  std::cout << "Trace " << a.file << " (" << a.format
            << (a.device_name.empty() ? "" : ", recorded on " + a.device_name) << ")\n"
            << "priced on " << a.hw_name << " (" << a.hw_id << ")\n\n";
  report::Table summary;
  summary.headers = {"quantity", "value"};
  summary.align = {report::Align::left, report::Align::right};
  summary.rows = {
      {"GPU activities / operator calls",
       std::to_string(a.kernels) + " / " + std::to_string(a.calls)},
      {"kernel time (sum)", time_text(a.kernel_time)},
      {"GPU busy / span", time_text(a.gpu_busy) + " / " + time_text(a.span)},
      {"GPU idle", percent(a.idle_fraction)},
      {"priced by the model", percent(a.coverage) + " of the kernel time"},
      {"model's time for those calls",
       time_text(a.model_time) + " (" + percent(a.model_time / a.modelled_time) + " of measured)"},
  };
  std::string bounds;
  for (const auto& [bound, time] : a.time_by_bound) {
    bounds += (bounds.empty() ? "" : ", ") + bound + " " + percent(time / a.kernel_time);
  }
  summary.rows.push_back({"kernel time by bound", bounds});
  for (const auto& t : a.targets) {
    summary.rows.push_back(
        {"projected on " + t.id, time_text(t.busy) + " kernel time (" +
                                     format_number(a.kernel_time / t.busy, 3) + "× " +
                                     (t.busy < a.kernel_time ? "faster" : "slower") + ")"});
  }
  std::cout << report::render_text(summary) << "\n";
  const auto rows = static_cast<std::size_t>(options.top);
  std::cout << "Operators by kernel time"
            << (a.groups.size() > rows ? " (top " + std::to_string(rows) + " of " +
                                             std::to_string(a.groups.size()) + "; --top N)"
                                       : "")
            << ": roofline = the model's time / the measured median\n";
  std::cout << report::render_text(group_table(a, rows, false));
  if (!a.findings.empty()) {
    std::cout << "\nReadings\n";
    for (const auto& line : a.findings) std::cout << "  * " << line << "\n";
  }
  if (!a.targets.empty()) {
    std::cout << "\nProjection: each priced call keeps its measured distance from the model "
                 "(measured × model there / model here); unmodelled kernels keep their measured "
                 "time; the host's gaps are not projected.\n";
  }
}

}  // namespace

void register_trace_command(CLI::App& app) {
  auto options = std::make_shared<TraceOptions>();
  auto* command = app.add_subcommand(
      "trace",
      "A real run's kernels (PyTorch profiler trace) against the model: per-operator "
      "roofline share, bounds, idle gaps, projection onto other hardware");
  command->add_option("file", options->file, "Trace file (.json or .json.gz)")->required();
  command->add_option("--hw", options->hw, "Accelerator the trace ran on: id or spec file path")
      ->required();
  command->add_option("--format", options->format, "auto, pytorch or ridgeline [default: auto]");
  command->add_option("--cache", options->cache,
                      "cold: inputs from off-chip memory (as analyze prices a step); warm: a "
                      "working set that fits an on-chip cache is there [default: cold]");
  command->add_option("--timing", options->timing,
                      "profiler: kernel durations from a profiler (fixed cost "
                      "overheads.profiled_kernel); device: CUDA-event kernel times "
                      "(overheads.kernel) [default: profiler]");
  command->add_option("--on", options->targets,
                      "Re-project the run onto this accelerator (repeatable)");
  command->add_option("--top", options->top, "Operator rows shown in the table [default: 20]")
      ->check(CLI::PositiveNumber);
  add_output_options(*command, options->output);
  command->callback([options] {
    if (options->cache != "cold" && options->cache != "warm") {
      throw InputError("", "--cache", "expected cold or warm, got '" + options->cache + "'");
    }
    if (options->timing != "profiler" && options->timing != "device") {
      throw InputError("", "--timing",
                       "expected profiler or device, got '" + options->timing + "'");
    }
    const auto accelerator = library().accelerator(options->hw);
    trace::TraceAnalysisOptions analysis_options;
    analysis_options.cache =
        options->cache == "warm" ? ops::CacheState::warm : ops::CacheState::cold;
    analysis_options.timing = options->timing;
    for (const auto& id : options->targets) {
      analysis_options.targets.push_back(library().accelerator(id));
    }
    const auto run = trace::read_op_trace(options->file, options->format);
    const auto analysis = trace::analyze_trace(run, accelerator, analysis_options);
    if (options->output.json) {
      std::cout << trace::trace_analysis_json(analysis).dump(2) << "\n";
    } else if (options->output.csv) {
      std::cout << report::render_csv(group_table(analysis, analysis.groups.size(), true));
    } else {
      print_text(analysis, *options);
    }
  });
}

namespace {
const CommandRegistration registration(75, register_trace_command);
}  // namespace

}  // namespace ridgeline::cli
