#include "ridgeline/memsim/report.hpp"

#include "ridgeline/base/units.hpp"

namespace ridgeline::memsim {

nlohmann::json result_json(const Result& r) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : r.channels) {
    channels.push_back({{"channel", c.channel},
                        {"reads", c.reads},
                        {"writes", c.writes},
                        {"bytes", c.bytes},
                        {"bandwidth", c.bandwidth},
                        {"utilisation", c.utilisation}});
  }
  const auto& k = r.commands;
  nlohmann::json json{{"device", r.device_id},
                      {"mapping", r.mapping},
                      {"scheduler", r.scheduler},
                      {"page_policy", r.page_policy},
                      {"stacks", r.stacks},
                      {"tck_s", r.tCK},
                      {"requests", r.requests},
                      {"reads", r.reads},
                      {"writes", r.writes},
                      {"bytes", r.bytes},
                      {"cycles", r.cycles},
                      {"simulated_time_s", r.simulated_time},
                      {"bandwidth", r.bandwidth},
                      {"peak_bandwidth", r.peak_bandwidth},
                      {"efficiency", r.efficiency},
                      {"read_latency_s",
                       {{"mean", r.read_latency.mean},
                        {"p50", r.read_latency.p50},
                        {"p99", r.read_latency.p99},
                        {"max", r.read_latency.max}}},
                      {"row_hit_rate", r.row_hit_rate},
                      {"row_miss_rate", r.row_miss_rate},
                      {"row_conflict_rate", r.row_conflict_rate},
                      {"refresh_time_fraction", r.refresh_time_fraction},
                      {"turnaround_time_fraction", r.turnaround_time_fraction},
                      {"turnarounds", r.turnarounds},
                      {"channel_imbalance", r.channel_imbalance},
                      {"energy_j", r.energy},
                      {"commands",
                       {{"ACT", k.act},
                        {"PRE", k.pre},
                        {"PREA", k.prea},
                        {"RD", k.rd},
                        {"WR", k.wr},
                        {"RDA", k.rda},
                        {"WRA", k.wra},
                        {"REF", k.ref},
                        {"REFpb", k.refpb}}},
                      {"channels", channels}};
  nlohmann::json limits = nlohmann::json::array();
  for (const auto& l : r.limits) {
    limits.push_back({{"resource", l.key},
                      {"name", l.resource},
                      {"busiest", l.detail},
                      {"min_time_s", static_cast<double>(l.min_cycles) * r.tCK},
                      {"ceiling", l.ceiling},
                      {"reached", l.reached}});
  }
  json["limits"] = std::move(limits);
  json["bound"] =
      r.limits.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.limits[r.bound].key);
  if (r.cache) {
    json["cache"] = {{"accesses", r.cache->accesses},
                     {"hits", r.cache->hits},
                     {"misses", r.cache->misses},
                     {"writebacks", r.cache->writebacks},
                     {"hit_rate", r.cache->hit_rate}};
  }
  return json;
}

namespace {
std::string pct(double fraction) {
  return format_number(100 * fraction, 3) + " %";
}
// Below this share of its ceiling, no resource is busy enough to be called the bound.
constexpr double kBoundShare = 0.75;
std::string count(std::uint64_t n) {
  return std::to_string(n);
}
}  // namespace

report::Table summary_table(const Result& r) {
  report::Table t;
  t.headers = {"quantity", "value"};
  t.align = {report::Align::left, report::Align::right};
  const auto row = [&](std::string name, std::string value) {
    t.rows.push_back({std::move(name), std::move(value)});
  };
  row("device", r.device_id + " x " + std::to_string(r.stacks));
  row("mapping / scheduler / page", r.mapping + " / " + r.scheduler + " / " + r.page_policy);
  row("requests", count(r.requests));
  row("memory reads / writes", count(r.reads) + " / " + count(r.writes));
  row("simulated time", format_quantity(r.simulated_time, Dimension::time));
  row("bandwidth", format_quantity(r.bandwidth, Dimension::bandwidth));
  row("peak bandwidth", format_quantity(r.peak_bandwidth, Dimension::bandwidth));
  row("efficiency", pct(r.efficiency));
  row("read latency mean", format_quantity(std::max(r.read_latency.mean, 1e-12), Dimension::time));
  row("read latency p50", format_quantity(std::max(r.read_latency.p50, 1e-12), Dimension::time));
  row("read latency p99", format_quantity(std::max(r.read_latency.p99, 1e-12), Dimension::time));
  row("row hit / miss / conflict", format_number(r.row_hit_rate, 3) + " / " +
                                       format_number(r.row_miss_rate, 3) + " / " +
                                       format_number(r.row_conflict_rate, 3));
  row("time lost to refresh", pct(r.refresh_time_fraction));
  row("time lost to turnarounds",
      pct(r.turnaround_time_fraction) + " (" + count(r.turnarounds) + ")");
  row("channel imbalance (max/mean)", format_number(r.channel_imbalance, 4));
  const auto& k = r.commands;
  row("commands ACT/PRE/PREA", count(k.act) + " / " + count(k.pre) + " / " + count(k.prea));
  row("commands RD/WR/RDA/WRA",
      count(k.rd) + " / " + count(k.wr) + " / " + count(k.rda) + " / " + count(k.wra));
  row("commands REF/REFpb", count(k.ref) + " / " + count(k.refpb));
  if (!r.limits.empty()) row("bound", bound_summary(r, true));
  row("energy", format_number(r.energy * 1e6, 4) + " uJ");
  if (r.cache) {
    row("cache hit rate",
        pct(r.cache->hit_rate) + " (" + count(r.cache->writebacks) + " writebacks)");
  }
  return t;
}

