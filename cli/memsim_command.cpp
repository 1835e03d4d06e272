// `ridgeline memsim --mem ID|PATH (--trace FILE | --pattern NAME) [...]`: the trace-driven HBM
// timing model; `ridgeline memsim convert IN OUT`: text traces to Ridgeline's binary format.
// Options and outputs: docs/memsim.md.

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/memsim/memsim.hpp"
#include "ridgeline/memsim/pattern.hpp"
#include "ridgeline/memsim/report.hpp"
#include "ridgeline/trace/mem_trace.hpp"

namespace ridgeline::cli {

namespace {

struct MemsimArgs {
  std::string mem;
  int stacks = 1;
  std::string pin_rate;
  std::string page_policy;
  std::string refresh;
  std::string scheduler;
  int issue_width = -1;
  std::string trace;
  std::string format;
  std::string pattern;
  std::uint64_t requests = 1'000'000;
  std::string footprint;
  std::string stride;
  std::string page_size = "4KiB";
  double read_fraction = 1.0;
  std::string request_size;
  std::string mapping;
  std::string cache;
  std::uint64_t seed = 1;
  bool no_progress = false;
  bool channels = false;
  int threads = 1;
  OutputOptions output;
  std::string convert_in, convert_out, convert_format;
};

std::uint64_t bytes_option(const std::string& text, const std::string& option) {
  try {
    return static_cast<std::uint64_t>(parse_quantity(text, Dimension::bytes));
  } catch (const UnitError& error) {
    throw InputError("", option, error.what());
  }
}

// A progress bar on stderr, only when stderr is a terminal.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO) == 1) {}
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%60s\r", "");
  }
  void update(double fraction) {
    if (!enabled_) return;
    const int percent = static_cast<int>(fraction * 100);
    if (percent == last_) return;
    last_ = percent;
    shown_ = true;
    const int bar = percent / 2;
    std::fprintf(stderr, "\rmemsim [%.*s%*s] %3d%%", bar,
                 "##################################################", 50 - bar, "", percent);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  bool shown_ = false;
  int last_ = -1;
};

void run_memsim(const MemsimArgs& a) {
  if (a.mem.empty()) throw CLI::RequiredError("--mem");
  if (a.trace.empty() == a.pattern.empty()) {
    throw CLI::ValidationError("memsim", "give exactly one of --trace FILE or --pattern NAME");
  }
  const hw::MemoryDevice device = library().memory_device(a.mem);
  memsim::Options options;
  options.device.stacks = a.stacks;
  if (!a.pin_rate.empty()) {
    try {
      options.device.pin_rate = parse_quantity(a.pin_rate, Dimension::bit_rate);
    } catch (const UnitError& error) {
      throw InputError("", "--pin-rate", error.what());
    }
  }
  options.device.page_policy = a.page_policy;
  options.device.refresh = a.refresh;
  options.device.scheduler = a.scheduler;
  options.device.mapping = a.mapping;
  options.device.issue_width = a.issue_width;
  if (!a.request_size.empty()) {
    options.request_size =
        static_cast<std::uint32_t>(bytes_option(a.request_size, "--request-size"));
  }
  if (!a.cache.empty()) options.cache = memsim::parse_cache_spec(a.cache);
  const memsim::DeviceModel model = memsim::make_device_model(device, options.device);

  std::unique_ptr<memsim::RequestSource> source;
  if (!a.trace.empty()) {
    source = trace::open_mem_trace(a.trace, a.format);
  } else {
    memsim::PatternSpec spec;
    spec.name = a.pattern;
    spec.requests = a.requests;
    spec.request_size = options.request_size != 0
                            ? options.request_size
                            : static_cast<std::uint32_t>(model.geometry.burst_bytes);
    if (!a.footprint.empty()) spec.footprint = bytes_option(a.footprint, "--footprint");
    if (!a.stride.empty()) spec.stride = bytes_option(a.stride, "--stride");
    spec.page_size = bytes_option(a.page_size, "--page-size");
    spec.read_fraction = a.read_fraction;
    spec.seed = a.seed;
    source = memsim::make_pattern(spec, static_cast<std::uint64_t>(model.geometry.capacity()));
  }
  options.threads = a.threads;
  Progress progress(!a.no_progress);
  options.progress = [&](double fraction) { progress.update(fraction); };
  const memsim::Result result = memsim::simulate(model, options, *source);
  if (a.output.json) {
    std::cout << memsim::result_json(result).dump(2) << "\n";
  } else if (a.output.csv) {
    std::cout << report::render_csv(memsim::summary_csv(result));
  } else {
    std::cout << result.device_name << "\n\n" << report::render_text(memsim::summary_table(result));
    std::cout << "\nWhat bounds it (least time of each resource's busiest instance; * binds):\n"
              << report::render_text(memsim::limits_table(result));
    if (a.channels) std::cout << "\n" << report::render_text(memsim::channel_table(result));
  }
}

void register_memsim(CLI::App& app) {
  static MemsimArgs a;
  auto* command = app.add_subcommand(
      "memsim", "Trace-driven HBM timing model: bandwidth, latency, row hits of an access stream");
  command->add_option("--mem", a.mem, "Memory device id (hwspecs/hbm) or spec file path");
  command->add_option("--stacks", a.stacks, "Number of stacks (channels multiply)")
      ->check(CLI::Range(1, 64));
  command->add_option("--pin-rate", a.pin_rate, "Per-pin data rate, e.g. 9.6Gb/s (default: rated)");
  command->add_option("--page-policy", a.page_policy, "open or closed (default: the device's)")
      ->check(CLI::IsMember({"open", "closed"}));
  command->add_option("--refresh", a.refresh, "all-bank, per-bank or none (default: the device's)")
      ->check(CLI::IsMember({"all-bank", "per-bank", "none"}));
  command->add_option("--scheduler", a.scheduler, "frfcfs or bank-round-robin (default: device's)");
  command
      ->add_option("--issue-width", a.issue_width,
                   "Front end: new requests per memory cycle, in order (0: unlimited)")
      ->check(CLI::Range(0, 1 << 20));
  command->add_option("--trace", a.trace, "Memory-access trace file");
  command
      ->add_option("--format", a.format,
                   "Trace format: ramulator, dramsim3 or bin (default: guess)")
      ->check(CLI::IsMember({"ramulator", "dramsim3", "bin"}));
  command->add_option("--pattern", a.pattern,
                      "Synthetic pattern: sequential, strided, random, gemm-tile, kv-gather");
  command->add_option("--requests", a.requests, "Requests of a pattern")->capture_default_str();
  command->add_option("--footprint", a.footprint, "Bytes a pattern covers (default: the device)");
  command->add_option("--stride", a.stride,
                      "strided: bytes between requests; gemm-tile: row pitch");
  command->add_option("--page-size", a.page_size, "kv-gather: KV-cache page; gemm-tile: tile row")
      ->capture_default_str();
  command
      ->add_option("--read-fraction", a.read_fraction,
                   "Fraction of reads (writes spread evenly, "
                   "or at random in random patterns)")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--request-size", a.request_size, "Bytes per request (default: one burst)");
  command->add_option("--mapping", a.mapping,
                      "Address mapping, MSB to LSB, e.g. RoBaBgSiPcCoCh, optional +xor");
  command->add_option("--cache", a.cache, "Cache in front: CAPACITY:WAYS:LINE[:SECTOR]");
  command->add_option("--seed", a.seed, "Seed of the random patterns")->capture_default_str();
  command
      ->add_option("--threads", a.threads,
                   "Threads running the controllers (0: one per core); same results")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  command->add_flag("--channels", a.channels, "Also print one row per channel");
  command->add_flag("--no-progress", a.no_progress, "No progress bar on stderr");
  add_output_options(*command, a.output);

  auto* convert = command->add_subcommand("convert", "Convert a text trace to the binary format");
  convert->add_option("IN", a.convert_in, "Input trace (ramulator or dramsim3 text)")->required();
  convert->add_option("OUT", a.convert_out, "Output binary trace")->required();
  convert->add_option("--format", a.convert_format, "Input format (default: guess)")
      ->check(CLI::IsMember({"ramulator", "dramsim3", "bin"}));
  convert->callback([] {
    const auto n = trace::convert_to_binary(a.convert_in, a.convert_format, a.convert_out);
    std::cout << "wrote " << n << " requests to " << a.convert_out << "\n";
  });
  command->callback([command, convert] {
    if (convert->parsed()) return;
    (void)command;
    run_memsim(a);
  });
}

const CommandRegistration registration(50, register_memsim);

}  // namespace

}  // namespace ridgeline::cli
