#pragma once
// Memory-access trace readers (for memsim), streamed: a reader holds one line (or one record) at a
// time, so a trace of 10^9 requests takes constant memory. Pluggable: each format registers
// itself by name. A malformed line is an InputError naming the file and the line; nothing is
// skipped silently.
//
// Formats (docs/memsim.md):
//   ramulator  Ramulator 2 LoadStoreTrace: "LD 0x7f3a1c40" / "ST 0x7f3a1c80" (hex or decimal);
//              LD is a read, ST a write.
//   dramsim3   "0x7f3a1c40 READ 120": address, READ or WRITE, issue cycle.
//   bin        Ridgeline's binary format: a 16-byte header ("RLMTRACE", u32 version 1, u32 record
//              size 16), then 16-byte little-endian records {u64 address; u32 size | write << 31;
//              u32 cycles since the previous request} (docs/memsim.md).
// Blank lines and lines starting with '#' are comments in the text formats.

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::trace {

using memsim::Request;

// A trace file read as a stream of requests.
class MemTraceReader : public memsim::RequestSource {
 public:
  std::string file() const override { return file_; }
  std::string where() const override { return "line " + std::to_string(line_); }
  double progress() const override;
  std::uint64_t line() const { return line_; }

 protected:
  MemTraceReader(std::string file, bool binary);
  [[noreturn]] void fail(const std::string& message) const;
  // Reads the next non-comment line into `text`; false at the end.
  bool next_line(std::string& text);

  std::string file_;
  std::ifstream in_;
  std::uint64_t line_ = 0;
  std::uint64_t size_ = 0;
};

using TraceFactory = std::function<std::unique_ptr<MemTraceReader>(const std::string& path)>;
struct TraceFormat {
  std::string name;
  std::string description;
  TraceFactory open;
};
bool register_trace_format(TraceFormat format);
const std::vector<TraceFormat>& trace_formats();

// Opens a trace. `format` empty: from the extension (.bin) or the first line's shape. Throws
// InputError for an unreadable file or an unknown format.
std::unique_ptr<MemTraceReader> open_mem_trace(const std::string& path, const std::string& format);

// The binary format.
inline constexpr char kBinaryMagic[8] = {'R', 'L', 'M', 'T', 'R', 'A', 'C', 'E'};
inline constexpr std::uint32_t kBinaryVersion = 1;

class BinaryTraceWriter {
 public:
  explicit BinaryTraceWriter(const std::string& path);
  void write(const Request& request);
  void close();
  std::uint64_t count() const { return count_; }

 private:
  std::string path_;
  std::ofstream out_;
  std::uint64_t count_ = 0;
  std::uint64_t last_cycle_ = 0;
};

// Converts any readable trace to the binary format; returns the number of requests.
std::uint64_t convert_to_binary(const std::string& in, const std::string& format,
                                const std::string& out);

}  // namespace ridgeline::trace
