#include "ridgeline/report/table.hpp"

#include <algorithm>

namespace ridgeline::report {
namespace {

// Display width in code points, so that "µs" and "×" align like ASCII.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

std::string render_text(const Table& table) {
  std::vector<std::size_t> widths(table.headers.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(table.headers);
  for (const auto& row : table.rows) measure(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      const std::string pad(widths[i] - display_width(cell), ' ');
      const bool right = i < table.align.size() && table.align[i] == Align::right;
      if (i > 0) text += "  ";
      text += right ? pad + cell : cell + (i + 1 == widths.size() ? "" : pad);
    }
    return text + "\n";
  };
  std::string text = line(table.headers);
  std::string rule;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) rule += "  ";
    rule += std::string(widths[i], '-');
  }
  text += rule + "\n";
  for (const auto& row : table.rows) text += line(row);
  return text;
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string render_csv(const Table& table) {
  auto line = [](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) text += ',';
      text += csv_field(row[i]);
    }
    return text + "\n";
  };
  std::string text = line(table.headers);
  for (const auto& row : table.rows) text += line(row);
  return text;
}

}  // namespace ridgeline::report