report::Table channel_table(const Result& r) {
  report::Table t;
  t.headers = {"channel", "reads", "writes", "bandwidth", "utilisation"};
  t.align = {report::Align::right, report::Align::right, report::Align::right, report::Align::right,
             report::Align::right};
  for (const auto& c : r.channels) {
    t.rows.push_back({std::to_string(c.channel), count(c.reads), count(c.writes),
                      format_quantity(std::max(c.bandwidth, 1.0), Dimension::bandwidth),
                      pct(c.utilisation)});
  }
  return t;
}

std::string bound_summary(const Result& r, bool with_ceiling) {
  if (r.limits.empty()) return "-";
  const auto& b = r.limits[r.bound];
  if (b.reached < kBoundShare) {
    return "none near its ceiling (the busiest, " + b.resource + ", at " + pct(b.reached) +
           (with_ceiling ? "): queueing or the front end (queue depth, issue width, trace "
                           "timestamps) sets the pace"
                         : "): queueing / front end");
  }
  return b.resource + ": " + pct(b.reached) +
         (with_ceiling ? " of its " + format_quantity(b.ceiling, Dimension::bandwidth) + " ceiling"
                       : std::string());
}

report::Table limits_table(const Result& r) {
  report::Table t;
  t.headers = {"resource", "busiest instance's work", "least time", "ceiling", "reached"};
  t.align = {report::Align::left, report::Align::left, report::Align::right, report::Align::right,
             report::Align::right};
  for (std::size_t i = 0; i < r.limits.size(); ++i) {
    const auto& l = r.limits[i];
    t.rows.push_back({l.resource + (i == r.bound ? " *" : ""), l.detail,
                      format_quantity(static_cast<double>(l.min_cycles) * r.tCK, Dimension::time),
                      format_quantity(l.ceiling, Dimension::bandwidth), pct(l.reached)});
  }
  return t;
}

report::Table summary_csv(const Result& r) {
  report::Table t;
  t.headers = {"device",
               "stacks",
               "mapping",
               "page_policy",
               "requests",
               "reads",
               "writes",
               "simulated_time_s",
               "bandwidth",
               "peak_bandwidth",
               "efficiency",
               "read_latency_mean_s",
               "read_latency_p50_s",
               "read_latency_p99_s",
               "row_hit_rate",
               "row_miss_rate",
               "row_conflict_rate",
               "refresh_time_fraction",
               "turnaround_time_fraction",
               "channel_imbalance",
               "energy_j",
               "bound",
               "bound_ceiling"};
  const auto n = [](double v) { return format_number(v, 6); };
  t.rows.push_back({r.device_id,
                    std::to_string(r.stacks),
                    r.mapping,
                    r.page_policy,
                    count(r.requests),
                    count(r.reads),
                    count(r.writes),
                    n(r.simulated_time),
                    n(r.bandwidth),
                    n(r.peak_bandwidth),
                    n(r.efficiency),
                    n(r.read_latency.mean),
                    n(r.read_latency.p50),
                    n(r.read_latency.p99),
                    n(r.row_hit_rate),
                    n(r.row_miss_rate),
                    n(r.row_conflict_rate),
                    n(r.refresh_time_fraction),
                    n(r.turnaround_time_fraction),
                    n(r.channel_imbalance),
                    n(r.energy),
                    r.limits.empty() ? std::string() : r.limits[r.bound].key,
                    r.limits.empty() ? std::string() : n(r.limits[r.bound].ceiling)});
  return t;
}

}  // namespace ridgeline::memsim
