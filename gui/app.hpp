#pragma once
// Command-line handling of ridgeline-gui, separate from main() so tests can run it:
//   ridgeline-gui [--hw ID|PATH] [--hw2 ID] [--model ID|PATH] [--phase P] [--batch B]
//                 [--prompt P] [--context C] [--weights DT] [--activations DT] [--kv DT]
//                 [--knob NAME=VALUE]... [--select OPERATOR] [--tab NAME] [--trace FILE]
//                 [--screenshot FILE.png] [--size WxH]

#include <QStringList>

namespace ridgeline::gui {

// Runs the GUI (or, with --screenshot, renders the window offscreen to a PNG and returns). Needs a
// QApplication. Returns the exit code: 0, 1 for an invalid input (message on stderr), 2 for a usage
// error.
int run_app(const QStringList& arguments);

}  // namespace ridgeline::gui
