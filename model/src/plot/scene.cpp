#include "ridgeline/plot/scene.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace ridgeline::plot {

std::string to_hex(Color color) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", color.r, color.g, color.b);
  return buffer;
}

Color mix(Color from, Color to, double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto channel = [t](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * t));
  };
  return {channel(from.r, to.r), channel(from.g, to.g), channel(from.b, to.b)};
}

double overlap_area(const Box& a, const Box& b) {
  const double width = std::min(a.right, b.right) - std::max(a.left, b.left);
  const double height = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
  return width > 0 && height > 0 ? width * height : 0;
}

bool segment_intersects(const Box& box, Point a, Point b) {
  // Liang–Barsky: shrink the parameter interval [t0, t1] of a + t (b - a) against each edge.
  double t0 = 0;
  double t1 = 1;
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const std::array<double, 4> p{-dx, dx, -dy, dy};
  const std::array<double, 4> q{a.x - box.left, box.right - a.x, a.y - box.top, box.bottom - a.y};
  for (std::size_t i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;  // parallel to this edge and outside it
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0) {
      t0 = std::max(t0, t);
    } else {
      t1 = std::min(t1, t);
    }
    if (t0 > t1) return false;
  }
  return true;
}

std::size_t character_count(std::string_view text) {
  // Count every byte that does not continue a multi-byte UTF-8 sequence (10xxxxxx).
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

double text_width(std::string_view text, double font_size) {
  return kCharWidthEm * font_size * static_cast<double>(character_count(text));
}

Box text_box(const Text& text) {
  const double width = text_width(text.text, text.font_size);
  const double height = text.font_size;
  double left = 0;
  switch (text.anchor) {
    case TextAnchor::start:
      left = 0;
      break;
    case TextAnchor::middle:
      left = -width / 2;
      break;
    case TextAnchor::end:
      left = -width;
      break;
  }
  double top = 0;
  switch (text.baseline) {
    case TextBaseline::alphabetic:
      top = -0.75 * height;
      break;
    case TextBaseline::middle:
      top = -0.5 * height;
      break;
    case TextBaseline::top:
      top = 0;
      break;
  }
  // Corners relative to the position, rotated clockwise (y down), then bounded.
  const double angle = text.rotation_degrees * std::numbers::pi / 180;
  const double cosine = std::cos(angle);
  const double sine = std::sin(angle);
  const std::array<Point, 4> corners{Point{left, top}, Point{left + width, top},
                                     Point{left, top + height}, Point{left + width, top + height}};
  Box box{INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (const Point& corner : corners) {
    const double x = text.position.x + corner.x * cosine - corner.y * sine;
    const double y = text.position.y + corner.x * sine + corner.y * cosine;
    box.left = std::min(box.left, x);
    box.right = std::max(box.right, x);
    box.top = std::min(box.top, y);
    box.bottom = std::max(box.bottom, y);
  }
  return box;
}

}  // namespace ridgeline::plot
