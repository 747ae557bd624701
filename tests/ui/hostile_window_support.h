#pragma once
// For test_hostile_window: the hostile corpus's manifest (tests/hostile/make_corpus.py) read
// into Qt types, a drag and drop of one local file as the desktop delivers it, and the part of
// the window's state a refused file must leave as it was.
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/io/atomic_file.h"
#include "ui/interpolation/endpoint_view.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/window/main_window.h"

namespace latentlab::test {

struct CorpusEntry {
  QByteArray id;     // for failure messages: "category/id"
  QString category;  // model | store | latent | image | session | idx | celeba
  QString path;
  QString spec;     // the data set spec of idx and celeba entries
  QString outcome;  // error | ok | warning
  QStringList expect;
  QString names;  // what the message must name: "names" when given and not empty, else "path"
};

inline std::vector<CorpusEntry> readCorpus(const QString& dir) {
  const auto manifest =
      nlohmann::json::parse(read_file((dir + QStringLiteral("/manifest.json")).toStdString()));
  std::vector<CorpusEntry> out;
  const auto text = [](const nlohmann::json& e, const char* key) {
    return e.contains(key) ? QString::fromStdString(e.at(key).get<std::string>()) : QString();
  };
  for (const auto& e : manifest.at("entries")) {
    CorpusEntry entry;
    entry.category = text(e, "category");
    entry.id = (entry.category + QLatin1Char('/') + text(e, "id")).toUtf8();
    entry.path = text(e, "path");
    entry.spec = text(e, "spec");
    entry.outcome = text(e, "outcome");
    for (const auto& word : e.at("expect")) entry.expect << QString::fromStdString(word);
    entry.names = text(e, "names");
    if (entry.names.isEmpty()) entry.names = entry.path;
    out.push_back(entry);
  }
  return out;
}

// A drag of path entering target and dropped on its centre; true when target accepted both.
inline bool dropFile(QWidget* target, const QString& path) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  const QPoint centre = target->rect().center();
  QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  enter.ignore();
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(centre), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  drop.ignore();
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

// What a refused file must not touch: the open model, the latent shown, the strip's endpoints.
struct WindowState {
  QString modelPath;
  std::vector<float> latent;
  std::optional<std::vector<float>> a, b;

  static WindowState of(const ui::MainWindow& window) {
    const ui::InterpolationPanel* strip = window.interpolationDock()->panel();
    return {window.model().path, window.currentLatent(), strip->endpoint(0), strip->endpoint(1)};
  }
  bool operator==(const WindowState& o) const {
    return modelPath == o.modelPath && latent == o.latent && a == o.a && b == o.b;
  }
};

}  // namespace latentlab::test
