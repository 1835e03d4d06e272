#include "ridgeline/trace/mem_trace.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "ridgeline/base/error.hpp"

namespace ridgeline::trace {
namespace {

std::vector<TraceFormat>& registry() {
  static std::vector<TraceFormat> formats;
  return formats;
}

// Splits on blanks (spaces, tabs, commas are not separators here).
std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// "0x1f" (hex) or "31" (decimal), the whole token.
bool parse_number(std::string_view token, std::uint64_t& value) {
  int base = 10;
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
    token.remove_prefix(2);
    base = 16;
  }
  if (token.empty()) return false;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value, base);
  return error == std::errc() && end == token.data() + token.size();
}

std::string shown(std::string_view text) {
  std::string s(text.substr(0, 60));
  if (text.size() > 60) s += "...";
  return "'" + s + "'";
}

class RamulatorReader : public MemTraceReader {
 public:
  explicit RamulatorReader(const std::string& path) : MemTraceReader(path, false) {}
  bool next(Request& request) override {
    if (!next_line(text_)) return false;
    const auto t = tokens(text_);
    if (t.size() != 2) {
      fail("expected 'LD ADDRESS' or 'ST ADDRESS' (Ramulator 2 load/store trace), found " +
           shown(text_));
    }
    if (t[0] == "LD") {
      request.write = false;  // a load reads memory
    } else if (t[0] == "ST") {
      request.write = true;  // a store writes it
    } else {
      fail("unknown operation " + shown(t[0]) + "; expected LD or ST");
    }
    if (!parse_number(t[1], request.address)) {
      fail("bad address " + shown(t[1]) + "; expected hex (0x...) or decimal");
    }
    request.size = 0;
    request.cycle = 0;
    return true;
  }

 private:
  std::string text_;
};

class DramSim3Reader : public MemTraceReader {
 public:
  explicit DramSim3Reader(const std::string& path) : MemTraceReader(path, false) {}
  bool next(Request& request) override {
    if (!next_line(text_)) return false;
    const auto t = tokens(text_);
    if (t.size() != 3) {
      fail("expected 'ADDRESS READ|WRITE CYCLE' (DRAMSim3 trace), found " + shown(text_));
    }
    if (!parse_number(t[0], request.address)) {
      fail("bad address " + shown(t[0]) + "; expected hex (0x...) or decimal");
    }
    if (t[1] == "READ") {
      request.write = false;
    } else if (t[1] == "WRITE") {
      request.write = true;
    } else {
      fail("unknown operation " + shown(t[1]) + "; expected READ or WRITE");
    }
    if (!parse_number(t[2], request.cycle)) {
      fail("bad cycle " + shown(t[2]) + "; expected a whole number of memory cycles");
    }
    request.size = 0;
    return true;
  }

 private:
  std::string text_;
};

// Binary: 16-byte header, then 16-byte little-endian records:
//   u64 address; u32 size | write << 31; u32 cycles since the previous request's cycle.
class BinaryReader : public MemTraceReader {
 public:
  explicit BinaryReader(const std::string& path) : MemTraceReader(path, true) {
    std::array<unsigned char, 16> header{};
    in_.read(reinterpret_cast<char*>(header.data()), 16);
    if (in_.gcount() != 16 || std::memcmp(header.data(), kBinaryMagic, 8) != 0) {
      throw InputError(file_, "header",
                       "not a Ridgeline binary trace (expected the RLMTRACE header)");
    }
    const std::uint32_t version = le32(header.data() + 8), record = le32(header.data() + 12);
    if (version != kBinaryVersion || record != 16) {
      throw InputError(file_, "header",
                       "unsupported binary trace version " + std::to_string(version) +
                           " / record size " + std::to_string(record) + " (expected 1 / 16)");
    }
  }
  std::string where() const override { return "record " + std::to_string(line_); }
  bool next(Request& request) override {
    std::array<unsigned char, 16> record{};
    in_.read(reinterpret_cast<char*>(record.data()), 16);
    const auto got = in_.gcount();
    if (got == 0) return false;
    ++line_;
    if (got != 16) {
      fail("truncated record: " + std::to_string(got) + " of 16 bytes (the file ends mid-record)");
    }
    request.address = le32(record.data()) | (std::uint64_t{le32(record.data() + 4)} << 32);
    const std::uint32_t size = le32(record.data() + 8);
    request.write = (size >> 31) != 0;
    request.size = size & 0x7FFFFFFFu;
    cycle_ += le32(record.data() + 12);
    request.cycle = cycle_;
    return true;
  }

 private:
  static std::uint32_t le32(const unsigned char* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
  }
  std::uint64_t cycle_ = 0;
};

template <typename T>
TraceFactory opener() {
  return [](const std::string& path) { return std::make_unique<T>(path); };
}

