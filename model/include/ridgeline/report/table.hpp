#pragma once
// Tables for people (aligned text) and machines (CSV, RFC 4180), shared by every front end.

#include <string>
#include <vector>

namespace ridgeline::report {

enum class Align { left, right };

struct Table {
  std::vector<std::string> headers;
  std::vector<Align> align;  // per column; missing entries are left-aligned
  std::vector<std::vector<std::string>> rows;
};

std::string render_text(const Table& table);
std::string render_csv(const Table& table);
// Quotes a CSV field if it holds a comma, quote or line break.
std::string csv_field(const std::string& field);

}  // namespace ridgeline::report
