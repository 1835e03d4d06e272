#include "ridgeline/plot/svg.hpp"

#include <cmath>
#include <cstdio>

namespace ridgeline::plot {

namespace {

// Shortest form with at most two decimals: 12, 12.5, 12.25 (never "-0", never exponents).
std::string number(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

std::string attribute(const char* name, double value) {
  return std::string(" ") + name + "=\"" + number(value) + "\"";
}

std::string attribute(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

std::string stroke_attributes(const Stroke& stroke) {
  std::string out =
      attribute("stroke", to_hex(stroke.color)) + attribute("stroke-width", stroke.width);
  if (!stroke.dash.empty()) {
    std::string pattern;
    for (double length : stroke.dash) pattern += (pattern.empty() ? "" : ",") + number(length);
    out += attribute("stroke-dasharray", pattern);
  }
  return out;
}

std::string fill_attributes(Color color, double opacity) {
  if (opacity <= 0) return " fill=\"none\"";
  std::string out = attribute("fill", to_hex(color));
  if (opacity < 1) out += attribute("fill-opacity", opacity);
  return out;
}

std::string points_attribute(const std::vector<Point>& points) {
  std::string out;
  for (const Point& p : points) {
    if (!out.empty()) out += ' ';
    out += number(p.x) + "," + number(p.y);
  }
  return attribute("points", out);
}

struct Painter {
  std::string& out;

  void operator()(const Line& line) const {
    out += "<line" + attribute("x1", line.from.x) + attribute("y1", line.from.y) +
           attribute("x2", line.to.x) + attribute("y2", line.to.y) +
           stroke_attributes(line.stroke) + "/>\n";
  }
  void operator()(const Polyline& polyline) const {
    out += "<polyline" + points_attribute(polyline.points) + " fill=\"none\"" +
           stroke_attributes(polyline.stroke) + " stroke-linejoin=\"round\"/>\n";
  }
  void operator()(const Polygon& polygon) const {
    out += "<polygon" + points_attribute(polygon.points) +
           fill_attributes(polygon.fill, polygon.fill_opacity) +
           (polygon.outline ? stroke_attributes(*polygon.outline) : std::string()) + "/>\n";
  }
  void operator()(const Rect& rect) const {
    out += "<rect" + attribute("x", rect.box.left) + attribute("y", rect.box.top) +
           attribute("width", rect.box.width()) + attribute("height", rect.box.height()) +
           fill_attributes(rect.fill, rect.fill_opacity) +
           (rect.outline ? stroke_attributes(*rect.outline) : std::string()) + "/>\n";
  }
  void operator()(const Circle& circle) const {
    out += "<circle" + attribute("cx", circle.center.x) + attribute("cy", circle.center.y) +
           attribute("r", circle.radius) +
           (circle.fill ? fill_attributes(*circle.fill, 1) : std::string(" fill=\"none\"")) +
           (circle.outline ? stroke_attributes(*circle.outline) : std::string()) + "/>\n";
  }
  void operator()(const Text& text) const {
    out += "<text" + attribute("x", text.position.x) + attribute("y", text.position.y) +
           attribute("font-size", text.font_size) + attribute("fill", to_hex(text.color));
    switch (text.anchor) {
      case TextAnchor::start:
        break;
      case TextAnchor::middle:
        out += " text-anchor=\"middle\"";
        break;
      case TextAnchor::end:
        out += " text-anchor=\"end\"";
        break;
    }
    // A dy shift instead of dominant-baseline: renderers (librsvg, older browsers) disagree on
    // the latter. 0.35em / 0.75em match the extents text_box() assumes.
    switch (text.baseline) {
      case TextBaseline::alphabetic:
        break;
      case TextBaseline::middle:
        out += " dy=\"0.35em\"";
        break;
      case TextBaseline::top:
        out += " dy=\"0.75em\"";
        break;
    }
    if (text.bold) out += " font-weight=\"bold\"";
    if (text.rotation_degrees != 0) {
      out +=
          attribute("transform", "rotate(" + number(text.rotation_degrees) + " " +
                                     number(text.position.x) + " " + number(text.position.y) + ")");
    }
    out += ">" + xml_escape(text.text) + "</text>\n";
  }
};

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_svg(const Scene& scene) {
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"" +
      attribute("width", scene.width) + attribute("height", scene.height) +
      attribute("viewBox", "0 0 " + number(scene.width) + " " + number(scene.height)) +
      " font-family=\"sans-serif\">\n";
  if (!scene.title.empty()) out += "<title>" + xml_escape(scene.title) + "</title>\n";
  out += "<rect x=\"0\" y=\"0\"" + attribute("width", scene.width) +
         attribute("height", scene.height) + " fill=\"#ffffff\"/>\n";
  const Painter painter{out};
  for (const Item& item : scene.items) std::visit(painter, item);
  out += "</svg>\n";
  return out;
}

}  // namespace ridgeline::plot
