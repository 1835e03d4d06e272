#pragma once
// The design-knob panel, built generically from the knob registry (knobs_adapter.hpp): one row per
// numeric knob with its name, a control, the value in human units and a reset button. Integer
// knobs get a spin box; continuous ones a logarithmic slider from ¼× to 4× of the original value
// (relative knobs: the factor itself).

#include <QWidget>
#include <map>
#include <string>
#include <vector>

#include "knobs_adapter.hpp"

class QGridLayout;
class QLabel;

namespace ridgeline::gui {

class KnobPanel : public QWidget {
  Q_OBJECT

 public:
  explicit KnobPanel(QWidget* parent = nullptr);
  // Shows the original design's values and the current settings (knob name → SI value).
  void setDesign(const knobs::Design& original, const knobs::Design& modified,
                 const std::map<std::string, double>& settings);
  // Slider position (-1000..1000) ↔ factor of the original value, 4^(position / 1000).
  static double sliderFactor(int position);
  static int sliderPosition(double factor);

 signals:
  void knobChanged(const std::string& name, double value);
  void knobReset(const std::string& name);
  void resetAll();

 private:
  struct Row {
    knobs::Knob knob;
    QWidget* control = nullptr;
    QLabel* value = nullptr;
    QLabel* name = nullptr;
    double original = 0;
  };
  std::vector<Row> rows_;
  bool syncing_ = false;
};

}  // namespace ridgeline::gui
