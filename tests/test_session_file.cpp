// Session files: what "Save session" writes reads back the same; a teacher's file with a wrong
// entry is refused by name; the points a session carries land in a file of their own; the
// clipboard's command line.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/panels/draw_logic.h"
#include "app/window/session_file.h"
#include "core/data/points_csv.h"
#include "core/params/schema.h"
#include "core/util/error.h"
#include "tests/error_message.h"

using namespace jem;
using namespace jem::window;

namespace {

Session example() {
  Session s;
  s.settings.dataset = "csv";
  s.settings.data_file = "teacher/points.csv";
  s.settings.sgld_lr = 0.5;
  s.settings.eps = "0,0.2";
  for (int i = 0; i < 12; ++i) s.points_xy.push_back(0.25f * i), s.points_xy.push_back(-0.5f * i), s.points_label.push_back(i % 3);
  s.view = Box{-3, 3, -2, 2.5f};
  s.landscape.field = "class_prob";
  s.landscape.drift = true;
  s.landscape.contours = 4;
  s.tab = "robustness";
  s.title = "My lesson", s.description = "Look at this.", s.look = "The arrows.", s.try_this = "Halve sgld_lr.";
  return s;
}

std::string refusal(const std::string& text) {
  return error_message([&] { parse_session(text, "lesson.json"); });
}

}  // namespace

TEST(SessionFile, WhatIsSavedReadsBackTheSame) {
  const Session s = example();
  const std::string text = session_json(s);
  const Session r = parse_session(text, "s.json");
  EXPECT_EQ(r.settings, s.settings);
  EXPECT_EQ(r.points_xy, s.points_xy);
  EXPECT_EQ(r.points_label, s.points_label);
  ASSERT_TRUE(r.view);
  EXPECT_EQ(*r.view, *s.view);
  EXPECT_EQ(r.landscape.field, "class_prob");
  EXPECT_TRUE(r.landscape.drift);
  EXPECT_EQ(r.landscape.contours, 4);
  EXPECT_EQ(r.tab, "robustness");
  EXPECT_EQ(r.title, "My lesson");
  EXPECT_EQ(r.try_this, "Halve sgld_lr.");
  EXPECT_EQ(session_json(r), text);  // and once more: a fixed point
}

TEST(SessionFile, AWrongEntryIsRefusedByName) {
  const std::string good = session_json(example());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? t : t.replace(at, from.size(), to);
  };
  EXPECT_EQ(refusal(with("\"jemlab_session\": 1", "\"jemlab_session\": 2")),
            "lesson.json: jemlab_session: version 2 is not 1, the one this lab reads");
  EXPECT_EQ(refusal(with("\"tab\": \"robustness\"", "\"tab\": \"robustnes\"")), "lesson.json: tab: 'robustnes' is not an analysis tab");
  EXPECT_EQ(refusal(with("\"tab\":", "\"colour\": 1, \"tab\":")), "lesson.json: unknown entry 'colour'");
  EXPECT_EQ(refusal(with("\"drift\": true", "\"drift\": true, \"arrows\": 3")), "lesson.json: unknown entry 'landscape.arrows'");
  EXPECT_EQ(refusal(with("\"contours\": 4", "\"contours\": 400")), "lesson.json: landscape.contours: 400 is out of range [0, 40]");
  EXPECT_EQ(refusal(with("\"contours\": 4", "\"contours\": \"four\"")), "lesson.json: landscape.contours: wrong type");
  EXPECT_NE(refusal(with("\"sgld_lr\": 0.5", "\"sgld_lr\": 500")).find("sgld_lr"), std::string::npos);
  EXPECT_NE(refusal(with("\"sgld_lr\": 0.5", "\"sgld_lrr\": 0.5")).find("sgld_lrr"), std::string::npos);
  EXPECT_EQ(refusal(with("\"view\": [", "\"view\": [9, ")), "lesson.json: view: expected [x0, x1, y0, y1] with x0 < x1 and y0 < y1");
  EXPECT_NE(refusal(with("\"label\": [", "\"label\": [7, ")).find("x0, x1 and label differ in length"), std::string::npos);
  EXPECT_EQ(refusal("[1, 2]"), "lesson.json: not a JSON object (a session file from 'Save session')");
  EXPECT_EQ(refusal(with("\"tab\":", "\"tab\": \"ood\", \"tab\":")), "lesson.json: the key 'tab' is given twice (which value is meant?)");
  EXPECT_EQ(refusal("{\"settings\": {}}"), "lesson.json: not a JEM Lab session (no jemlab_session version)");
  EXPECT_NE(refusal("{\"jemlab_session\": 1, \"settings\": {\"dataset\": \"csv\", \"data_file\": \"\"}}").find("data_file"),
            std::string::npos);
}

TEST(SessionFile, ItsPointsGoToAFileOfTheirOwn) {
  Session s = example();
  const std::string dir = testing::TempDir() + "/jemlab_session_points";
  std::filesystem::remove_all(dir);
  materialise_points(s, dir);
  ASSERT_NE(s.settings.data_file, "teacher/points.csv");
  const PointsTable t = read_points_csv(s.settings.data_file);
  EXPECT_EQ(t.xy, example().points_xy);
  EXPECT_EQ(t.label, example().points_label);
  Session again = example();
  materialise_points(again, dir);
  EXPECT_EQ(again.settings.data_file, s.settings.data_file) << "the same points, the same file (named by their hash)";
  std::filesystem::remove_all(dir);
}

TEST(SessionFile, TheCommandLineNamesEveryChangedKnobAndQuotesText) {
  Settings s;
  EXPECT_EQ(train_command_line(s), "jemlab train");
  s.sgld_lr = 0.5;
  s.dataset = "csv";
  s.data_file = "my points/it's.csv";
  EXPECT_EQ(train_command_line(s), "jemlab train --sgld_lr 0.5 --dataset csv --data_file 'my points/it'\\''s.csv'");
}

TEST(DrawnPoints, StrokesEraseUndoAndClear) {
  DrawnPoints d;
  d.radius = 0.5f, d.density = 5;
  d.paint(0, 0), d.paint(0.1f, 0), d.end_stroke();
  ASSERT_EQ(d.size(), 10u);
  for (size_t i = 0; i < d.size(); ++i) {
    EXPECT_LE(std::hypot(d.xy()[2 * i] - (i < 5 ? 0.0f : 0.1f), d.xy()[2 * i + 1]), 0.5f + 1e-6f);
    EXPECT_EQ(d.labels()[i], 0);
  }
  EXPECT_NE(d.not_ready(), "") << "one class only";
  d.brush_class = 1;
  d.paint(5, 5), d.end_stroke();
  EXPECT_EQ(d.n_classes(), 2);
  EXPECT_EQ(d.not_ready(), "");
  d.erase = true, d.radius = 1;
  d.paint(5, 5), d.end_stroke();  // the class-1 stroke erased
  EXPECT_EQ(d.size(), 10u);
  d.undo();
  EXPECT_EQ(d.size(), 15u);
  d.clear();
  EXPECT_EQ(d.size(), 0u);
  d.undo();
  EXPECT_EQ(d.size(), 15u);
  const PointsTable t = parse_points_csv(d.csv(), "drawn");
  EXPECT_EQ(t.label.size(), 15u);
  EXPECT_EQ(t.n_classes, 2);
}