const bool kRegistered = [] {
  register_trace_format({"ramulator", "Ramulator 2 load/store trace: 'LD 0x...' / 'ST 0x...'",
                         opener<RamulatorReader>()});
  register_trace_format(
      {"dramsim3", "DRAMSim3 trace: '0x... READ|WRITE CYCLE'", opener<DramSim3Reader>()});
  register_trace_format(
      {"bin", "Ridgeline binary trace (16-byte records; docs/memsim.md)", opener<BinaryReader>()});
  return true;
}();

}  // namespace

MemTraceReader::MemTraceReader(std::string file, bool binary) : file_(std::move(file)) {
  in_.open(file_, binary ? std::ios::binary : std::ios::in);
  if (!in_) throw InputError(file_, "", "cannot open the trace file");
  std::error_code error;
  size_ = std::filesystem::file_size(file_, error);
  if (error) size_ = 0;
}

double MemTraceReader::progress() const {
  if (size_ == 0) return 0;
  auto& stream = const_cast<std::ifstream&>(in_);
  const auto position = stream.tellg();
  return position < 0 ? 1.0 : static_cast<double>(position) / static_cast<double>(size_);
}

void MemTraceReader::fail(const std::string& message) const {
  throw InputError(file_, where(), message);
}

bool MemTraceReader::next_line(std::string& text) {
  while (std::getline(in_, text)) {
    ++line_;
    if (text.find('\0') != std::string::npos) fail("binary data in a text trace");
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    if (i == text.size() || text[i] == '#') continue;
    return true;
  }
  return false;
}

bool register_trace_format(TraceFormat format) {
  registry().push_back(std::move(format));
  return true;
}

const std::vector<TraceFormat>& trace_formats() {
  (void)kRegistered;
  return registry();
}

std::unique_ptr<MemTraceReader> open_mem_trace(const std::string& path, const std::string& format) {
  (void)kRegistered;
  std::string name = format;
  if (name.empty()) {
    if (path.size() > 4 && path.substr(path.size() - 4) == ".bin") {
      name = "bin";
    } else {
      // Sniff the first meaningful line: "LD"/"ST" first is Ramulator, else DRAMSim3.
      std::ifstream in(path);
      if (!in) throw InputError(path, "", "cannot open the trace file");
      std::string line;
      name = "dramsim3";
      while (std::getline(in, line)) {
        const auto t = tokens(line);
        if (t.empty() || t[0][0] == '#') continue;
        if (t[0] == "LD" || t[0] == "ST") name = "ramulator";
        break;
      }
    }
  }
  for (const auto& f : registry()) {
    if (f.name == name) return f.open(path);
  }
  std::string list;
  for (const auto& f : registry()) list += (list.empty() ? "" : ", ") + f.name;
  throw InputError(path, "", "unknown trace format '" + name + "'; expected one of: " + list);
}

BinaryTraceWriter::BinaryTraceWriter(const std::string& path) : path_(path) {
  out_.open(path, std::ios::binary | std::ios::trunc);
  if (!out_) throw InputError(path, "", "cannot open the file for writing");
  std::array<unsigned char, 16> header{};
  std::memcpy(header.data(), kBinaryMagic, 8);
  header[8] = static_cast<unsigned char>(kBinaryVersion);
  header[12] = 16;
  out_.write(reinterpret_cast<const char*>(header.data()), 16);
}

void BinaryTraceWriter::write(const Request& request) {
  std::array<unsigned char, 16> record{};
  const auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      record[at + static_cast<std::size_t>(i)] = static_cast<unsigned char>(v >> (8 * i));
  };
  put(0, static_cast<std::uint32_t>(request.address));
  put(4, static_cast<std::uint32_t>(request.address >> 32));
  put(8, (request.size & 0x7FFFFFFFu) | (request.write ? 0x80000000u : 0u));
  const std::uint64_t delta = request.cycle >= last_cycle_ ? request.cycle - last_cycle_ : 0;
  if (request.cycle < last_cycle_) {
    throw InputError(path_, "record " + std::to_string(count_ + 1),
                     "request cycles must not decrease in a binary trace");
  }
  if (delta > 0xFFFFFFFFu) {
    throw InputError(path_, "record " + std::to_string(count_ + 1),
                     "more than 2^32 cycles between two requests");
  }
  put(12, static_cast<std::uint32_t>(delta));
  last_cycle_ = request.cycle;
  out_.write(reinterpret_cast<const char*>(record.data()), 16);
  ++count_;
}

void BinaryTraceWriter::close() {
  out_.close();
  if (!out_) throw InputError(path_, "", "write failed");
}

std::uint64_t convert_to_binary(const std::string& in, const std::string& format,
                                const std::string& out) {
  auto reader = open_mem_trace(in, format);
  BinaryTraceWriter writer(out);
  Request request;
  while (reader->next(request)) writer.write(request);
  writer.close();
  return writer.count();
}

}  // namespace ridgeline::trace
