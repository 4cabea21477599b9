// Your own 2D points: the CSV reader's good and bad files (each refusal names its line), and the
// format drawn data saves to.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/data/points_csv.h"
#include "core/util/error.h"
#include "tests/error_message.h"

using namespace jem;

namespace {

std::string rows(int n, int classes = 2) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::to_string(i * 0.5) + "," + std::to_string(-i) + "," + std::to_string(i % classes) + "\n";
  return s;
}

// The message parse_points_csv throws for `text`, or "" when it is accepted.
std::string refusal(const std::string& text) {
  return error_message([&] { parse_points_csv(text, "pts.csv"); });
}

}  // namespace

TEST(PointsCsv, ReadsRowsWithOrWithoutAHeader) {
  const PointsTable a = parse_points_csv("x0,x1,label\n" + rows(12, 3), "a.csv");
  ASSERT_EQ(a.label.size(), 12u);
  EXPECT_EQ(a.n_classes, 3);
  EXPECT_FLOAT_EQ(a.xy[2 * 5], 2.5f);
  EXPECT_FLOAT_EQ(a.xy[2 * 5 + 1], -5.0f);
  EXPECT_EQ(a.label[5], 2);
  // No header, Windows line ends, blank lines and spaces around the values.
  std::string crlf = " 0.5 , 1 ,0\r\n\r\n";
  for (int i = 0; i < 11; ++i) crlf += "1,2," + std::to_string(i % 2) + "\r\n";
  const PointsTable b = parse_points_csv(crlf, "b.csv");
  EXPECT_EQ(b.label.size(), 12u);
  EXPECT_FLOAT_EQ(b.xy[0], 0.5f);
  // The hash follows the bytes.
  EXPECT_EQ(a.content_hash, parse_points_csv("x0,x1,label\n" + rows(12, 3), "c.csv").content_hash);
  EXPECT_NE(a.content_hash, parse_points_csv("x0,x1,label\n" + rows(13, 3), "c.csv").content_hash);
}

TEST(PointsCsv, ABadRowIsRefusedWithItsLineNumberAndWhy) {
  const std::string head = "x0,x1,label\n" + rows(11);  // lines 1-12; the bad row is line 13
  EXPECT_EQ(refusal(head + "1,2\n"), "pts.csv:13: expected 3 values x0,x1,label, found 2");
  EXPECT_EQ(refusal(head + "1,abc,0\n"), "pts.csv:13: x1 'abc' is not a finite number within +-1e6");
  EXPECT_EQ(refusal(head + "nan,1,0\n"), "pts.csv:13: x0 'nan' is not a finite number within +-1e6");
  EXPECT_EQ(refusal(head + "1,1e9,0\n"), "pts.csv:13: x1 '1e9' is not a finite number within +-1e6");
  EXPECT_EQ(refusal(head + "1,1,0.5\n"), "pts.csv:13: label '0.5' is not a class 0..15");
  EXPECT_EQ(refusal(head + "1,1,-1\n"), "pts.csv:13: label '-1' is not a class 0..15");
  EXPECT_EQ(refusal(head + "1,1,16\n"), "pts.csv:13: label '16' is not a class 0..15");
  EXPECT_EQ(refusal(head + "1,1,0,7\n"), "pts.csv:13: expected 3 values x0,x1,label, found 4");
  EXPECT_EQ(refusal(rows(5)), "pts.csv: 5 points; at least 10 are needed (x0,x1,label rows)");
  EXPECT_EQ(refusal(rows(12, 1)), "pts.csv: every point has label 0; at least two classes are needed");
  std::string gap;  // labels 0 and 2: class 1 is missing
  for (int i = 0; i < 12; ++i) gap += "1,1," + std::to_string(i % 2 * 2) + "\n";
  EXPECT_EQ(refusal(gap), "pts.csv: no point has label 1: labels must be 0..2 with none missing");
  EXPECT_NE(refusal(std::string("1,2,0\n\x01\x02garbage")), "");
}

TEST(PointsCsv, FilesTooLargeOrMissingAreRefusedByName) {
  EXPECT_THROW(read_points_csv("/no/such/points.csv"), Error);
  try {
    read_points_csv("");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--data_file"), std::string::npos) << e.what();
  }
  // A huge file: refused from its size, before it is read.
  const std::string path = testing::TempDir() + "/huge_points.csv";
  {
    std::ofstream f(path, std::ios::binary);
    f.seekp(std::streamoff(kMaxPointsFileBytes) + 1);
    f.put('\n');
  }
  try {
    read_points_csv(path);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("MB a points file may have"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(PointsCsv, WhatItWritesReadsBackExactly) {
  const std::vector<float> xy = {0.1f, -2.5f, 1e-7f, 3.25f, 100.125f, -0.333333343f};
  const std::vector<int> label = {0, 1, 1};
  std::string text = points_csv_text(xy, label);
  for (int i = 0; i < 4; ++i) text += points_csv_text(xy, label).substr(12);  // 15 rows, no second header
  const PointsTable t = parse_points_csv(text, "round.csv");
  ASSERT_EQ(t.label.size(), 15u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(t.xy[i], xy[i]);
  EXPECT_EQ(t.label[2], 1);
}
