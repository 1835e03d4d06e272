#include "app.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <cstdio>

#include "hbm_tab.hpp"
#include "main_window.hpp"
#include "ridgeline/base/dtype.hpp"
#include "trace_tab.hpp"

namespace ridgeline::gui {

namespace {

void complain(const QString& message) {
  std::fprintf(stderr, "ridgeline-gui: %s\n", message.toLocal8Bit().constData());
}

}  // namespace

int run_app(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription("Ridgeline: interactive roofline explorer");
  parser.addHelpOption();
  const QCommandLineOption hw("hw", "Accelerator id or spec file", "ID", "h100-sxm");
  const QCommandLineOption hw2({"hw2", "compare"}, "Second accelerator to compare", "ID");
  const QCommandLineOption model("model", "Model id or config.json", "ID", "llama-3-70b");
  const QCommandLineOption phase("phase", "prefill, decode or train", "P", "decode");
  const QCommandLineOption batch("batch", "Sequences per step", "B", "16");
  const QCommandLineOption prompt("prompt", "Prompt tokens (prefill, train)", "P", "2048");
  const QCommandLineOption context("context", "Tokens in the KV cache (decode)", "C", "4096");
  const QCommandLineOption weights("weights", "Weight dtype", "DT", "bf16");
  const QCommandLineOption activations("activations", "Activation dtype", "DT", "bf16");
  const QCommandLineOption kv("kv", "KV cache dtype", "DT", "bf16");
  const QCommandLineOption knob("knob", "Design knob NAME=VALUE, e.g. hbm.pin_rate=9.6Gb/s",
                                "SETTING");
  const QCommandLineOption select("select", "Operator to select", "NAME");
  const QCommandLineOption tab("tab", "Tab to show: roofline, hbm, system, trace", "NAME",
                               "roofline");
  const QCommandLineOption trace_file(
      "trace", "Open a PyTorch profiler trace in the Trace tab (and show that tab)", "FILE");
  const QCommandLineOption screenshot("screenshot", "Render the window to a PNG and exit", "FILE");
  const QCommandLineOption size("size", "Window size WxH", "WxH", "1600x1000");
  parser.addOptions({hw, hw2, model, phase, batch, prompt, context, weights, activations, kv, knob,
                     select, tab, trace_file, screenshot, size});
  if (!parser.parse(arguments)) {
    complain(parser.errorText());
    return 2;
  }
  if (parser.isSet("help")) {
    std::fprintf(stdout, "%s", parser.helpText().toLocal8Bit().constData());
    return 0;
  }

  Inputs inputs;
  inputs.hw = parser.value(hw).toStdString();
  inputs.hw2 = parser.value(hw2).toStdString();
  inputs.model = parser.value(model).toStdString();
  const QString phase_text = parser.value(phase);
  if (phase_text == "prefill") {
    inputs.spec.phase = workload::Phase::prefill;
  } else if (phase_text == "train") {
    inputs.spec.phase = workload::Phase::train;
  } else if (phase_text == "decode") {
    inputs.spec.phase = workload::Phase::decode;
  } else {
    complain("--phase: expected prefill, decode or train, got '" + phase_text + "'");
    return 2;
  }
  auto integer = [&](const QCommandLineOption& option, std::int64_t& out) {
    bool ok = false;
    out = parser.value(option).toLongLong(&ok);
    if (!ok || out < 1) {
      complain("--" + option.names().front() + ": expected a positive integer, got '" +
               parser.value(option) + "'");
    }
    return ok && out >= 1;
  };
  if (!integer(batch, inputs.spec.batch) || !integer(prompt, inputs.spec.prompt) ||
      !integer(context, inputs.spec.context)) {
    return 2;
  }
  auto dtype = [&](const QCommandLineOption& option, DType& out) {
    const auto parsed = parse_dtype(parser.value(option).toStdString());
    if (!parsed) {
      complain("--" + option.names().front() + ": unknown dtype '" + parser.value(option) +
               "'; expected one of: " + QString::fromStdString(dtype_list()));
      return false;
    }
    out = *parsed;
    return true;
  };
  if (!dtype(weights, inputs.spec.weights) || !dtype(activations, inputs.spec.activations) ||
      !dtype(kv, inputs.spec.kv)) {
    return 2;
  }
  const QStringList dims = parser.value(size).split('x');
  const int width = dims.size() == 2 ? dims[0].toInt() : 0;
  const int height = dims.size() == 2 ? dims[1].toInt() : 0;
  if (width < 200 || height < 200) {
    complain("--size: expected WxH of at least 200x200, got '" + parser.value(size) + "'");
    return 2;
  }

  const bool shooting = parser.isSet(screenshot);
  MainWindow window(inputs, !shooting);
  if (!window.lastError().isEmpty()) {
    complain(window.lastError());
    if (shooting) return 1;
  }
  for (const QString& setting : parser.values(knob)) {
    double value = 0;
    std::string name;
    try {
      // The registry's own parsing: units, integer knobs, names.
      const auto assignment = knobs::split_assignment(setting.toStdString(), "--knob");
      name = assignment.name;
      value = knobs::parse_knob_value(knobs::find_knob(name), assignment.value);
    } catch (const std::exception& error) {
      complain(QString::fromUtf8(error.what()));
      return 2;
    }
    if (!window.setKnob(name, value)) {
      complain(window.lastError());
      if (shooting) return 1;
    }
  }
  if (parser.isSet(select)) {
    const auto& ops = window.evaluation().analysis.ops;
    bool found = false;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].name == parser.value(select).toStdString()) {
        window.selectOperator(static_cast<int>(i));
        found = true;
      }
    }
    if (!found) {
      complain("--select: no operator named '" + parser.value(select) + "'");
      if (shooting) return 1;
    }
  }
  if (parser.isSet(trace_file) && !window.traceTab()->openTrace(parser.value(trace_file))) {
    complain("--trace: " + window.traceTab()->error());
    if (shooting) return 1;
  }
  // --trace shows the Trace tab unless --tab names another.
  const QString tab_name =
      parser.isSet(trace_file) && !parser.isSet(tab) ? QString("trace") : parser.value(tab);
  if (!window.selectTab(tab_name)) {
    complain("--tab: expected roofline, hbm, system or trace, got '" + tab_name + "'");
    return 2;
  }
  window.resize(width, height);
  window.show();
  if (!shooting) return QApplication::exec();

  if (tab_name.compare("hbm", Qt::CaseInsensitive) == 0) {
    // A screenshot of the HBM tab shows a finished run.
    window.hbmTab()->run();
    window.hbmTab()->waitForFinished();
    if (!window.hbmTab()->error().isEmpty()) {
      complain(window.hbmTab()->error());
      return 1;
    }
  }
  QApplication::processEvents();
  const QPixmap image = window.grab();
  if (!image.save(parser.value(screenshot), "PNG")) {
    complain("cannot write " + parser.value(screenshot));
    return 1;
  }
  return 0;
}

}  // namespace ridgeline::gui
