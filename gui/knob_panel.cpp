#include "knob_panel.hpp"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <cmath>
#include <limits>

namespace ridgeline::gui {

double KnobPanel::sliderFactor(int position) {
  return std::pow(4.0, position / 1000.0);
}

int KnobPanel::sliderPosition(double factor) {
  return static_cast<int>(std::lround(1000.0 * std::log(factor) / std::log(4.0)));
}

KnobPanel::KnobPanel(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(4, 4, 4, 4);
  grid->setHorizontalSpacing(6);
  int line = 0;
  for (const auto& knob : knobs::knob_registry()) {
    if (!knob.numeric) continue;
    Row row;
    row.knob = knob;
    row.name = new QLabel(QString::fromStdString(knob.name), this);
    row.name->setToolTip(QString::fromStdString(knob.description));
    const std::string name = knob.name;
    if (knob.integer) {
      auto* spin = new QSpinBox(this);
      spin->setRange(1, std::numeric_limits<int>::max());
      spin->setKeyboardTracking(false);
      spin->setToolTip(row.name->toolTip());
      connect(spin, &QSpinBox::valueChanged, this, [this, name](int value) {
        if (!syncing_) emit knobChanged(name, value);
      });
      row.control = spin;
    } else {
      auto* slider = new QSlider(Qt::Horizontal, this);
      slider->setRange(-1000, 1000);
      slider->setToolTip(row.name->toolTip() + " (¼× … 4× of the original)");
      const std::size_t index = rows_.size();
      connect(slider, &QSlider::valueChanged, this, [this, name, index](int position) {
        if (!syncing_) emit knobChanged(name, rows_[index].original * sliderFactor(position));
      });
      row.control = slider;
    }
    row.value = new QLabel(this);
    row.value->setMinimumWidth(80);
    auto* reset = new QToolButton(this);
    reset->setText(QStringLiteral("\u21BA"));
    reset->setToolTip("Back to the original value of " + QString::fromStdString(knob.name));
    connect(reset, &QToolButton::clicked, this, [this, name] { emit knobReset(name); });
    grid->addWidget(row.name, line, 0);
    grid->addWidget(row.control, line, 1);
    grid->addWidget(row.value, line, 2);
    grid->addWidget(reset, line, 3);
    grid->setColumnStretch(1, 1);
    rows_.push_back(row);
    ++line;
  }
  auto* all = new QPushButton(QStringLiteral("Reset all knobs"), this);
  connect(all, &QPushButton::clicked, this, &KnobPanel::resetAll);
  grid->addWidget(all, line, 0, 1, 4);
}

void KnobPanel::setDesign(const knobs::Design& original, const knobs::Design& modified,
                          const std::map<std::string, double>& settings) {
  syncing_ = true;
  for (auto& row : rows_) {
    const std::string& name = row.knob.name;
    double original_value = 0;
    double current = 0;
    QString text;
    try {
      original_value = knobs::knob_value(original, name);
      current = knobs::knob_value(modified, name);
      text = QString::fromStdString(knobs::knob_text(modified, name));
    } catch (const std::exception&) {
      original_value = 0;  // not applicable to this design (e.g. no L2)
    }
    row.original = original_value;
    const bool applicable = original_value > 0;
    row.control->setEnabled(applicable);
    const auto setting = settings.find(name);
    const bool changed = setting != settings.end();
    if (row.knob.relative && changed) {
      current = setting->second;
      text = "×" + QString::number(current, 'g', 3);
    }
    if (auto* spin = qobject_cast<QSpinBox*>(row.control)) {
      spin->setValue(applicable ? static_cast<int>(std::lround(current)) : 1);
    } else if (auto* slider = qobject_cast<QSlider*>(row.control)) {
      const double factor =
          applicable ? (row.knob.relative ? current : current / original_value) : 1;
      slider->setValue(sliderPosition(factor > 0 ? factor : 1));
    }
    row.value->setText(applicable ? text : QStringLiteral("n/a"));
    QFont font = row.name->font();
    font.setBold(changed);
    row.name->setFont(font);
    row.value->setFont(font);
  }
  syncing_ = false;
}

}  // namespace ridgeline::gui
