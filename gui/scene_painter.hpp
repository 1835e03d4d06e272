#pragma once
// Paints a laid-out plot::Scene (model/include/ridgeline/plot/scene.hpp) with QPainter: one call
// per primitive, no layout of its own, so the screen, PNG and PDF show what the SVG shows.

#include <QString>

#include "ridgeline/plot/scene.hpp"

class QPainter;

namespace ridgeline::gui {

void paint_scene(QPainter& painter, const plot::Scene& scene);

// The scene as a PNG / PDF file (PNG at `scale` × the scene's pixel size). Return false when the
// file cannot be written.
bool write_png(const plot::Scene& scene, const QString& path, double scale = 2);
bool write_pdf(const plot::Scene& scene, const QString& path);

}  // namespace ridgeline::gui
